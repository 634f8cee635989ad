import fc from 'fast-check';
import { formatAddress, parseCidr, type AddressRange } from '../../network/cidr';
import { aclAllows, naclsAllowFlow, type PortRange } from '../../network/nacl';
import type { Tri } from '../../network/tri';
import type { NetworkAcl, NetworkAclEntry } from '../../snapshot/schema';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { viewOf } from '../../testkit/view';

type Direction = 'ingress' | 'egress';

interface EntrySpec {
  n: number;
  action?: 'allow' | 'deny';
  protocol?: string;
  cidr?: string;
  v6?: string;
  ports?: [number, number];
  egress?: boolean;
}

/** A parsed NACL entry; `cidr: ''` leaves both CIDR fields out (an unreadable entry). */
function entry({
  n,
  action = 'allow',
  protocol = '6',
  cidr = '0.0.0.0/0',
  v6,
  ports,
  egress = false,
}: EntrySpec) {
  return {
    RuleNumber: n,
    RuleAction: action,
    Protocol: protocol,
    Egress: egress,
    ...(v6 !== undefined ? { Ipv6CidrBlock: v6 } : cidr ? { CidrBlock: cidr } : {}),
    ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  } as NetworkAclEntry;
}

function acl(...entries: NetworkAclEntry[]): NetworkAcl {
  return { NetworkAclId: 'acl-0ab', VpcId: 'vpc-0aaa', Associations: [], Entries: entries };
}

const range = (text: string): AddressRange => parseCidr(text)!;
const port = (p: number): PortRange => ({ from: p, to: p });
const EPHEMERAL: PortRange = { from: 1024, to: 65535 };

describe('aclAllows: examples', () => {
  it.each([
    { name: 'no entries: implicit deny', entries: [], expected: false },
    { name: 'allow all tcp', entries: [entry({ n: 100 })], expected: true },
    {
      name: 'partial allow of the peer range is a failure',
      entries: [entry({ n: 100, cidr: '10.0.32.0/20' })],
      expected: false,
    },
    {
      name: 'two allows covering the peer together',
      entries: [entry({ n: 100, cidr: '10.0.32.0/20' }), entry({ n: 110, cidr: '10.0.48.0/20' })],
      expected: true,
    },
    {
      name: 'deny of one address before allow',
      entries: [entry({ n: 90, action: 'deny', cidr: '10.0.40.7/32' }), entry({ n: 100 })],
      expected: false,
    },
    {
      name: 'deny after a full allow never decides',
      entries: [entry({ n: 100 }), entry({ n: 110, action: 'deny' })],
      expected: true,
    },
    {
      name: 'rule order is by RuleNumber, not array order',
      entries: [entry({ n: 200 }), entry({ n: 100, action: 'deny', cidr: '10.0.40.0/24' })],
      expected: false,
    },
    {
      name: 'rule order is by RuleNumber: an allow listed last still comes first',
      entries: [entry({ n: 200, action: 'deny' }), entry({ n: 100 })],
      expected: true,
    },
    {
      name: 'a deny of other addresses does not matter',
      entries: [entry({ n: 90, action: 'deny', cidr: '10.0.64.0/19' }), entry({ n: 100 })],
      expected: true,
    },
    {
      name: 'a deny of other ports does not matter',
      entries: [entry({ n: 90, action: 'deny', ports: [80, 442] }), entry({ n: 100 })],
      expected: true,
    },
    {
      name: 'a deny of the port does',
      entries: [entry({ n: 90, action: 'deny', ports: [443, 443] }), entry({ n: 100 })],
      expected: false,
    },
    { name: 'allow of another port only', entries: [entry({ n: 100, ports: [80, 80] })], expected: false },
    {
      name: 'allow of a port range holding 443',
      entries: [entry({ n: 100, ports: [1, 1000] })],
      expected: true,
    },
    {
      name: 'protocol -1 ignores its PortRange',
      entries: [entry({ n: 100, protocol: '-1', ports: [80, 80] })],
      expected: true,
    },
    { name: 'protocol name "all"', entries: [entry({ n: 100, protocol: 'ALL' })], expected: true },
    { name: 'protocol name "tcp"', entries: [entry({ n: 100, protocol: 'Tcp' })], expected: true },
    { name: 'a udp allow does not carry tcp', entries: [entry({ n: 100, protocol: '17' })], expected: false },
    {
      name: 'an icmp deny does not touch tcp',
      entries: [entry({ n: 90, protocol: '1', action: 'deny' }), entry({ n: 100 })],
      expected: true,
    },
    {
      name: 'an IPv6 allow never matches an IPv4 peer',
      entries: [entry({ n: 100, protocol: '-1', v6: '::/0' })],
      expected: false,
    },
    {
      name: 'an IPv6 deny never matches an IPv4 peer',
      entries: [entry({ n: 90, protocol: '-1', action: 'deny', v6: '::/0' }), entry({ n: 100 })],
      expected: true,
    },
    {
      name: 'egress entries do not decide ingress traffic',
      entries: [entry({ n: 100, egress: true })],
      expected: false,
    },
  ])('$name → $expected', ({ entries, expected }) => {
    expect(aclAllows(acl(...entries), 'ingress', 'tcp', port(443), range('10.0.32.0/19'))).toBe(expected);
  });

  it('judges every port of a range: an allow of 443 does not allow the ephemeral ports', () => {
    const a = acl(entry({ n: 100, ports: [443, 443], egress: true }));
    expect(aclAllows(a, 'egress', 'tcp', port(443), range('10.0.0.0/19'))).toBe(true);
    expect(aclAllows(a, 'egress', 'tcp', EPHEMERAL, range('10.0.0.0/19'))).toBe(false);
  });

  it('an ephemeral allow narrower than the parameter is a partial allow', () => {
    const a = acl(entry({ n: 100, ports: [32768, 65535], egress: true }));
    expect(aclAllows(a, 'egress', 'tcp', EPHEMERAL, range('10.0.0.0/19'))).toBe(false);
    expect(aclAllows(a, 'egress', 'tcp', { from: 32768, to: 65535 }, range('10.0.0.0/19'))).toBe(true);
  });

  it('judges IPv6 peers by Ipv6CidrBlock entries only', () => {
    const a = acl(
      entry({ n: 100, cidr: '0.0.0.0/0' }),
      entry({ n: 110, v6: '2001:db8::/56', protocol: '-1' }),
      entry({ n: 120, v6: '::/0', action: 'deny' }),
    );
    expect(aclAllows(a, 'ingress', 'tcp', port(443), range('2001:db8:0:1::/64'))).toBe(true);
    expect(aclAllows(a, 'ingress', 'tcp', port(443), range('2001:db8:1::/64'))).toBe(false);
  });
});

