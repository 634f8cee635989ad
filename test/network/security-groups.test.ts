import fc from 'fast-check';
import { formatAddress, parseAddress, parseCidr } from '../../network/cidr';
import { ruleAdmits, securityGroupsAdmit, type FlowSide } from '../../network/security-groups';
import type { Tri } from '../../network/tri';
import type { IpPermission } from '../../snapshot/schema';
import { emptySnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { viewOf } from '../../testkit/view';

type Json = Record<string, unknown>;

interface RuleSpec {
  protocol?: string;
  from?: number;
  to?: number;
  cidrs?: string[];
  v6?: string[];
  groups?: string[];
  prefixLists?: string[];
}

/** An IpPermission as DescribeSecurityGroups prints it. */
function rule({
  protocol = 'tcp',
  from,
  to,
  cidrs = [],
  v6 = [],
  groups = [],
  prefixLists = [],
}: RuleSpec): Json {
  return {
    IpProtocol: protocol,
    ...(from === undefined ? {} : { FromPort: from }),
    ...(to === undefined ? {} : { ToPort: to }),
    IpRanges: cidrs.map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: v6.map((CidrIpv6) => ({ CidrIpv6 })),
    PrefixListIds: prefixLists.map((PrefixListId) => ({ PrefixListId })),
    UserIdGroupPairs: groups.map((GroupId) => ({ GroupId, UserId: '111122223333' })),
  };
}
const https = (spec: Omit<RuleSpec, 'from' | 'to' | 'protocol'>) =>
  rule({ ...spec, protocol: 'tcp', from: 443, to: 443 });

interface World {
  groups?: { id: string; ingress?: Json[]; egress?: Json[]; vpc?: string }[];
  subnets?: { id: string; cidr?: string; v6?: string[] }[];
  prefixLists?: { id: string; cidrs: string[] }[];
}

function world({ groups = [], subnets = [], prefixLists = [] }: World): RawSnapshot {
  const snapshot = emptySnapshot();
  for (const g of groups) {
    snapshot.ec2.SecurityGroups.push({
      GroupId: g.id,
      VpcId: g.vpc ?? 'vpc-0aaa',
      IpPermissions: g.ingress ?? [],
      IpPermissionsEgress: g.egress ?? [],
    });
  }
  for (const s of subnets) {
    snapshot.ec2.Subnets.push({
      SubnetId: s.id,
      VpcId: 'vpc-0aaa',
      ...(s.cidr ? { CidrBlock: s.cidr } : {}),
      Ipv6CidrBlockAssociationSet: (s.v6 ?? []).map((Ipv6CidrBlock) => ({ Ipv6CidrBlock })),
    });
  }
  for (const pl of prefixLists) snapshot.ec2.PrefixLists.push({ PrefixListId: pl.id, Cidrs: pl.cidrs });
  return snapshot;
}

function side(
  label: string,
  groupIds: string[],
  subnetIds: string[],
  unknown: { groups?: string[]; subnets?: string[] } = {},
): FlowSide {
  return {
    label,
    groups: { ids: groupIds, unknown: unknown.groups ?? [] },
    subnets: { ids: subnetIds, unknown: unknown.subnets ?? [] },
  };
}

// Nodes (sg-0n1 in 10.0.0.0/19) call an endpoint (sg-0e1 in 10.0.32.0/19) on tcp/443.
const NODE_SUBNET = { id: 'subnet-0n1', cidr: '10.0.0.0/19' };
const ENDPOINT_SUBNET = { id: 'subnet-0e1', cidr: '10.0.32.0/19' };
const nodes = side('nodes', ['sg-0n1'], ['subnet-0n1']);
const endpoint = side('vpce-0a1', ['sg-0e1'], ['subnet-0e1']);
const openEgress = { id: 'sg-0n1', egress: [rule({ protocol: '-1', cidrs: ['0.0.0.0/0'] })] };
const endpointFrom = (...ingress: Json[]) => ({ id: 'sg-0e1', ingress });

interface Case {
  name: string;
  world: World;
  from?: FlowSide;
  to?: FlowSide;
  protocol?: 'tcp' | 'udp';
  port?: number;
  egress: Tri;
  ingress: Tri;
  admitted: Tri;
  missingPrefixLists?: string[];
  reasons?: RegExp[];
}

const cases: Case[] = [
  {
    name: 'group references both ways',
    world: {
      groups: [
        { id: 'sg-0n1', egress: [https({ groups: ['sg-0e1'] })] },
        endpointFrom(https({ groups: ['sg-0n1'] })),
      ],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a reference to any one group of the other side suffices',
    world: {
      groups: [openEgress, { id: 'sg-0n2' }, endpointFrom(https({ groups: ['sg-0n2'] }))],
      subnets: [ENDPOINT_SUBNET],
    },
    from: side('nodes', ['sg-0n1', 'sg-0n2'], ['subnet-0n1']),
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a reference to a group in another VPC (peering) still counts',
    world: {
      groups: [
        { id: 'sg-0n1', vpc: 'vpc-0bbb', egress: [https({ groups: ['sg-0e1'] })] },
        endpointFrom(https({ groups: ['sg-0n1'] })),
      ],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a reference to an unrelated group admits nothing',
    world: {
      groups: [openEgress, endpointFrom(https({ groups: ['sg-0ff'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: false,
    admitted: false,
  },
  {
    name: 'two /20 ranges in two rules cover a /19',
    world: {
      groups: [
        openEgress,
        endpointFrom(https({ cidrs: ['10.0.0.0/20'] }), https({ cidrs: ['10.0.16.0/20'] })),
      ],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'two /20 ranges in two groups cover a /19',
    world: {
      groups: [
        openEgress,
        endpointFrom(https({ cidrs: ['10.0.0.0/20'] })),
        { id: 'sg-0e2', ingress: [https({ cidrs: ['10.0.16.0/20'] })] },
      ],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    to: side('vpce-0a1', ['sg-0e1', 'sg-0e2'], ['subnet-0e1']),
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'one /20 of a /19 is a partial cover',
    world: {
      groups: [openEgress, endpointFrom(https({ cidrs: ['10.0.16.0/20'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: false,
    admitted: false,
  },
  {
    name: 'every subnet of the other side must be covered',
    world: {
      groups: [openEgress, endpointFrom(https({ cidrs: ['10.0.0.0/19'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET, { id: 'subnet-0n2', cidr: '10.0.64.0/19' }],
    },
    from: side('nodes', ['sg-0n1'], ['subnet-0n1', 'subnet-0n2']),
    egress: true,
    ingress: false,
    admitted: false,
  },
  {
    name: 'a resolved prefix list covers',
    world: {
      groups: [openEgress, endpointFrom(https({ prefixLists: ['pl-0aa'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
      prefixLists: [{ id: 'pl-0aa', cidrs: ['10.0.0.0/20', '10.0.16.0/20'] }],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a prefix list together with a CIDR covers',
    world: {
      groups: [openEgress, endpointFrom(https({ prefixLists: ['pl-0aa'], cidrs: ['10.0.16.0/20'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
      prefixLists: [{ id: 'pl-0aa', cidrs: ['10.0.0.0/20'] }],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a prefix list missing from ec2.PrefixLists never covers and is named',
    world: {
      groups: [openEgress, endpointFrom(https({ prefixLists: ['pl-0bb'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: false,
    admitted: false,
    missingPrefixLists: ['pl-0bb'],
  },
  {
    name: 'a missing prefix list is named even when another rule admits',
    world: {
      groups: [openEgress, endpointFrom(https({ prefixLists: ['pl-0bb'] }), https({ groups: ['sg-0n1'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: true,
    admitted: true,
    missingPrefixLists: ['pl-0bb'],
  },
  {
    name: 'port out of the rule range',
    world: {
      groups: [openEgress, endpointFrom(rule({ from: 80, to: 442, groups: ['sg-0n1'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: false,
    admitted: false,
  },
  {
    name: 'port inside a wide range',
    world: {
      groups: [openEgress, endpointFrom(rule({ from: 0, to: 65535, groups: ['sg-0n1'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a udp rule does not admit tcp',
    world: {
      groups: [openEgress, endpointFrom(rule({ protocol: 'udp', from: 443, to: 443, groups: ['sg-0n1'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: false,
    admitted: false,
  },
  {
    name: 'an egress rule of the wrong protocol does not admit',
    world: {
      groups: [
        { id: 'sg-0n1', egress: [rule({ protocol: 'icmp', from: -1, to: -1, cidrs: ['0.0.0.0/0'] })] },
        endpointFrom(https({ groups: ['sg-0n1'] })),
      ],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: false,
    ingress: true,
    admitted: false,
  },
  {
    name: 'udp/53 by protocol number 17',
    world: {
      groups: [
        { id: 'sg-0n1', egress: [rule({ protocol: '17', from: 53, to: 53, groups: ['sg-0e1'] })] },
        endpointFrom(rule({ protocol: 'UDP', from: 53, to: 53, groups: ['sg-0n1'] })),
      ],
    },
    protocol: 'udp',
    port: 53,
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a tcp rule without ports is unknown',
    world: {
      groups: [openEgress, endpointFrom(rule({ groups: ['sg-0n1'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: null,
    admitted: null,
    reasons: [/sg-0e1 has an ingress tcp rule without FromPort\/ToPort/],
  },
  {
    name: 'a portless rule is irrelevant when another rule admits',
    world: {
      groups: [openEgress, endpointFrom(rule({ groups: ['sg-0n1'] }), https({ groups: ['sg-0n1'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a portless rule that could not admit anyway (unrelated peer) stays false',
    world: {
      groups: [openEgress, endpointFrom(rule({ groups: ['sg-0ff'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: false,
    admitted: false,
  },
  {
    name: 'a group missing from ec2.SecurityGroups is unknown',
    world: { groups: [openEgress], subnets: [NODE_SUBNET, ENDPOINT_SUBNET] },
    egress: true,
    ingress: null,
    admitted: null,
    reasons: [/sg-0e1 is not in ec2\.SecurityGroups/],
  },
  {
    name: 'a missing group does not matter when another group already admits',
    world: {
      groups: [openEgress, endpointFrom(https({ groups: ['sg-0n1'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    to: side('vpce-0a1', ['sg-0e9', 'sg-0e1'], ['subnet-0e1']),
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a definite egress failure wins over an unknown ingress',
    world: { groups: [{ id: 'sg-0n1' }], subnets: [NODE_SUBNET, ENDPOINT_SUBNET] },
    egress: false,
    ingress: null,
    admitted: false,
  },
  {
    name: 'a side whose group set is incomplete is unknown',
    world: {
      groups: [openEgress, endpointFrom(https({ cidrs: ['10.0.0.0/20'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    to: side('vpce-0a1', ['sg-0e1'], ['subnet-0e1'], {
      groups: ['vpce-0a1 lists a security group without GroupId'],
    }),
    egress: true,
    ingress: null,
    admitted: null,
    reasons: [/vpce-0a1 lists a security group without GroupId/],
  },
  {
    name: 'a reference could name a group the other side may have but the snapshot does not show',
    world: {
      groups: [openEgress, endpointFrom(https({ groups: ['sg-0n7'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    from: side('nodes', ['sg-0n1'], ['subnet-0n1'], {
      groups: ['prod has no resourcesVpcConfig.clusterSecurityGroupId'],
    }),
    egress: true,
    ingress: null,
    admitted: null,
    reasons: [/no resourcesVpcConfig\.clusterSecurityGroupId/],
  },
  {
    name: 'a subnet missing from ec2.Subnets is covered only by every address of both families',
    world: {
      groups: [
        { id: 'sg-0n1', egress: [rule({ protocol: '-1', cidrs: ['0.0.0.0/0'], v6: ['::/0'] })] },
        endpointFrom(https({ cidrs: ['0.0.0.0/0'] })),
      ],
      subnets: [NODE_SUBNET],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a subnet missing from ec2.Subnets is unknown to an IPv4-only all-addresses rule',
    world: { groups: [openEgress, endpointFrom(https({ groups: ['sg-0n1'] }))], subnets: [NODE_SUBNET] },
    egress: null,
    ingress: true,
    admitted: null,
    reasons: [/subnet-0e1 is not in ec2\.Subnets/],
  },
  {
    name: 'a subnet missing from ec2.Subnets does not matter when a group reference admits',
    world: {
      groups: [
        { id: 'sg-0n1', egress: [https({ groups: ['sg-0e1'] })] },
        endpointFrom(https({ groups: ['sg-0n1'] })),
      ],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'an uncovered known subnet is a failure even beside an unknown one',
    world: {
      groups: [openEgress, endpointFrom(https({ cidrs: ['10.0.64.0/19'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    from: side('nodes', ['sg-0n1'], ['subnet-0n1', 'subnet-0n9']),
    egress: true,
    ingress: false,
    admitted: false,
  },
  {
    name: 'IPv6 ranges never cover an IPv4 subnet',
    world: {
      groups: [openEgress, endpointFrom(https({ v6: ['::/0'] }))],
      subnets: [NODE_SUBNET, ENDPOINT_SUBNET],
    },
    egress: true,
    ingress: false,
    admitted: false,
  },
  {
    name: 'an IPv4 all-addresses range does not cover an IPv6-only subnet',
    world: {
      groups: [openEgress, endpointFrom(https({ cidrs: ['10.0.0.0/19'] }))],
      subnets: [NODE_SUBNET, { id: 'subnet-0e1', v6: ['2001:db8:0:2::/64'] }],
    },
    egress: false,
    ingress: true,
    admitted: false,
  },
  {
    name: 'IPv6 ranges cover an IPv6-only subnet',
    world: {
      groups: [
        { id: 'sg-0n1', egress: [rule({ protocol: '-1', v6: ['2001:db8::/56'] })] },
        endpointFrom(https({ cidrs: ['10.0.0.0/19'] })),
      ],
      subnets: [NODE_SUBNET, { id: 'subnet-0e1', v6: ['2001:db8:0:2::/64'] }],
    },
    egress: true,
    ingress: true,
    admitted: true,
  },
  {
    name: 'a side without subnets is admitted only by a group reference',
    world: { groups: [openEgress, endpointFrom(https({ cidrs: ['0.0.0.0/0'] }))] },
    from: side('nodes', ['sg-0n1'], []),
    to: side('vpce-0a1', ['sg-0e1'], []),
    egress: false,
    ingress: false,
    admitted: false,
  },
];

describe('securityGroupsAdmit', () => {
  it.each(cases)('$name', (c) => {
    const view = viewOf(world(c.world));
    const result = securityGroupsAdmit(
      view,
      c.from ?? nodes,
      c.to ?? endpoint,
      c.protocol ?? 'tcp',
      c.port ?? 443,
    );
    expect({ egress: result.egress, ingress: result.ingress, admitted: result.admitted }).toEqual({
      egress: c.egress,
      ingress: c.ingress,
      admitted: c.admitted,
    });
    expect(result.missingPrefixLists).toEqual(c.missingPrefixLists ?? []);
    for (const reason of c.reasons ?? []) expect(result.unknownReasons.join('\n')).toMatch(reason);
    if (c.egress !== null && c.ingress !== null) expect(result.unknownReasons).toEqual([]);
  });

  it('the default EKS cluster security group (self-referencing all traffic) admits nodes ↔ control plane', () => {
    const clusterGroup = {
      id: 'sg-0c1',
      ingress: [rule({ protocol: '-1', groups: ['sg-0c1'] })],
      egress: [rule({ protocol: '-1', cidrs: ['0.0.0.0/0'] })],
    };
    const view = viewOf(world({ groups: [clusterGroup], subnets: [NODE_SUBNET] }));
    const nodeSide = side('nodes', ['sg-0c1'], ['subnet-0n1']);
    const controlPlane = side('control plane', ['sg-0c1', 'sg-0c2'], ['subnet-0n1']);
    // sg-0c2 is not in the snapshot, yet the cluster group already admits both ways.
    expect(securityGroupsAdmit(view, nodeSide, controlPlane, 'tcp', 443).admitted).toBe(true);
    expect(securityGroupsAdmit(view, controlPlane, nodeSide, 'tcp', 10250).admitted).toBe(true);
    expect(securityGroupsAdmit(view, nodeSide, nodeSide, 'udp', 53).admitted).toBe(true);
  });
});

describe('ruleAdmits', () => {
  const p = (fields: Partial<IpPermission>): IpPermission => ({
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
    ...fields,
  });
  it.each([
    { rule: { IpProtocol: '-1' }, protocol: 'tcp', port: 443, expected: true },
    { rule: { IpProtocol: 'all' }, protocol: 'udp', port: 53, expected: true },
    { rule: { IpProtocol: 'ALL' }, protocol: 'udp', port: 53, expected: true },
    { rule: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }, protocol: 'tcp', port: 443, expected: true },
    { rule: { IpProtocol: 'TCP', FromPort: 0, ToPort: 65535 }, protocol: 'tcp', port: 10250, expected: true },
    { rule: { IpProtocol: '6', FromPort: 1024, ToPort: 65535 }, protocol: 'tcp', port: 1024, expected: true },
    {
      rule: { IpProtocol: '6', FromPort: 1024, ToPort: 65535 },
      protocol: 'tcp',
      port: 1023,
      expected: false,
    },
    { rule: { IpProtocol: 'tcp', FromPort: 80, ToPort: 442 }, protocol: 'tcp', port: 443, expected: false },
    { rule: { IpProtocol: 'udp', FromPort: 53, ToPort: 53 }, protocol: 'udp', port: 53, expected: true },
    { rule: { IpProtocol: '17', FromPort: 53, ToPort: 53 }, protocol: 'udp', port: 53, expected: true },
    { rule: { IpProtocol: 'udp', FromPort: 53, ToPort: 53 }, protocol: 'tcp', port: 53, expected: false },
    { rule: { IpProtocol: 'tcp', FromPort: 53, ToPort: 53 }, protocol: 'udp', port: 53, expected: false },
    { rule: { IpProtocol: 'icmp', FromPort: -1, ToPort: -1 }, protocol: 'tcp', port: 443, expected: false },
    { rule: { IpProtocol: '1', FromPort: 8, ToPort: 0 }, protocol: 'tcp', port: 443, expected: false },
    { rule: { IpProtocol: '58', FromPort: -1, ToPort: -1 }, protocol: 'udp', port: 53, expected: false },
    { rule: { IpProtocol: 'tcp' }, protocol: 'tcp', port: 443, expected: null },
    { rule: { IpProtocol: 'tcp', FromPort: 443 }, protocol: 'tcp', port: 443, expected: null },
    { rule: { IpProtocol: 'udp', ToPort: 53 }, protocol: 'udp', port: 53, expected: null },
    { rule: { IpProtocol: 'udp' }, protocol: 'tcp', port: 443, expected: false },
    { rule: {}, protocol: 'tcp', port: 443, expected: null },
  ] as const)('$rule on $protocol/$port → $expected', ({ rule: fields, protocol, port, expected }) => {
    expect(ruleAdmits(p(fields), protocol, port)).toBe(expected);
  });
});

describe('coverage by union, against address enumeration', () => {
  // Everything lives in 10.0.0.0/24 so the oracle can enumerate every address.
  const BASE = parseAddress('10.0.0.0')!.value;
  const block = (minPrefix: number) =>
    fc
      .record({ prefix: fc.integer({ min: minPrefix, max: 32 }), offset: fc.integer({ min: 0, max: 255 }) })
      .map(({ prefix, offset }) => parseCidr(`${formatAddress(4, BASE + BigInt(offset))}/${prefix}`)!.text);
  const ruleArb = fc.record({
    protocol: fc.constantFrom('tcp', '6', '-1', 'udp', 'icmp'),
    from: fc.integer({ min: 440, max: 444 }),
    span: fc.integer({ min: 0, max: 3 }),
    // A tcp rule without FromPort/ToPort admits tcp/443 or not: the answer is unknown.
    portless: fc.boolean(),
    cidrs: fc.array(block(24), { maxLength: 3 }),
    prefixList: fc.constantFrom(undefined, 'pl-0aa', 'pl-0zz'),
  });
  const scenario = fc.record({
    groups: fc.array(fc.array(ruleArb, { maxLength: 4 }), { minLength: 1, maxLength: 3 }),
    prefixListCidrs: fc.array(block(25), { maxLength: 2 }),
    subnets: fc.array(block(26), { minLength: 1, maxLength: 3 }),
  });
  type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never;
  type RuleArb = Scenario['groups'][number][number];

  const isTcp = (r: RuleArb) => r.protocol === 'tcp' || r.protocol === '6';
  const mayAdmit = (r: RuleArb) =>
    r.protocol === '-1' || (isTcp(r) && (r.portless || (r.from <= 443 && 443 <= r.from + r.span)));

  /** Every address of every subnet is in an admitting rule's ranges; portless tcp rules admit iff `portlessAdmit`. */
  function oracle(s: Scenario, portlessAdmit: boolean): boolean {
    const ranges: { start: bigint; end: bigint }[] = [];
    for (const r of s.groups.flat()) {
      const admits =
        r.protocol === '-1' ||
        (isTcp(r) && (r.portless ? portlessAdmit : r.from <= 443 && 443 <= r.from + r.span));
      if (!admits) continue;
      const texts = [...r.cidrs, ...(r.prefixList === 'pl-0aa' ? s.prefixListCidrs : [])];
      ranges.push(...texts.map((t) => parseCidr(t)!));
    }
    return s.subnets.every((text) => {
      const subnet = parseCidr(text)!;
      for (let a = subnet.start; a <= subnet.end; a++)
        if (!ranges.some((r) => r.start <= a && a <= r.end)) return false;
      return true;
    });
  }

  const asRules = (rules: readonly RuleArb[]) =>
    rules.map((r) =>
      rule({
        protocol: r.protocol,
        ...(r.portless ? {} : { from: r.from, to: r.from + r.span }),
        cidrs: r.cidrs,
        prefixLists: r.prefixList ? [r.prefixList] : [],
      }),
    );

  it('both directions agree with the oracle (unknown exactly when portless rules decide) and name the missing prefix list', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const groups = s.groups.flatMap((rules, i) => [
          { id: `sg-0a${i}`, egress: asRules(rules) },
          { id: `sg-0b${i}`, ingress: asRules(rules) },
        ]);
        const subnets = s.subnets.map((cidr, i) => ({ id: `subnet-0${i}`, cidr }));
        const view = viewOf(
          world({ groups, subnets, prefixLists: [{ id: 'pl-0aa', cidrs: s.prefixListCidrs }] }),
        );
        const subnetIds = subnets.map((x) => x.id);
        const groupIds = (prefix: string) => s.groups.map((_, i) => `${prefix}${i}`);
        const result = securityGroupsAdmit(
          view,
          side('a', groupIds('sg-0a'), subnetIds),
          side('b', groupIds('sg-0b'), subnetIds),
          'tcp',
          443,
        );

        const [least, most] = [oracle(s, false), oracle(s, true)];
        const expected = least === most ? least : null;
        expect(result.egress).toBe(expected);
        expect(result.ingress).toBe(expected);
        if (expected === null) expect(result.unknownReasons.join()).toMatch(/without FromPort\/ToPort/);
        const referencesMissing = s.groups.flat().some((r) => r.prefixList === 'pl-0zz' && mayAdmit(r));
        expect(result.missingPrefixLists).toEqual(referencesMissing ? ['pl-0zz'] : []);
      }),
      { numRuns: 150 },
    );
  });
});
