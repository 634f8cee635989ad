import { dhcpOptionsComplete } from '../../rules/dhcp-options-complete';
import { dnsResolverAmazon } from '../../rules/dns-resolver-amazon';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { all, configurations } from '../../testkit/snapshot-edits';
import { applyCommands, expectDetailsCoverOffenders, fixCommands } from '../fixes/apply-aws-cli';

const { ids } = privateClustersSnapshot(1);
const { vpcId, dhcpOptionsId } = ids[0]!;
const label = `${dhcpOptionsId} (DHCP options of ${vpcId})`;

type Mutation = (s: RawSnapshot) => void;
const servers =
  (...values: string[]): Mutation =>
  (s) => {
    configurations(s).find((c) => c.Key === 'domain-name-servers')!.Values = values.map((Value) => ({
      Value,
    }));
  };
const noVpcCidr: Mutation = (s) => delete s.ec2.Vpcs[0]!.CidrBlock;

const notAmazon = 'are not the Amazon DNS server (AmazonProvidedDNS, 169.254.169.253, 10.0.0.2)';

const cases: RuleCase[] = [
  // The Amazon DNS server, in each of its spellings
  {
    name: 'AmazonProvidedDNS',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: [`${label} uses the Amazon DNS server (AmazonProvidedDNS)`],
  },
  {
    name: 'AmazonProvidedDNS in another case',
    mutate: servers('amazonprovideddns'),
    expected: 'COMPLIANT',
    annotation: ['uses the Amazon DNS server (amazonprovideddns)'],
  },
  {
    name: 'the link-local IPv4 resolver 169.254.169.253',
    mutate: servers('169.254.169.253'),
    expected: 'COMPLIANT',
    annotation: ['uses the Amazon DNS server (169.254.169.253)'],
  },
  {
    name: 'the IPv6 resolver fd00:ec2::253',
    mutate: servers('fd00:ec2::253'),
    expected: 'COMPLIANT',
    annotation: ['uses the Amazon DNS server (fd00:ec2::253)'],
  },
  {
    name: 'the IPv6 resolver written fd00:ec2:0::253',
    mutate: servers('fd00:ec2:0::253'),
    expected: 'COMPLIANT',
    annotation: ['(fd00:ec2:0::253)'],
  },
  {
    name: 'the VPC resolver, base of 10.0.0.0/16 + 2',
    mutate: servers('10.0.0.2'),
    expected: 'COMPLIANT',
    annotation: ['uses the Amazon DNS server (10.0.0.2)'],
  },
  {
    name: 'a custom server beside AmazonProvidedDNS',
    mutate: servers('10.9.9.9', 'AmazonProvidedDNS'),
    expected: 'COMPLIANT',
    annotation: ['uses the Amazon DNS server (10.9.9.9, AmazonProvidedDNS)'],
  },
  {
    name: 'no domain-name does not concern this rule',
    mutate: (s) => {
      s.ec2.DhcpOptions[0]!.DhcpConfigurations = configurations(s).filter((c) => c.Key !== 'domain-name');
    },
    expected: 'COMPLIANT',
    annotation: ['uses the Amazon DNS server'],
  },

  // Custom DNS servers
  {
    name: 'custom servers, allowedDnsServers not set',
    mutate: servers('10.1.1.1'),
    expected: 'NON_COMPLIANT',
    annotation: [`${label}: DNS servers 10.1.1.1 ${notAmazon} and allowedDnsServers is not set`],
    offenders: [dhcpOptionsId, '10.1.1.1'],
  },
  {
    name: 'custom servers, all in allowedDnsServers',
    params: { allowedDnsServers: '10.1.1.2, 10.1.1.1' },
    mutate: servers('10.1.1.1', '10.1.1.2'),
    expected: 'COMPLIANT',
    annotation: [`${label}: DNS servers 10.1.1.1, 10.1.1.2 are in allowedDnsServers`],
  },
  {
    name: 'custom servers, one not in allowedDnsServers',
    params: { allowedDnsServers: '10.1.1.1' },
    mutate: servers('10.1.1.1', '10.1.1.2'),
    expected: 'NON_COMPLIANT',
    annotation: [`DNS servers 10.1.1.2 ${notAmazon} and not in allowedDnsServers`],
    offenders: [dhcpOptionsId, '10.1.1.2'],
  },
  {
    name: 'allowedDnsServers compares parsed addresses',
    params: { allowedDnsServers: '2001:db8::53' },
    mutate: servers('2001:db8:0:0::53'),
    expected: 'COMPLIANT',
    annotation: ['2001:db8:0:0::53 are in allowedDnsServers'],
  },
  {
    name: 'a host name other than AmazonProvidedDNS is never allowed',
    params: { allowedDnsServers: '10.1.1.1' },
    mutate: servers('ns1.corp.example'),
    expected: 'NON_COMPLIANT',
    annotation: ['DNS servers ns1.corp.example are not the Amazon DNS server'],
    offenders: [dhcpOptionsId, 'ns1.corp.example'],
  },
  {
    name: 'base + 3 is not the VPC resolver',
    mutate: servers('10.0.0.3'),
    expected: 'NON_COMPLIANT',
    annotation: ['DNS servers 10.0.0.3 are not the Amazon DNS server'],
    offenders: [dhcpOptionsId, '10.0.0.3'],
  },
  {
    name: "another VPC's resolver is not this VPC's",
    mutate: servers('10.1.0.2'),
    expected: 'NON_COMPLIANT',
    annotation: ['10.1.0.2 are not the Amazon DNS server'],
  },
  {
    name: 'no domain-name-servers',
    mutate: (s) => {
      s.ec2.DhcpOptions[0]!.DhcpConfigurations = configurations(s).filter(
        (c) => c.Key !== 'domain-name-servers',
      );
    },
    expected: 'NON_COMPLIANT',
    annotation: [`${label} has no domain-name-servers`],
    offenders: [dhcpOptionsId],
  },
  {
    name: 'domain-name-servers with only an empty value',
    mutate: servers(''),
    expected: 'NON_COMPLIANT',
    annotation: ['has no domain-name-servers'],
  },
  {
    name: 'no DHCP option set (default)',
    params: { allowedDnsServers: '10.1.1.1' },
    mutate: (s) => (s.ec2.Vpcs[0]!.DhcpOptionsId = 'default'),
    expected: 'NON_COMPLIANT',
    annotation: [`${vpcId} has no DHCP option set (DhcpOptionsId default)`],
    offenders: [vpcId],
  },

  // The VPC's CidrBlock unknown
  {
    name: 'VPC CidrBlock absent: cannot tell whether 10.0.0.2 is the VPC resolver',
    mutate: all(noVpcCidr, servers('10.0.0.2')),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${vpcId} has no CidrBlock, so cannot tell whether 10.0.0.2 is its Amazon DNS server`],
    offenders: [dhcpOptionsId, '10.0.0.2'],
  },
  {
    name: 'VPC CidrBlock absent, AmazonProvidedDNS needs no CIDR',
    mutate: noVpcCidr,
    expected: 'COMPLIANT',
    annotation: ['uses the Amazon DNS server (AmazonProvidedDNS)'],
  },
  {
    name: 'VPC CidrBlock absent, an IPv6 server cannot be base + 2',
    mutate: all(noVpcCidr, servers('2001:db8::53')),
    expected: 'NON_COMPLIANT',
    annotation: [
      'DNS servers 2001:db8::53 are not the Amazon DNS server (AmazonProvidedDNS, 169.254.169.253, VPC base + 2)',
    ],
  },
  {
    name: 'VPC CidrBlock absent, the server is in allowedDnsServers',
    params: { allowedDnsServers: '10.0.0.2' },
    mutate: all(noVpcCidr, servers('10.0.0.2')),
    expected: 'COMPLIANT',
    annotation: ['10.0.0.2 are in allowedDnsServers'],
  },

  // Data the snapshot lacks
  {
    name: 'ec2.DhcpOptions absent while the VPC names a set',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).DhcpOptions,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.DhcpOptions'],
  },
  {
    name: 'the named set is missing from ec2.DhcpOptions',
    mutate: (s) => (s.ec2.DhcpOptions = []),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${label} is not in ec2.DhcpOptions`],
    offenders: [dhcpOptionsId],
  },
  {
    name: 'ec2.Vpcs absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Vpcs,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.Vpcs'],
  },
  {
    name: 'ec2.Vpcs without the cluster VPC',
    mutate: (s) => (s.ec2.Vpcs = []),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`ec2.Vpcs does not hold ${vpcId}`],
  },
  {
    name: 'cluster deleting',
    mutate: all((s) => (s.eks.clusters[0]!.status = 'DELETING'), servers('10.1.1.1')),
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },
];