describe('aclAllows: entries the snapshot cannot fully show', () => {
  it.each([
    {
      name: 'a deny without CIDR that could decide → unknown',
      entries: [entry({ n: 50, action: 'deny', cidr: '' }), entry({ n: 100 })],
      expected: null,
    },
    {
      name: 'an allow without CIDR followed by an allow of everything → allowed either way',
      entries: [entry({ n: 50, cidr: '' }), entry({ n: 100 })],
      expected: true,
    },
    {
      name: 'an allow without CIDR followed by the implicit deny → unknown',
      entries: [entry({ n: 50, cidr: '' })],
      expected: null,
    },
    {
      name: 'an entry without CIDR after everything is decided → irrelevant',
      entries: [entry({ n: 100 }), entry({ n: 150, cidr: '' })],
      expected: true,
    },
    {
      name: 'an entry without CIDR of another protocol → irrelevant',
      entries: [entry({ n: 50, cidr: '', protocol: '17' }), entry({ n: 100 })],
      expected: true,
    },
    {
      name: 'a definite deny before it → false',
      entries: [entry({ n: 40, action: 'deny' }), entry({ n: 50, cidr: '' })],
      expected: false,
    },
    {
      name: 'traffic it cannot reach (other ports) is then denied → false',
      entries: [entry({ n: 50, cidr: '', ports: [80, 80] }), entry({ n: 100, action: 'deny' })],
      expected: false,
    },
    {
      name: 'traffic it might take, then denied → unknown',
      entries: [entry({ n: 50, cidr: '', ports: [443, 443] }), entry({ n: 100, action: 'deny' })],
      expected: null,
    },
    {
      name: 'a PortRange without From → unknown',
      entries: [{ ...entry({ n: 50 }), PortRange: { To: 443 } }, entry({ n: 100, action: 'deny' })],
      expected: null,
    },
  ] as { name: string; entries: NetworkAclEntry[]; expected: Tri }[])('$name', ({ entries, expected }) => {
    expect(aclAllows(acl(...entries), 'ingress', 'tcp', port(443), range('10.0.32.0/19'))).toBe(expected);
  });
});

