import fc from 'fast-check';
import { parseCidr } from '../../network/cidr';
import { aclAllows, aclDecision, FINAL_RULE_NUMBER, type PortRange } from '../../network/nacl';
import type { NetworkAcl, NetworkAclEntry } from '../../snapshot/schema';
import {
  createAllowEntry,
  freeRuleNumber,
  MAX_RULE_NUMBER,
  RuleNumbers,
  usedRuleNumbers,
} from '../../fixes/nacl-entries';
import { checkAgainstModel, cliName, commandOf, operationModel } from './aws-cli-model';

function acl(...entries: NetworkAclEntry[]): NetworkAcl {
  return { NetworkAclId: 'acl-0ab', VpcId: 'vpc-0aaa', Associations: [], Entries: entries };
}

function entry(n: number, egress: boolean, fields: Partial<NetworkAclEntry> = {}): NetworkAclEntry {
  return {
    RuleNumber: n,
    Egress: egress,
    Protocol: '6',
    RuleAction: 'allow',
    CidrBlock: '0.0.0.0/0',
    ...fields,
  };
}

describe('freeRuleNumber', () => {
  it.each([
    {
      name: 'before the final * entry: the next round number after the last entry',
      used: [100, 150],
      before: 32767,
      n: 160,
    },
    { name: 'before the final * entry of an empty direction', used: [], before: 32767, n: 10 },
    {
      name: 'the final * entry listed (as DescribeNetworkAcls does) changes nothing',
      used: [100, 32767],
      before: 32767,
      n: 110,
    },
    { name: 'last entries near the end: the highest number left', used: [32765], before: 32767, n: 32766 },
    { name: 'before deny 100: the last multiple of 10 below it', used: [100, 110], before: 100, n: 90 },
    {
      name: 'before deny 90 after 80: a number in the gap, just below the deny',
      used: [80, 90],
      before: 90,
      n: 89,
    },
    {
      name: 'before deny 101 right after 100: the highest free number below',
      used: [99, 100, 101],
      before: 101,
      n: 98,
    },
    { name: 'before deny 5: just below it', used: [5], before: 5, n: 4 },
    { name: 'before deny 1: nothing is below', used: [1], before: 1, n: undefined },
    { name: 'every number below the deny taken', used: [1, 2, 3, 4], before: 4, n: undefined },
  ])('$name → $n', ({ used, before, n }) => {
    expect(freeRuleNumber(new Set(used), before)).toBe(n);
  });

  it('never goes past the highest number a user may create', () => {
    expect(MAX_RULE_NUMBER).toBe(32766);
    expect(freeRuleNumber(new Set([32766]), FINAL_RULE_NUMBER)).toBe(32765);
  });

  it('is unused, below `before` and at least 1, or undefined only when every number below is taken', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 80 }), { maxLength: 60 }),
        fc.oneof(fc.integer({ min: 1, max: 81 }), fc.constant(FINAL_RULE_NUMBER)),
        (numbers, before) => {
          const used = new Set(numbers);
          const n = freeRuleNumber(used, before);
          if (n === undefined) {
            for (let k = 1; k < Math.min(before, FINAL_RULE_NUMBER); k++) expect(used.has(k)).toBe(true);
            return;
          }
          expect(used.has(n)).toBe(false);
          expect(n).toBeGreaterThanOrEqual(1);
          expect(n).toBeLessThan(before);
          expect(n).toBeLessThanOrEqual(MAX_RULE_NUMBER);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('RuleNumbers', () => {
  it('hands out distinct numbers per ACL and direction, and leaves the other direction alone', () => {
    const a = acl(entry(90, false, { RuleAction: 'deny' }), entry(100, false), entry(100, true));
    const numbers = new RuleNumbers();
    expect(numbers.take(a, false, 90)).toBe(80);
    expect(numbers.take(a, false, 90)).toBe(89);
    expect(numbers.take(a, false, 90)).toBe(88);
    expect(numbers.take(a, true, FINAL_RULE_NUMBER)).toBe(110);
    expect(usedRuleNumbers(a, false)).toEqual(new Set([90, 100]));
  });
});

describe('createAllowEntry', () => {
  const cidr = (text: string) => parseCidr(text)!;
  it.each([
    {
      name: 'ingress tcp/443 from an IPv4 subnet',
      egress: false,
      protocol: 'tcp' as const,
      ports: { from: 443, to: 443 },
      peer: '10.0.0.0/19',
      command:
        'aws ec2 create-network-acl-entry --region cn-north-1 --network-acl-id acl-0ab --rule-number 80 --protocol 6 --rule-action allow --ingress --cidr-block 10.0.0.0/19 --port-range \'{"From":443,"To":443}\'',
    },
    {
      name: 'egress udp replies to an IPv6 block',
      egress: true,
      protocol: 'udp' as const,
      ports: { from: 1024, to: 65535 },
      peer: '2001:db8:0:1::/64',
      command:
        'aws ec2 create-network-acl-entry --region cn-north-1 --network-acl-id acl-0ab --rule-number 80 --protocol 17 --rule-action allow --egress --ipv6-cidr-block 2001:db8:0:1::/64 --port-range \'{"From":1024,"To":65535}\'',
    },
  ])('$name', ({ egress, protocol, ports, peer, command }) => {
    expect(
      createAllowEntry('cn-north-1', {
        networkAclId: 'acl-0ab',
        ruleNumber: 80,
        egress,
        protocol,
        ports,
        peer: cidr(peer),
      }),
    ).toBe(command);
  });

  it("uses CreateNetworkAclEntryRequest's member names (Egress=false spelled --ingress, as awscli renames --no-egress)", () => {
    const request = operationModel('ec2', 'create-network-acl-entry');
    if (typeof request === 'string') throw new Error(request);
    const members = request.input.members.map(cliName);
    const portRange = request.input.member('PortRange');
    for (const peer of ['10.0.0.0/19', '2001:db8::/64']) {
      for (const egress of [true, false]) {
        const line = createAllowEntry('eu-west-1', {
          networkAclId: 'acl-0ab',
          ruleNumber: 80,
          egress,
          protocol: 'tcp',
          ports: { from: 1, to: 2 },
          peer: cidr(peer),
        });
        expect(checkAgainstModel(line)).toEqual([]);
        const command = commandOf(line);
        for (const name of command.flags.filter((n) => n !== 'region')) {
          expect(members).toContain(name === 'ingress' ? 'egress' : name);
        }
        expect(command.input.Egress).toBe(egress);
        expect(Object.keys(command.input.PortRange as object)).toEqual(
          portRange.type === 'structure' ? portRange.members : [],
        );
      }
    }
  });
});

/*
 * The fix of a denied question: an allow of the whole traffic numbered freeRuleNumber(…, before)
 * turns the ACL's answer to true. Small address and port spaces, as in test/network/nacl.test.ts.
 */
describe('an allow entry before `before` fixes the denial', () => {
  // 16 addresses (10.0.0.0/28) and ports 0..15, as in test/network/nacl.test.ts.
  const blockArb = fc
    .record({ prefix: fc.integer({ min: 28, max: 32 }), offset: fc.integer({ min: 0, max: 15 }) })
    .map(({ prefix, offset }) => parseCidr(`10.0.0.${offset}/${prefix}`)!);
  const portRange = fc
    .tuple(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 0, max: 15 }))
    .map(([a, b]): [number, number] => [Math.min(a, b), Math.max(a, b)]);
  const entryArb = fc.record({
    // 'drop' is no action EC2 knows: an entry the snapshot cannot fully show.
    action: fc.constantFrom('allow', 'deny', 'deny', 'drop'),
    protocol: fc.constantFrom('-1', '6', '17', 'tcp'),
    where: fc.oneof(blockArb, fc.constant('everything' as const), fc.constant('unreadable' as const)),
    ports: fc.option(portRange, { nil: undefined }),
    egress: fc.boolean(),
  });
  const entriesArb = fc
    .uniqueArray(fc.integer({ min: 1, max: 12 }), { maxLength: 9 })
    .chain((numbers) =>
      fc.tuple(
        fc.constant(numbers),
        fc.array(entryArb, { minLength: numbers.length, maxLength: numbers.length }),
      ),
    )
    .map(([numbers, specs]) =>
      numbers.map((n, i): NetworkAclEntry => {
        const { action, protocol, where, ports, egress } = specs[i]!;
        return {
          RuleNumber: n,
          Egress: egress,
          Protocol: protocol,
          RuleAction: action,
          ...(where === 'unreadable' ? {} : { CidrBlock: where === 'everything' ? '0.0.0.0/0' : where.text }),
          ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
        };
      }),
    );
  const query = fc.record({
    peer: blockArb,
    ports: portRange,
    protocol: fc.constantFrom<'tcp' | 'udp'>('tcp', 'udp'),
    egress: fc.boolean(),
  });

  it('is unused in that direction, below the entry to precede, and makes aclAllows true', () => {
    let fixed = 0;
    fc.assert(
      fc.property(entriesArb, query, (entries, { peer, ports: [from, to], protocol, egress }) => {
        const a = acl(...entries);
        const direction = egress ? 'egress' : 'ingress';
        const ports: PortRange = { from, to };
        const decision = aclDecision(a, direction, protocol, ports, peer);
        if (decision.allowed !== false) return;
        expect(decision.before).toBeLessThanOrEqual(decision.deniedBy);
        const used = usedRuleNumbers(a, egress);
        // The deny that decides is an entry of that direction, or the final * entry.
        if (decision.deniedBy !== FINAL_RULE_NUMBER) expect(used.has(decision.deniedBy)).toBe(true);
        const n = freeRuleNumber(used, decision.before);
        if (n === undefined) {
          for (let k = 1; k < decision.before; k++) expect(used.has(k)).toBe(true);
          return;
        }
        expect(used.has(n)).toBe(false);
        expect(n).toBeLessThan(decision.before);
        const allow: NetworkAclEntry = {
          RuleNumber: n,
          Egress: egress,
          Protocol: protocol === 'tcp' ? '6' : '17',
          RuleAction: 'allow',
          CidrBlock: peer.text,
          PortRange: { From: from, To: to },
        };
        expect(aclAllows(acl(...entries, allow), direction, protocol, ports, peer)).toBe(true);
        fixed++;
      }),
      { numRuns: 2000 },
    );
    // The property was exercised, not skipped: most random denials have a free number.
    expect(fixed).toBeGreaterThan(200);
  });

  it.each([
    {
      name: 'an explicit deny before the allow: precede the deny',
      entries: [
        entry(90, false, { RuleAction: 'deny', PortRange: { From: 443, To: 443 } }),
        entry(100, false),
      ],
      deniedBy: 90,
      before: 90,
    },
    {
      name: 'no entry matches: the final * entry',
      entries: [entry(100, false, { CidrBlock: '10.1.0.0/16' })],
      deniedBy: 32767,
      before: 32767,
    },
    {
      name: 'the listed * entry (32767) decides',
      entries: [entry(32767, false, { Protocol: '-1', RuleAction: 'deny' })],
      deniedBy: 32767,
      before: 32767,
    },
    {
      name: 'an unreadable entry before the deny must be preceded too',
      entries: [
        // An action EC2 does not know, on part of the peer: it decides that part, no one knows how.
        entry(50, false, { RuleAction: 'drop', CidrBlock: '10.0.32.0/24' }),
        entry(90, false, { RuleAction: 'deny' }),
        entry(100, false),
      ],
      deniedBy: 90,
      before: 50,
    },
    {
      name: 'a deny after a partial allow decides what the allow leaves',
      entries: [entry(80, false, { CidrBlock: '10.0.32.0/20' }), entry(90, false, { RuleAction: 'deny' })],
      deniedBy: 90,
      before: 90,
    },
  ])('$name', ({ entries, deniedBy, before }) => {
    const decision = aclDecision(
      acl(...entries),
      'ingress',
      'tcp',
      { from: 443, to: 443 },
      parseCidr('10.0.32.0/19')!,
    );
    expect(decision).toMatchObject({ allowed: false, deniedBy, before });
  });
});