describeRule(dnsResolverAmazon, cases, () => {
  it("uses each cluster's own VPC CIDR for base + 2", () => {
    const { snapshot, ids: pair } = privateClustersSnapshot(2);
    // Cluster prod-1's VPC is 10.1.0.0/16: 10.1.0.2 is its resolver, 10.0.0.2 is not.
    const second = configurations(snapshot, 1);
    second.find((c) => c.Key === 'domain-name-servers')!.Values = [{ Value: '10.0.0.2' }];
    const wrong = runRule(dnsResolverAmazon, snapshot, {}, 'prod-1');
    expect(wrong.compliance).toBe('NON_COMPLIANT');
    expect(wrong.annotation).toContain('(AmazonProvidedDNS, 169.254.169.253, 10.1.0.2)');
    expect(wrong.offenders).toEqual([pair[1]!.dhcpOptionsId, '10.0.0.2']);
    second.find((c) => c.Key === 'domain-name-servers')!.Values = [{ Value: '10.1.0.2' }];
    expect(runRule(dnsResolverAmazon, snapshot, {}, 'prod-1').compliance).toBe('COMPLIANT');
  });

  it('keeps a long server list within 256 characters', () => {
    const { snapshot } = privateClustersSnapshot(1);
    servers(...Array.from({ length: 40 }, (_, n) => `192.0.2.${n + 10}`))(snapshot);
    const outcome = runRule(dnsResolverAmazon, snapshot);
    expect(outcome.compliance).toBe('NON_COMPLIANT');
    expect(outcome.annotation.length).toBeLessThanOrEqual(256);
    expect(outcome.annotation).toContain('192.0.2.10');
    expect(outcome.offenders).toHaveLength(41);
  });
});

