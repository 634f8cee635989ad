import type { Outcome } from '../../engine/findings';
import { networkAcls } from '../../rules/network-acls';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { all, withoutSection, type Json } from '../../testkit/snapshot-edits';
import { applyCommands, fixCommands } from '../fixes/apply-aws-cli';
import { commandOf } from '../fixes/aws-cli-model';

type Mutation = (s: RawSnapshot, ids: ClusterIds) => void;
type Acl = Json & { Entries: Json[]; Associations: Json[] };

const UNKNOWN_SUBNET = 'subnet-0fff0000000000fff';
const ENDPOINT_SUBNET = 'subnet-0e00000000000e001';
const ENDPOINT_ACL = 'acl-0e00000000000e001';

function acl(s: RawSnapshot, id: string): Acl {
  const found = s.ec2.NetworkAcls.find((a) => a.NetworkAclId === id);
  if (!found) throw new Error(`no ACL ${id}`);
  return found as Acl;
}

function entry(s: RawSnapshot, aclId: string, egress: boolean, ruleNumber: number): Json {
  const found = acl(s, aclId).Entries.find((e) => e.Egress === egress && e.RuleNumber === ruleNumber);
  if (!found) throw new Error(`no entry ${ruleNumber} in ${aclId}`);
  return found;
}

function insertEntry(s: RawSnapshot, aclId: string, fields: Json): void {
  acl(s, aclId).Entries.push({ RuleAction: 'deny', CidrBlock: '0.0.0.0/0', ...fields });
}

const denyHttpsIn: Mutation = (s, ids) =>
  insertEntry(s, ids.networkAclId, {
    RuleNumber: 90,
    Egress: false,
    Protocol: '6',
    PortRange: { From: 443, To: 443 },
  });

/** A fourth subnet holding only the ecr.dkr endpoint, behind an ACL that denies everything. */
function endpointBehindClosedAcl(state: string | undefined): Mutation {
  return (s, ids) => {
    s.ec2.Subnets.push({
      SubnetId: ENDPOINT_SUBNET,
      VpcId: ids.vpcId,
      CidrBlock: '10.0.96.0/24',
      AvailabilityZone: 'eu-west-1a',
      Tags: [],
    });
    s.ec2.NetworkAcls.push({
      NetworkAclId: ENDPOINT_ACL,
      VpcId: ids.vpcId,
      IsDefault: false,
      Associations: [{ NetworkAclId: ENDPOINT_ACL, SubnetId: ENDPOINT_SUBNET }],
      Entries: [true, false].map((Egress) => ({
        RuleNumber: 32767,
        Egress,
        Protocol: '-1',
        RuleAction: 'deny',
        CidrBlock: '0.0.0.0/0',
      })),
    });
    const target = s.ec2.VpcEndpoints.find((e) => e.VpcEndpointId === ids.interfaceEndpointIds['ecr.dkr'])!;
    target.SubnetIds = [ENDPOINT_SUBNET];
    if (state === undefined) delete target.State;
    else target.State = state;
  };
}

const removeAcl =
  (pick: (ids: ClusterIds) => string): Mutation =>
  (s, ids) => {
    s.ec2.NetworkAcls = s.ec2.NetworkAcls.filter((a) => a.NetworkAclId !== pick(ids));
  };

