/**
 * Network ACL entries that fixes add: a free rule number before the entry that denies the
 * traffic, and the `aws ec2 create-network-acl-entry` line that adds the allow.
 */
import type { Cidr } from '../network/cidr';
import { FINAL_RULE_NUMBER, type PortRange } from '../network/nacl';
import type { Protocol } from '../network/protocol';
import type { NetworkAcl } from '../snapshot/schema';
import { awsCli } from './aws-cli';

/** The highest number an entry a user creates may have (CreateNetworkAclEntry: 1-32766). */
export const MAX_RULE_NUMBER = FINAL_RULE_NUMBER - 1;

/** The IANA protocol numbers NACL entries use. */
export const PROTOCOL_NUMBER: Record<Protocol, string> = { tcp: '6', udp: '17' };

/** Step of the round numbers preferred for a new entry (AWS recommends 100, 110, 120, …). */
const STEP = 10;

/** The rule numbers one direction of `acl` already uses (entries of both directions share none). */
export function usedRuleNumbers(acl: NetworkAcl, egress: boolean): Set<number> {
  const used = new Set<number>();
  for (const entry of acl.Entries) if (entry.Egress === egress) used.add(entry.RuleNumber);
  return used;
}

/**
 * A rule number for an entry that must be evaluated before the entry numbered `before`, unused
 * in `used` (the numbers of that direction), or undefined when every number below is taken.
 * Where the gap between the entry before it and `before` allows, a round number: before the
 * final `*` entry (32767), the first multiple of 10 after the last entry (… 150 → 160); before
 * an explicit deny, the last multiple of 10 below it (deny 100 → 90), else the number just below
 * it (deny 101 after 100 → … no room in the gap, so the highest free number below).
 */
export function freeRuleNumber(used: ReadonlySet<number>, before: number): number | undefined {
  const limit = Math.min(before, FINAL_RULE_NUMBER) - 1;
  if (limit < 1) return undefined;
  let previous = 0;
  for (const n of used) if (n < before && n > previous) previous = n;
  if (previous < limit) {
    // The gap (previous, before) is free.
    const round =
      before >= FINAL_RULE_NUMBER
        ? (Math.floor(previous / STEP) + 1) * STEP
        : Math.floor((before - 1) / STEP) * STEP;
    if (round > previous && round <= limit) return round;
    return limit;
  }
  for (let n = limit; n >= 1; n--) if (!used.has(n)) return n;
  return undefined;
}

/**
 * Rule numbers handed out to the fixes of one finding, per ACL and direction, so that two
 * entries added to one ACL never get the same number.
 */
export class RuleNumbers {
  private readonly used = new Map<string, Set<number>>();

  take(acl: NetworkAcl, egress: boolean, before: number): number | undefined {
    const key = `${acl.NetworkAclId} ${egress}`;
    let used = this.used.get(key);
    if (!used) this.used.set(key, (used = usedRuleNumbers(acl, egress)));
    const n = freeRuleNumber(used, before);
    if (n !== undefined) used.add(n);
    return n;
  }
}

export interface AllowEntry {
  networkAclId: string;
  ruleNumber: number;
  egress: boolean;
  protocol: Protocol;
  ports: PortRange;
  /** The remote CIDR: destination for egress, source for ingress. */
  peer: Cidr;
}

/**
 * `aws ec2 create-network-acl-entry` adding an allow entry. Direction: the CLI spells the
 * boolean member `Egress` as `--egress`, and its negation `--ingress` (awscli renames
 * `--no-egress` for every ec2 command: customizations/argrename.py, `ec2.*.no-egress`).
 */
export function createAllowEntry(region: string, entry: AllowEntry): string {
  const v6 = entry.peer.family === 6;
  return awsCli('ec2', 'create-network-acl-entry', region, [
    ['network-acl-id', entry.networkAclId],
    ['rule-number', entry.ruleNumber],
    ['protocol', PROTOCOL_NUMBER[entry.protocol]],
    ['rule-action', 'allow'],
    entry.egress ? ['egress', true] : ['ingress', true],
    [v6 ? 'ipv6-cidr-block' : 'cidr-block', entry.peer.text],
    ['port-range', { From: entry.ports.from, To: entry.ports.to }],
  ]);
}