describe('DNS_RESOLVER_AMAZON details', () => {
  const after = (mutate: Mutation, params: Record<string, string> = {}, region = 'eu-west-1') => {
    const {
      snapshot,
      ids: [cluster],
    } = privateClustersSnapshot(1, { region });
    mutate(snapshot);
    return { snapshot, cluster: cluster!, outcome: runRule(dnsResolverAmazon, snapshot, params) };
  };

  it('no domain-name-servers: a new set adds AmazonProvidedDNS and keeps the domain name (cn-north-1)', () => {
    const { snapshot, cluster, outcome } = after(
      (s) =>
        (s.ec2.DhcpOptions[0]!.DhcpConfigurations = configurations(s).filter((c) => c.Key === 'domain-name')),
      {},
      'cn-north-1',
    );
    expectDetailsCoverOffenders(outcome);
    const variable = `DOPT_ID_${cluster.vpcId.slice(4).toUpperCase()}`;
    expect(outcome.details).toEqual([
      {
        resourceId: cluster.dhcpOptionsId,
        resourceType: 'AWS::EC2::DHCPOptions',
        problem: `${cluster.dhcpOptionsId} (DHCP options of ${cluster.vpcId}) has no domain-name-servers`,
        fix: {
          commands: [
            `${variable}=$(aws ec2 create-dhcp-options --region cn-north-1 --dhcp-configurations '[{"Key":"domain-name","Values":["cn-north-1.compute.internal"]},{"Key":"domain-name-servers","Values":["AmazonProvidedDNS"]}]' --query DhcpOptions.DhcpOptionsId --output text)`,
            `aws ec2 associate-dhcp-options --region cn-north-1 --vpc-id ${cluster.vpcId} --dhcp-options-id "$${variable}"`,
          ],
          documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html',
        },
      },
    ]);
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(dnsResolverAmazon, fixed).compliance).toBe('COMPLIANT');
  });

  it('writes the very lines DHCP_OPTIONS_COMPLETE writes for the same set, so a script of both agrees', () => {
    const { snapshot, outcome } = after((s) => (s.ec2.DhcpOptions[0]!.DhcpConfigurations = []));
    expect(fixCommands(outcome, { distinct: false })).toEqual(
      fixCommands(runRule(dhcpOptionsComplete, snapshot), { distinct: false }),
    );
    expect(fixCommands(outcome, { distinct: false })).toHaveLength(2);
  });

  it('no set at all: the VPC gets a new set with both keys', () => {
    const { snapshot, cluster, outcome } = after((s) => (s.ec2.Vpcs[0]!.DhcpOptionsId = 'default'));
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details.map((d) => [d.resourceId, d.resourceType])).toEqual([
      [cluster.vpcId, 'AWS::EC2::VPC'],
    ]);
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(dnsResolverAmazon, fixed).compliance).toBe('COMPLIANT');
  });

  it('custom servers are not replaced: the user decides, told the VPC resolver address and every server', () => {
    const { cluster, outcome } = after(servers('10.0.0.53', '192.0.2.10'), {
      allowedDnsServers: '10.0.0.53',
    });
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details).toHaveLength(1);
    const [detail] = outcome.details;
    expect(detail).toMatchObject({
      resourceId: cluster.dhcpOptionsId,
      resourceType: 'AWS::EC2::DHCPOptions',
      problem:
        `${cluster.dhcpOptionsId} (DHCP options of ${cluster.vpcId}) gives nodes the DNS servers 10.0.0.53, ` +
        '192.0.2.10, none of them the Amazon DNS server, and 192.0.2.10 is not in allowedDnsServers: unless ' +
        'they forward to the Route 53 Resolver, the private names of the VPC endpoints and of the EKS API ' +
        'server resolve to public addresses the nodes cannot reach',
      fix: {
        commands: [],
        documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/AmazonDNS-concepts.html',
      },
    });
    expect(detail!.fix.decide).toContain('Decide whether 192.0.2.10 stays');
    expect(detail!.fix.decide).toContain(
      `Route 53 Resolver of ${cluster.vpcId} (from inside the VPC: 169.254.169.253 or 10.0.0.2;`,
    );
    expect(detail!.fix.decide).toContain('allowedDnsServers');
    expect(detail!.fix.decide).toContain('domain-name-servers is AmazonProvidedDNS');
  });

  it('no detail to act on while the VPC CIDR, and so its resolver, is unknown', () => {
    const { outcome } = after((s) => {
      servers('10.0.0.2')(s);
      noVpcCidr(s);
    });
    expect(outcome.compliance).toBe('INSUFFICIENT_DATA');
    expect(fixCommands(outcome, { distinct: false })).toEqual([]);
  });
});