const cases: RuleCase[] = [
  {
    name: 'compliant fixture (24 distinct flows: endpoint and API server flows coincide)',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: () => /allow all 24 required subnet-to-subnet flows and their replies on ports 1024-65535/,
  },
  {
    name: 'deny tcp/443 inbound inserted before the allow',
    mutate: denyHttpsIn,
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(
        // One cause per peer CIDR, each naming its first flow and counting the others.
        `^${ids.networkAclId} ingress denies tcp/443 from 10\\.0\\.0\\.0/19: subnet-\\S+ → subnet-\\S+ tcp/443 \\(API server, vpce-\\S+ \\(ec2\\).*\\) and 1 more flow … \\(\\+2 more\\)$`,
      ),
    notAnnotation: /10250|\/53|replies/,
  },
  {
    name: 'deny tcp/443 outbound inserted before the allow',
    mutate: (s, ids) =>
      insertEntry(s, ids.networkAclId, {
        RuleNumber: 99,
        Egress: true,
        Protocol: 'tcp',
        PortRange: { From: 443, To: 443 },
      }),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => new RegExp(`${ids.networkAclId} egress denies tcp/443 to 10\\.0\\.\\d+\\.0/19`),
  },
  {
    name: 'deny after the allow changes nothing',
    mutate: (s, ids) =>
      insertEntry(s, ids.networkAclId, {
        RuleNumber: 101,
        Egress: false,
        Protocol: '6',
        PortRange: { From: 443, To: 443 },
      }),
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'outbound tcp reply range narrowed to 32768-60999',
    mutate: (s, ids) => (entry(s, ids.networkAclId, true, 140).PortRange = { From: 32768, To: 60999 }),
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(`${ids.networkAclId} egress denies replies tcp/1024-65535 to 10\\.0\\.\\d+\\.0/19`),
    notAnnotation: /udp/,
  },
  {
    name: 'the same narrowing with ephemeralPorts=32768-60999',
    mutate: (s, ids) => (entry(s, ids.networkAclId, true, 140).PortRange = { From: 32768, To: 60999 }),
    params: { ephemeralPorts: '32768-60999' },
    expected: 'COMPLIANT',
    annotation: () => /replies on ports 32768-60999/,
  },
  {
    name: 'inbound udp reply range narrowed: CoreDNS over udp fails',
    mutate: (s, ids) => (entry(s, ids.networkAclId, false, 150).PortRange = { From: 49152, To: 65535 }),
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(
        `^${ids.networkAclId} ingress denies replies udp/1024-65535 from 10\\.0\\.\\d+\\.0/19: subnet-\\S+ → subnet-\\S+ udp/53 \\(CoreDNS\\)`,
      ),
    notAnnotation: /tcp/,
  },
  {
    name: 'inbound tcp/443 allowed from the first subnet only (a partial allow fails)',
    mutate: (s, ids) => (entry(s, ids.networkAclId, false, 100).CidrBlock = '10.0.0.0/19'),
    expected: 'NON_COMPLIANT',
    annotation: () => new RegExp(`ingress denies tcp/443 from 10\\.0\\.(32|64)\\.0/19`),
    notAnnotation: /from 10\.0\.0\.0\/19/,
  },
  {
    name: 'inbound tcp/443 allowed for a /16 split into two /17 entries',
    mutate: (s, ids) => {
      entry(s, ids.networkAclId, false, 100).CidrBlock = '10.0.0.0/17';
      insertEntry(s, ids.networkAclId, {
        RuleNumber: 101,
        Egress: false,
        Protocol: '6',
        RuleAction: 'allow',
        CidrBlock: '10.0.128.0/17',
        PortRange: { From: 443, To: 443 },
      });
    },
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'inbound tcp/443 allowed only for IPv6 (never matches IPv4 subnets)',
    mutate: (s, ids) => {
      const allow = entry(s, ids.networkAclId, false, 100);
      delete allow.CidrBlock;
      allow.Ipv6CidrBlock = '::/0';
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => new RegExp(`${ids.networkAclId} ingress denies tcp/443 from`),
  },
  {
    name: 'an IPv6 deny before the allow does not block IPv4 traffic',
    mutate: (s, ids) =>
      acl(s, ids.networkAclId).Entries.push({
        RuleNumber: 90,
        Egress: false,
        Protocol: '-1',
        RuleAction: 'deny',
        Ipv6CidrBlock: '::/0',
      }),
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'the associated ACL is missing: the subnets fall back to the default ACL (allow all)',
    mutate: removeAcl((ids) => ids.networkAclId),
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'the associated ACL is missing and the default ACL denies everything',
    mutate: (s, ids) => {
      removeAcl((i) => i.networkAclId)(s, ids);
      acl(s, ids.defaultNetworkAclId).Entries = acl(s, ids.defaultNetworkAclId).Entries.filter(
        (e) => e.RuleAction !== 'allow',
      );
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => new RegExp(`${ids.defaultNetworkAclId} egress denies`),
  },
  {
    name: 'the associated ACL and the default ACL are both missing',
    mutate: all(
      removeAcl((ids) => ids.networkAclId),
      removeAcl((ids) => ids.defaultNetworkAclId),
    ),
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) => new RegExp(`no default network ACL of ${ids.vpcId} in ec2\\.NetworkAcls`),
  },
  {
    name: 'a node subnet (parameter) missing from ec2.Subnets',
    mutate: () => {},
    params: { nodeSubnetIds: UNKNOWN_SUBNET },
    expected: 'INSUFFICIENT_DATA',
    annotation: () => new RegExp(`${UNKNOWN_SUBNET} is not in ec2\\.Subnets`),
  },
  {
    name: 'a cluster subnet missing from ec2.Subnets (its ACL association still known)',
    mutate: (s, ids) => {
      s.ec2.Subnets = s.ec2.Subnets.filter((n) => n.SubnetId !== ids.subnetIds[2]);
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) => new RegExp(`${ids.subnetIds[2]} is not in ec2\\.Subnets`),
  },
  {
    name: 'a missing subnet does not hide a definite denial',
    mutate: denyHttpsIn,
    params: { nodeSubnetIds: UNKNOWN_SUBNET },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => new RegExp(`${ids.networkAclId} ingress denies tcp/443`),
  },
  {
    name: 'a node group without subnets (the node subnets cannot be listed)',
    mutate: (s) => delete s.eks.nodegroups['prod-0']![0]!.subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: () => /cannot list every subnet: node group prod-0-general has no subnets/,
  },
  {
    name: 'requiredServices= with no ec2.VpcEndpoints still evaluates (compliant)',
    mutate: withoutSection('VpcEndpoints'),
    params: { requiredServices: '' },
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'requiredServices= with no ec2.VpcEndpoints still evaluates (violation)',
    mutate: all(withoutSection('VpcEndpoints'), denyHttpsIn),
    params: { requiredServices: '' },
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(
        `^${ids.networkAclId} ingress denies tcp/443 from 10\\.0\\.0\\.0/19: subnet-\\S+ → subnet-\\S+ tcp/443 \\(API server\\)`,
      ),
  },
  {
    name: 'required services and no ec2.VpcEndpoints',
    mutate: withoutSection('VpcEndpoints'),
    expected: 'INSUFFICIENT_DATA',
    annotation: () => /snapshot has no ec2\.VpcEndpoints/,
  },
  {
    name: 'no ec2.NetworkAcls',
    mutate: withoutSection('NetworkAcls'),
    expected: 'INSUFFICIENT_DATA',
    annotation: () => /snapshot has no ec2\.NetworkAcls/,
  },
  {
    name: 'no ec2.Subnets',
    mutate: withoutSection('Subnets'),
    expected: 'INSUFFICIENT_DATA',
    annotation: () => /snapshot has no ec2\.Subnets/,
  },
  {
    name: 'an endpoint in a subnet whose ACL denies everything',
    mutate: endpointBehindClosedAcl('available'),
    expected: 'NON_COMPLIANT',
    annotation: (ids) =>
      new RegExp(
        `^${ENDPOINT_ACL} ingress denies tcp/443 from 10\\.0\\.0\\.0/19: subnet-\\S+ → ${ENDPOINT_SUBNET} tcp/443 \\(${ids.interfaceEndpointIds['ecr.dkr']} \\(ecr\\.dkr\\)\\)(;| …)`,
      ),
  },
  {
    name: 'an endpoint in a fourth subnet under the default ACL (3 more flows, all allowed)',
    mutate: (s, ids) => {
      endpointBehindClosedAcl('available')(s, ids);
      removeAcl(() => ENDPOINT_ACL)(s, ids);
    },
    expected: 'COMPLIANT',
    annotation: () => /allow all 27 required/,
  },
  {
    name: 'that endpoint failed (not judged)',
    mutate: endpointBehindClosedAcl('failed'),
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'that endpoint without a State (membership unknown)',
    mutate: endpointBehindClosedAcl(undefined),
    expected: 'INSUFFICIENT_DATA',
    annotation: () =>
      new RegExp(
        `^${ENDPOINT_ACL} ingress denies tcp/443 from 10\\.0\\.0\\.0/19, if the endpoint is judged: subnet-\\S+ → ${ENDPOINT_SUBNET} tcp/443 \\(vpce-\\S+ \\(ecr\\.dkr\\)\\)`,
      ),
  },
  {
    name: 'that endpoint of a service that is not required',
    mutate: endpointBehindClosedAcl('available'),
    params: { requiredServices: 'ec2,sts' },
    expected: 'COMPLIANT',
    annotation: () => /allow all 24/,
  },
  {
    name: 'cluster deleting',
    mutate: all(denyHttpsIn, (s) => (s.eks.clusters[0]!.status = 'DELETING')),
    expected: 'NOT_APPLICABLE',
    annotation: () => /being deleted/,
  },
  {
    name: 'names the denying ACL as the offender',
    mutate: denyHttpsIn,
    expected: 'NON_COMPLIANT',
    offenders: (ids) => [ids.networkAclId],
  },
  {
    name: 'blames only the ACL of the subnet that has its own, stricter ACL',
    // The third subnet moves to its own ACL that allows only inbound tcp/10250 and outbound replies.
    mutate: (s, cluster) => {
      const own = acl(s, cluster.networkAclId);
      own.Associations = own.Associations.filter((a) => a.SubnetId !== cluster.subnetIds[2]);
      s.ec2.NetworkAcls.push({
        NetworkAclId: ENDPOINT_ACL,
        VpcId: cluster.vpcId,
        Associations: [{ SubnetId: cluster.subnetIds[2] }],
        Entries: [
          {
            RuleNumber: 10,
            Egress: false,
            Protocol: '6',
            RuleAction: 'allow',
            CidrBlock: '10.0.0.0/16',
            PortRange: { From: 10250, To: 10250 },
          },
          {
            RuleNumber: 10,
            Egress: true,
            Protocol: '6',
            RuleAction: 'allow',
            CidrBlock: '10.0.0.0/16',
            PortRange: { From: 1024, To: 65535 },
          },
        ],
      });
    },
    expected: 'NON_COMPLIANT',
    annotation: (cluster) =>
      new RegExp(
        `^${ENDPOINT_ACL} ingress denies tcp/443 from 10\\.0\\.0\\.0/19: ${cluster.subnetIds[0]} → ${cluster.subnetIds[2]} tcp/443 \\(API server, `,
      ),
    // The shared ACL of the other two subnets allows everything they need.
    offenders: [ENDPOINT_ACL],
  },
];

/**
 * Applies the details' `aws ec2 create-network-acl-entry` lines to a copy of the snapshot, as
 * EC2 would (apply-aws-cli: a rule number already used in that direction is refused), after
 * checking that each is that operation, in the snapshot's Region, in one direction.
 */
function applyNaclCommands(s: RawSnapshot, commands: readonly string[]): RawSnapshot {
  for (const line of commands) {
    const command = commandOf(line);
    expect([command.service, command.operation]).toEqual(['ec2', 'create-network-acl-entry']);
    expect(command.region).toBe(s.region);
    expect(command.flags.includes('egress') !== command.flags.includes('ingress')).toBe(true);
  }
  return applyCommands(s, commands);
}

const region = 'eu-west-1';
const createEntry = (
  aclId: string,
  n: number,
  direction: string,
  protocol: number,
  cidr: string,
  ports: string,
) =>
  `aws ec2 create-network-acl-entry --region ${region} --network-acl-id ${aclId} --rule-number ${n} --protocol ${protocol} ` +
  `--rule-action allow --${direction} --${cidr.includes(':') ? 'ipv6-' : ''}cidr-block ${cidr} --port-range '${ports}'`;
const HTTPS = '{"From":443,"To":443}';
const EPHEMERAL = '{"From":1024,"To":65535}';

/** The fixture's three subnets moved to IPv6-only blocks, every flow allowed but inbound tcp/443. */
const ipv6Only: Mutation = (s, ids) => {
  s.ec2.Subnets.forEach((subnet, i) => {
    delete subnet.CidrBlock;
    subnet.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: `2001:db8:0:${i}::/64` }];
  });
  acl(s, ids.networkAclId).Entries = [true, false].flatMap((Egress) => [
    { RuleNumber: 100, Egress, Protocol: '-1', RuleAction: 'allow', Ipv6CidrBlock: '::/0' },
    { RuleNumber: 32767, Egress, Protocol: '-1', RuleAction: 'deny', Ipv6CidrBlock: '::/0' },
  ]);
  insertEntry(s, ids.networkAclId, {
    RuleNumber: 90,
    Egress: false,
    Protocol: '6',
    CidrBlock: undefined,
    Ipv6CidrBlock: '::/0',
    PortRange: { From: 443, To: 443 },
  });
};