describe('aclAllows: against a port-by-port, address-by-address oracle', () => {
  // 16 addresses per family and ports 0..15, so the oracle can enumerate every (address, port).
  const BASES = { 4: parseCidr('10.0.0.0/28')!.start, 6: parseCidr('2001:db8::/124')!.start };
  const blockText = (family: 4 | 6, prefixInSpace: number, offset: number) => {
    const bits = family === 4 ? 32 : 128;
    return parseCidr(`${formatAddress(family, BASES[family] + BigInt(offset))}/${bits - 4 + prefixInSpace}`)!
      .text;
  };
  const block = fc.record({
    family: fc.constantFrom<4 | 6>(4, 4, 4, 6),
    prefixInSpace: fc.integer({ min: 0, max: 4 }),
    offset: fc.integer({ min: 0, max: 15 }),
  });
  const portRange = fc
    .tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }))
    .map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]);
  const entryArb = fc.record({
    action: fc.constantFrom<'allow' | 'deny'>('allow', 'deny'),
    protocol: fc.constantFrom('-1', '6', '17', 'tcp', 'UDP', 'all', '1'),
    where: fc.oneof(block, fc.constant('everything' as const)),
    ports: fc.option(portRange, { nil: undefined }),
    egress: fc.boolean(),
  });

  const entriesArb = fc
    .uniqueArray(fc.integer({ min: 1, max: 60 }), { minLength: 0, maxLength: 7 })
    .chain((numbers) =>
      fc.tuple(
        fc.constant(numbers),
        fc.array(entryArb, { minLength: numbers.length, maxLength: numbers.length }),
      ),
    )
    .map(([numbers, specs]) =>
      numbers.map((n, i) => {
        const spec = specs[i]!;
        const where = spec.where;
        const cidr =
          where === 'everything' ? '0.0.0.0/0' : blockText(where.family, where.prefixInSpace, where.offset);
        const family = where === 'everything' ? 4 : where.family;
        return entry({
          n,
          action: spec.action,
          protocol: spec.protocol,
          ...(family === 4 ? { cidr } : { v6: cidr }),
          ...(spec.ports ? { ports: spec.ports } : {}),
          egress: spec.egress,
        });
      }),
    );
  const query = fc.record({
    family: fc.constantFrom<4 | 6>(4, 6),
    addresses: portRange,
    ports: portRange,
    protocol: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'),
    direction: fc.constantFrom<Direction>('ingress', 'egress'),
  });
  type Query = typeof query extends fc.Arbitrary<infer T> ? T : never;

  function peerOf(q: Query): AddressRange {
    return {
      family: q.family,
      start: BASES[q.family] + BigInt(q.addresses[0]),
      end: BASES[q.family] + BigInt(q.addresses[1]),
    };
  }

  function matches(e: NetworkAclEntry, q: Query, address: bigint, p: number): boolean {
    const protocol = e.Protocol.toLowerCase();
    const carries =
      ['-1', 'all'].includes(protocol) ||
      (q.protocol === 'tcp' ? ['6', 'tcp'] : ['17', 'udp']).includes(protocol);
    const cidrText = q.family === 4 ? e.CidrBlock : e.Ipv6CidrBlock;
    if (!carries || cidrText === undefined) return false;
    const cidr = parseCidr(cidrText)!;
    const portOk =
      ['-1', 'all'].includes(protocol) || !e.PortRange || (e.PortRange.From! <= p && p <= e.PortRange.To!);
    return cidr.start <= address && address <= cidr.end && portOk;
  }

  function oracle(entries: NetworkAclEntry[], q: Query): boolean {
    const ordered = entries
      .filter((e) => e.Egress === (q.direction === 'egress'))
      .sort((a, b) => a.RuleNumber - b.RuleNumber);
    const peer = peerOf(q);
    for (let address = peer.start; address <= peer.end; address++) {
      for (let p = q.ports[0]; p <= q.ports[1]; p++) {
        const first = ordered.find((e) => matches(e, q, address, p));
        if (first?.RuleAction !== 'allow') return false;
      }
    }
    return true;
  }

  function withoutCidr(e: NetworkAclEntry): NetworkAclEntry {
    const copy = { ...e };
    delete copy.CidrBlock;
    delete copy.Ipv6CidrBlock;
    return copy;
  }

  const ask = (entries: NetworkAclEntry[], q: Query) =>
    aclAllows(acl(...entries), q.direction, q.protocol, { from: q.ports[0], to: q.ports[1] }, peerOf(q));

  it('agrees with the oracle on random ACLs', () => {
    fc.assert(
      fc.property(entriesArb, query, (entries, q) => {
        expect(ask(entries, q)).toBe(oracle(entries, q));
      }),
      { numRuns: 1500 },
    );
  });

  it('agrees whatever the array order of the entries', () => {
    fc.assert(
      fc.property(
        entriesArb.chain((entries) =>
          fc.tuple(fc.constant(entries), fc.shuffledSubarray(entries, { minLength: entries.length })),
        ),
        query,
        ([entries, shuffled], q) => {
          expect(ask(shuffled, q)).toBe(ask(entries, q));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is sound with unreadable entries: a definite answer holds for every way of reading them', () => {
    // Some entries lose their CIDR; each completion re-reads them with a concrete block.
    const completion = fc.array(fc.oneof(block, fc.constant('everything' as const)), {
      minLength: 7,
      maxLength: 7,
    });
    const lost = fc.array(fc.boolean(), { minLength: 7, maxLength: 7 });
    fc.assert(
      fc.property(
        entriesArb,
        query,
        lost,
        fc.array(completion, { minLength: 1, maxLength: 4 }),
        (entries, q, drop, completions) => {
          const unreadable = entries.map((e, i) => (drop[i] ? withoutCidr(e) : e));
          const answer = ask(unreadable, q);
          if (!drop.some((d, i) => d && i < entries.length)) expect(answer).toBe(oracle(entries, q));
          if (answer === null) return;
          for (const fill of completions) {
            const read = unreadable.map((e, i) => {
              if (!drop[i]) return e;
              const where = fill[i]!;
              const text =
                where === 'everything'
                  ? '0.0.0.0/0'
                  : blockText(where.family, where.prefixInSpace, where.offset);
              return where !== 'everything' && where.family === 6
                ? { ...e, Ipv6CidrBlock: text }
                : { ...e, CidrBlock: text };
            });
            expect(oracle(read, q)).toBe(answer);
          }
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('naclsAllowFlow', () => {
  type Mutation = (s: RawSnapshot, ids: ClusterIds) => void;
  const aclOf = (s: RawSnapshot, id: string) =>
    s.ec2.NetworkAcls.find((a) => a.NetworkAclId === id)! as {
      Entries: Record<string, unknown>[];
      Associations: Record<string, unknown>[];
    };
  const dropEntry =
    (egress: boolean, ruleNumber: number): Mutation =>
    (s, ids) => {
      const a = aclOf(s, ids.networkAclId);
      a.Entries = a.Entries.filter((e) => !(e.Egress === egress && e.RuleNumber === ruleNumber));
    };
  const addEntry =
    (e: Record<string, unknown>): Mutation =>
    (s, ids) => {
      aclOf(s, ids.networkAclId).Entries.push(e);
    };

  interface FlowCase {
    name: string;
    mutate?: Mutation;
    from?: number | string;
    to?: number | string;
    protocol?: 'tcp' | 'udp';
    port?: number;
    ephemeral?: PortRange;
    allowed: Tri;
    denials?: string[];
    reasons?: RegExp[];
  }
  // The fixture's subnets: 0 = 10.0.0.0/19, 1 = 10.0.32.0/19, 2 = 10.0.64.0/19, one ACL allowing
  // tcp 443/10250/53, udp 53 and tcp/udp 1024-65535 within the VPC, both directions. `{acl}` in
  // the expected denials stands for that ACL's id.
  const cases: FlowCase[] = [
    { name: 'the compliant fixture allows tcp/443', allowed: true },
    { name: 'and udp/53', protocol: 'udp', port: 53, allowed: true },
    {
      name: 'a port the ACL does not allow is denied both ways',
      port: 22,
      allowed: false,
      denials: ['{acl} egress denies tcp/22 to 10.0.32.0/19', '{acl} ingress denies tcp/22 from 10.0.0.0/19'],
    },
    {
      name: 'replies blocked by a missing ephemeral egress entry',
      mutate: dropEntry(true, 140),
      allowed: false,
      denials: ['{acl} egress denies replies tcp/1024-65535 to 10.0.0.0/19'],
    },
    {
      name: 'replies blocked by a missing ephemeral ingress entry',
      mutate: dropEntry(false, 140),
      allowed: false,
      denials: ['{acl} ingress denies replies tcp/1024-65535 from 10.0.32.0/19'],
    },
    {
      name: 'ephemeral replies narrower than the parameter',
      mutate: (s, ids) => {
        for (const e of aclOf(s, ids.networkAclId).Entries)
          if (e.RuleNumber === 140) e.PortRange = { From: 32768, To: 65535 };
      },
      allowed: false,
      denials: [
        '{acl} egress denies replies tcp/1024-65535 to 10.0.0.0/19',
        '{acl} ingress denies replies tcp/1024-65535 from 10.0.32.0/19',
      ],
    },
    {
      name: 'a narrower ephemeralPorts parameter accepts them',
      mutate: (s, ids) => {
        for (const e of aclOf(s, ids.networkAclId).Entries)
          if (e.RuleNumber === 140) e.PortRange = { From: 32768, To: 65535 };
      },
      ephemeral: { from: 32768, to: 65535 },
      allowed: true,
    },
    {
      name: 'a deny of the destination subnet ahead of the allows',
      mutate: addEntry({
        RuleNumber: 50,
        Egress: true,
        Protocol: '-1',
        RuleAction: 'deny',
        CidrBlock: '10.0.32.0/19',
      }),
      allowed: false,
      denials: ['{acl} egress denies tcp/443 to 10.0.32.0/19'],
    },
    {
      name: 'the same deny numbered after the allows is never reached',
      mutate: addEntry({
        RuleNumber: 32000,
        Egress: true,
        Protocol: '-1',
        RuleAction: 'deny',
        CidrBlock: '10.0.32.0/19',
      }),
      allowed: true,
    },
    {
      name: 'a subnet to itself is not subject to NACLs',
      mutate: (s, ids) => (aclOf(s, ids.networkAclId).Entries = []),
      to: 0,
      allowed: true,
    },
    {
      name: 'a subnet falling back to the default ACL (allow all)',
      mutate: (s, ids) => {
        const a = aclOf(s, ids.networkAclId);
        a.Associations = a.Associations.filter((x) => x.SubnetId !== ids.subnetIds[1]);
      },
      allowed: true,
    },
    {
      name: 'a subnet missing from ec2.Subnets is unknown',
      to: 'subnet-0ff00000000000000',
      allowed: null,
      reasons: [/subnet-0ff00000000000000 is not in ec2\.Subnets/],
    },
    {
      name: 'no ACL for the subnet (no association, no default ACL) is unknown',
      mutate: (s, ids) => {
        const a = aclOf(s, ids.networkAclId);
        a.Associations = a.Associations.filter((x) => x.SubnetId !== ids.subnetIds[1]);
        s.ec2.NetworkAcls = s.ec2.NetworkAcls.filter((x) => x.NetworkAclId !== ids.defaultNetworkAclId);
      },
      allowed: null,
      reasons: [/no default network ACL of vpc-/],
    },
    {
      name: 'a definite denial wins over an unknown ACL',
      mutate: (s, ids) => {
        const a = aclOf(s, ids.networkAclId);
        a.Associations = a.Associations.filter((x) => x.SubnetId !== ids.subnetIds[1]);
        s.ec2.NetworkAcls = s.ec2.NetworkAcls.filter((x) => x.NetworkAclId !== ids.defaultNetworkAclId);
      },
      port: 22,
      allowed: false,
      denials: ['{acl} egress denies tcp/22 to 10.0.32.0/19'],
    },
    {
      name: 'an entry without CIDR that could decide is unknown, named',
      mutate: addEntry({ RuleNumber: 60, Egress: true, Protocol: '6', RuleAction: 'deny' }),
      allowed: null,
      reasons: [/egress entry 60 has no CidrBlock or Ipv6CidrBlock/],
    },
  ];

  it.each(cases)('$name → $allowed', (c) => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    c.mutate?.(snapshot, ids[0]!);
    const id = ids[0]!;
    const subnet = (x: number | string) => (typeof x === 'number' ? id.subnetIds[x]! : x);
    const result = naclsAllowFlow(
      viewOf(snapshot),
      id.vpcId,
      subnet(c.from ?? 0),
      subnet(c.to ?? 1),
      c.protocol ?? 'tcp',
      c.port ?? 443,
      c.ephemeral ?? EPHEMERAL,
    );
    expect(result.allowed).toBe(c.allowed);
    expect(result.denials).toEqual((c.denials ?? []).map((d) => d.replace('{acl}', id.networkAclId)));
    // The same denials as data, one per text, in order.
    expect(result.denied.map((d) => d.text)).toEqual(result.denials);
    for (const reason of c.reasons ?? []) expect(result.unknownReasons.join('\n')).toMatch(reason);
    if (c.allowed !== null) expect(result.unknownReasons).toEqual([]);
    else expect(result.unknownReasons.length).toBeGreaterThan(0);
  });

  describe('IPv6-only subnets', () => {
    function ipv6World(entries: Record<string, unknown>[]) {
      const { snapshot, ids } = privateClustersSnapshot(1);
      const id = ids[0]!;
      snapshot.ec2.Subnets.forEach((s, i) => {
        delete s.CidrBlock;
        s.Ipv6CidrBlockAssociationSet = [
          { Ipv6CidrBlock: `2001:db8:0:${i}::/64` },
          { Ipv6CidrBlock: `2001:db8:1:${i}::/64` },
        ];
      });
      aclOf(snapshot, id.networkAclId).Entries = entries;
      return { view: viewOf(snapshot), id };
    }
    const v6Allow = (Egress: boolean, Ipv6CidrBlock: string) => ({
      RuleNumber: 100,
      Egress,
      Protocol: '-1',
      RuleAction: 'allow',
      Ipv6CidrBlock,
    });

    it('every pair of their IPv6 blocks must be allowed', () => {
      const { view, id } = ipv6World([v6Allow(true, '2001:db8::/47'), v6Allow(false, '2001:db8::/47')]);
      expect(
        naclsAllowFlow(view, id.vpcId, id.subnetIds[0]!, id.subnetIds[1]!, 'tcp', 443, EPHEMERAL).allowed,
      ).toBe(true);
    });

    it('a block left out is a denial naming it', () => {
      const { view, id } = ipv6World([v6Allow(true, '2001:db8::/48'), v6Allow(false, '2001:db8::/47')]);
      const result = naclsAllowFlow(
        view,
        id.vpcId,
        id.subnetIds[0]!,
        id.subnetIds[1]!,
        'tcp',
        443,
        EPHEMERAL,
      );
      expect(result.allowed).toBe(false);
      expect(result.denials).toEqual([
        `${id.networkAclId} egress denies tcp/443 to 2001:db8:1:1::/64`,
        `${id.networkAclId} egress denies replies tcp/1024-65535 to 2001:db8:1::/64`,
      ]);
      expect(
        result.denied.map(({ acl, direction, protocol, ports, peer, reply, deniedBy, before }) => ({
          acl: acl.NetworkAclId,
          direction,
          protocol,
          ports,
          peer: peer.text,
          reply,
          deniedBy,
          before,
        })),
      ).toEqual([
        // Nothing matches: the final * entry (32767) decides, and an allow anywhere before it fixes it.
        {
          acl: id.networkAclId,
          direction: 'egress',
          protocol: 'tcp',
          ports: { from: 443, to: 443 },
          peer: '2001:db8:1:1::/64',
          reply: false,
          deniedBy: 32767,
          before: 32767,
        },
        {
          acl: id.networkAclId,
          direction: 'egress',
          protocol: 'tcp',
          ports: EPHEMERAL,
          peer: '2001:db8:1::/64',
          reply: true,
          deniedBy: 32767,
          before: 32767,
        },
      ]);
    });

    it('IPv4 entries never allow IPv6 traffic', () => {
      const { view, id } = ipv6World([
        { RuleNumber: 100, Egress: true, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0' },
        { RuleNumber: 100, Egress: false, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0' },
      ]);
      expect(
        naclsAllowFlow(view, id.vpcId, id.subnetIds[0]!, id.subnetIds[1]!, 'tcp', 443, EPHEMERAL).allowed,
      ).toBe(false);
    });
  });
});
