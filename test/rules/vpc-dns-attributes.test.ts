import { vpcDnsAttributes } from '../../rules/vpc-dns-attributes';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { applyCommands, expectDetailsCoverOffenders, fixCommands } from '../fixes/apply-aws-cli';

const { ids } = privateClustersSnapshot(1);
const vpcId = ids[0]!.vpcId;

const attributes = (s: RawSnapshot) => s.ec2.VpcAttributes[vpcId] as Record<string, { Value?: boolean }>;

const cases: RuleCase[] = [
  {
    name: 'both attributes on',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: [`${vpcId}: DNS resolution and DNS hostnames are on`],
  },
  {
    name: 'DNS resolution off',
    mutate: (s) => (attributes(s).EnableDnsSupport = { Value: false }),
    expected: 'NON_COMPLIANT',
    annotation: [`${vpcId}: DNS resolution (enableDnsSupport) is off`],
    offenders: [vpcId],
  },
  {
    name: 'DNS hostnames off',
    mutate: (s) => (attributes(s).EnableDnsHostnames = { Value: false }),
    expected: 'NON_COMPLIANT',
    annotation: [`${vpcId}: DNS hostnames (enableDnsHostnames) is off`],
    offenders: [vpcId],
  },
  {
    name: 'both off: both named',
    mutate: (s) => {
      attributes(s).EnableDnsSupport = { Value: false };
      attributes(s).EnableDnsHostnames = { Value: false };
    },
    expected: 'NON_COMPLIANT',
    annotation: ['enableDnsSupport) is off', 'enableDnsHostnames) is off'],
    offenders: [vpcId],
  },
  {
    name: 'EnableDnsSupport.Value absent',
    mutate: (s) => (attributes(s).EnableDnsSupport = {}),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${vpcId}: VpcAttributes EnableDnsSupport.Value is absent`],
    offenders: [vpcId],
  },
  {
    name: 'EnableDnsHostnames attribute absent',
    mutate: (s) => delete attributes(s).EnableDnsHostnames,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['EnableDnsHostnames.Value is absent'],
  },
  {
    name: 'a definite violation wins over an absent attribute',
    mutate: (s) => {
      attributes(s).EnableDnsSupport = { Value: false };
      delete attributes(s).EnableDnsHostnames;
    },
    expected: 'NON_COMPLIANT',
    annotation: ['enableDnsSupport) is off'],
  },
  {
    name: 'ec2.VpcAttributes does not hold the cluster VPC',
    mutate: (s) => delete s.ec2.VpcAttributes[vpcId],
    expected: 'INSUFFICIENT_DATA',
    annotation: [`ec2.VpcAttributes does not hold ${vpcId}`],
    offenders: [vpcId],
  },
  {
    name: 'ec2.VpcAttributes absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).VpcAttributes,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.VpcAttributes'],
  },
  {
    name: 'ec2.Vpcs present but without the cluster VPC',
    mutate: (s) => (s.ec2.Vpcs = []),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`ec2.Vpcs does not hold ${vpcId}`],
  },
  {
    name: 'ec2.Vpcs absent (the rule reads only VpcAttributes)',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Vpcs,
    expected: 'COMPLIANT',
    annotation: ['are on'],
  },
  {
    name: 'cluster deleting',
    mutate: (s) => {
      s.eks.clusters[0]!.status = 'DELETING';
      attributes(s).EnableDnsSupport = { Value: false };
    },
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },
];

describeRule(vpcDnsAttributes, cases, () => {
  it("reads the cluster's own VPC, not another cluster's", () => {
    const { snapshot, ids: both } = privateClustersSnapshot(2);
    snapshot.ec2.VpcAttributes[both[1]!.vpcId] = { EnableDnsSupport: { Value: false } };
    expect(runRule(vpcDnsAttributes, snapshot, {}, 'prod-0').compliance).toBe('COMPLIANT');
    const second = runRule(vpcDnsAttributes, snapshot, {}, 'prod-1');
    expect(second.compliance).toBe('NON_COMPLIANT');
    expect(second.offenders).toEqual([both[1]!.vpcId]);
  });
});

describe('VPC_DNS_ATTRIBUTES details', () => {
  const DOCS = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html';
  const modify = (region: string, vpc: string, flag: string) =>
    `aws ec2 modify-vpc-attribute --region ${region} --vpc-id ${vpc} --${flag}`;

  it.each<[string, { Value?: boolean } | undefined, { Value?: boolean } | undefined, string[][]]>([
    ['resolution off', { Value: false }, { Value: true }, [['enable-dns-support']]],
    ['hostnames off', { Value: true }, { Value: false }, [['enable-dns-hostnames']]],
    // One attribute per call, resolution first: EC2 turns hostnames on only with resolution on.
    ['both off', { Value: false }, { Value: false }, [['enable-dns-support'], ['enable-dns-hostnames']]],
    [
      'hostnames off, resolution unknown',
      {},
      { Value: false },
      [['enable-dns-support', 'enable-dns-hostnames']],
    ],
  ])('%s (cn-north-1)', (_name, support, hostnames, flags) => {
    const { snapshot, ids } = privateClustersSnapshot(1, { region: 'cn-north-1' });
    const vpc = ids[0]!.vpcId;
    snapshot.ec2.VpcAttributes[vpc] = { EnableDnsSupport: support, EnableDnsHostnames: hostnames };
    const outcome = runRule(vpcDnsAttributes, snapshot);
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details.map((d) => [d.resourceId, d.resourceType, d.fix.documentation])).toEqual(
      flags.map(() => [vpc, 'AWS::EC2::VPC', DOCS]),
    );
    expect(outcome.details.map((d) => d.fix.commands)).toEqual(
      flags.map((list) => list.map((flag) => modify('cn-north-1', vpc, flag))),
    );
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(vpcDnsAttributes, fixed).compliance).toBe('COMPLIANT');
  });

  it('says what each attribute breaks', () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    const vpc = ids[0]!.vpcId;
    snapshot.ec2.VpcAttributes[vpc] = {
      EnableDnsSupport: { Value: false },
      EnableDnsHostnames: { Value: false },
    };
    expect(runRule(vpcDnsAttributes, snapshot).details.map((d) => d.problem)).toEqual([
      `${vpc} has DNS resolution (enableDnsSupport) off: the Amazon DNS server does not answer its instances, so nodes resolve neither the VPC endpoints nor the EKS API server`,
      `${vpc} has DNS hostnames (enableDnsHostnames) off: the private hosted zones of interface endpoints with private DNS and of the private EKS API server endpoint do not answer in it`,
    ]);
  });
});