interface DetailCase {
  name: string;
  mutate: Mutation;
  /** Every detail's command (or, for none, its decision), in order. */
  commands: (ids: ClusterIds) => string[];
  /** Substrings of the details' problems, in order. */
  problems?: (ids: ClusterIds) => string[][];
  /** Whether applying every command makes the rule compliant. */
  fixes?: boolean;
}

const detailCases: DetailCase[] = [
  {
    name: 'a deny before the allow: one entry per peer CIDR, numbered below the deny',
    mutate: denyHttpsIn,
    commands: (ids) => [
      createEntry(ids.networkAclId, 80, 'ingress', 6, '10.0.0.0/19', HTTPS),
      createEntry(ids.networkAclId, 89, 'ingress', 6, '10.0.32.0/19', HTTPS),
      createEntry(ids.networkAclId, 88, 'ingress', 6, '10.0.64.0/19', HTTPS),
    ],
    problems: (ids) =>
      [0, 1, 2].map((n) => [
        `${ids.networkAclId} ingress denies tcp/443 from 10.0.${n * 32}.0/19 (entry 90 denies it), which breaks 2 required flows: `,
        // Every flow and every purpose, untruncated (the annotation says "+2 more").
        `${ids.subnetIds[n]} → ${ids.subnetIds[(n + 1) % 3]} tcp/443 (API server, ${ids.interfaceEndpointIds.ec2} (ec2), ${ids.interfaceEndpointIds['ecr.api']} (ecr.api), ${ids.interfaceEndpointIds['ecr.dkr']} (ecr.dkr), ${ids.interfaceEndpointIds.sts} (sts))`,
        'before entry 90.',
      ]),
    fixes: true,
  },
  {
    name: 'replies with nothing but the final * entry to stop them',
    mutate: (s, ids) => {
      const a = acl(s, ids.networkAclId);
      a.Entries = a.Entries.filter((e) => !(e.Egress === true && e.RuleNumber === 140));
    },
    commands: (ids) =>
      [0, 32, 64].map((n, i) =>
        createEntry(ids.networkAclId, 160 + i * 10, 'egress', 6, `10.0.${n}.0/19`, EPHEMERAL),
      ),
    problems: (ids) =>
      [0, 1, 2].map((n) => [
        `${ids.networkAclId} egress denies tcp/1024-65535 to 10.0.${n * 32}.0/19 (no entry allows it before the final * entry, which denies all traffic), which breaks 6 required flows: replies of ${ids.subnetIds[n]} → `,
        'tcp/10250 (kubelet)',
        'tcp/53 (CoreDNS)',
        'before the final * entry.',
      ]),
    fixes: true,
  },
  {
    name: 'IPv6-only subnets: --ipv6-cidr-block',
    mutate: ipv6Only,
    commands: (ids) => [
      createEntry(ids.networkAclId, 80, 'ingress', 6, '2001:db8::/64', HTTPS),
      createEntry(ids.networkAclId, 89, 'ingress', 6, '2001:db8:0:1::/64', HTTPS),
      createEntry(ids.networkAclId, 88, 'ingress', 6, '2001:db8:0:2::/64', HTTPS),
    ],
    fixes: true,
  },
  {
    name: 'udp replies refused on the way in: protocol 17',
    mutate: (s, ids) => (entry(s, ids.networkAclId, false, 150).PortRange = { From: 49152, To: 65535 }),
    commands: (ids) =>
      // The first denial met is for the second subnet: subnet 0 → 1's reply comes in from 1.
      [32, 64, 0].map((n, i) =>
        createEntry(ids.networkAclId, 160 + i * 10, 'ingress', 17, `10.0.${n}.0/19`, EPHEMERAL),
      ),
    fixes: true,
  },
  {
    name: 'the deny is entry 1: no number is free before it, so renumbering is the decision',
    mutate: (s, ids) =>
      insertEntry(s, ids.networkAclId, {
        RuleNumber: 1,
        Egress: false,
        Protocol: '6',
        PortRange: { From: 443, To: 443 },
      }),
    commands: (ids) =>
      [0, 32, 64].map(
        () =>
          `decide: No ingress rule number below 1 is free in ${ids.networkAclId}, so the entry cannot go before entry 1.`,
      ),
  },
];

function detailLines(outcome: Outcome): string[] {
  return outcome.details.map((d) =>
    d.fix.commands.length > 0 ? d.fix.commands.join('\n') : `decide: ${d.fix.decide!.split(' Renumber')[0]}`,
  );
}

describeRule(networkAcls, cases, () => {
  describe('details', () => {
    it.each(detailCases)('$name', ({ mutate, commands, problems, fixes }) => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      mutate(snapshot, ids[0]!);
      const outcome = runRule(networkAcls, snapshot);
      expect(outcome.compliance).toBe('NON_COMPLIANT');
      expect(detailLines(outcome)).toEqual(commands(ids[0]!));
      for (const detail of outcome.details) {
        expect(detail).toMatchObject({
          resourceType: 'AWS::EC2::NetworkAcl',
          resourceId: ids[0]!.networkAclId,
        });
        expect(detail.fix.documentation).toBe(
          'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
        );
      }
      problems?.(ids[0]!).forEach((parts, i) => {
        for (const part of parts) expect(outcome.details[i]!.problem).toContain(part);
      });
      if (!fixes) return;
      const fixed = applyNaclCommands(snapshot, fixCommands(outcome, { distinct: false }));
      expect(runRule(networkAcls, fixed).compliance).toBe('COMPLIANT');
    });

    it('an unreadable entry before the deny: the entry goes before it too', () => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      const id = ids[0]!;
      denyHttpsIn(snapshot, id);
      // An action EC2 does not know, on part of one peer: it decides that part, no one knows how.
      insertEntry(snapshot, id.networkAclId, {
        RuleNumber: 50,
        Egress: false,
        Protocol: '6',
        RuleAction: 'drop',
        CidrBlock: '10.0.0.0/24',
      });
      const outcome = runRule(networkAcls, snapshot);
      const first = outcome.details[0]!;
      expect(first.problem).toContain(
        '(entry 90 denies it, and entry 50 before it cannot be fully read from the snapshot)',
      );
      expect(first.fix.commands).toEqual([
        createEntry(id.networkAclId, 40, 'ingress', 6, '10.0.0.0/19', HTTPS),
      ]);
      // The other peers meet no unreadable entry: their entries need only precede the deny.
      expect(outcome.details[1]!.fix.commands).toEqual([
        createEntry(id.networkAclId, 80, 'ingress', 6, '10.0.32.0/19', HTTPS),
      ]);
    });

    it('every NON_COMPLIANT case: each offender has a detail, each detail a command or a decision', () => {
      for (const c of cases.filter((k) => k.expected === 'NON_COMPLIANT')) {
        const { snapshot, ids } = privateClustersSnapshot(1);
        c.mutate?.(snapshot, ids[0]!, ids);
        const outcome = runRule(networkAcls, snapshot, c.params);
        const named = new Set(outcome.details.map((d) => d.resourceId));
        for (const offender of outcome.offenders) expect(named).toContain(offender);
        for (const detail of outcome.details) {
          expect(detail.fix.commands.length > 0 || (detail.fix.decide ?? '').length > 0).toBe(true);
          expect(detail.fix.documentation).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
        }
      }
    });

    it('an endpoint that may not be judged gets no fix of its own (the engine asks for the missing data)', () => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      endpointBehindClosedAcl(undefined)(snapshot, ids[0]!);
      const outcome = runRule(networkAcls, snapshot);
      expect(outcome.compliance).toBe('INSUFFICIENT_DATA');
      for (const detail of outcome.details) expect(detail.fix.commands).toEqual([]);
    });
  });
});
