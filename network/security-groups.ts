import type { IpPermission } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';
import { contains, coveredByUnion, type AddressRange } from './cidr';
import type { IdSet } from './id-set';
import { carries, protocolKind, type Protocol } from './protocol';
import { and, type Tri } from './tri';

/** One side of a flow (SPEC §3): a set of security groups plus a set of subnets. */
export interface FlowSide {
  /** For messages, e.g. "nodes", "control plane", "vpce-0a1". */
  label: string;
  groups: IdSet;
  subnets: IdSet;
  /** What a fix names when the side has no security group to change (an endpoint); the cluster if unset. */
  resourceId?: string;
}

export interface AdmissionResult {
  /** and(egress, ingress). */
  admitted: Tri;
  /** The sending side's egress rules admit the flow toward the receiving side. */
  egress: Tri;
  /** The receiving side's ingress rules admit the flow from the sending side. */
  ingress: Tri;
  /** Prefix lists that relevant rules reference but `ec2.PrefixLists` does not hold (they never cover). */
  missingPrefixLists: string[];
  /** Why a direction is unknown (missing groups or subnets, tcp/udp rules without ports, …). */
  unknownReasons: string[];
}

/**
 * SPEC §3 "A security-group rule admits": `-1`/`all`, or the protocol (`tcp`/`6`, `udp`/`17`,
 * case-insensitive) with FromPort <= port <= ToPort; a tcp/udp rule without ports is unknown.
 */
export function ruleAdmits(permission: IpPermission, protocol: Protocol, port: number): Tri {
  if (permission.IpProtocol === undefined) return null;
  const kind = protocolKind(permission.IpProtocol);
  if (kind === 'all') return true;
  if (!carries(kind, protocol)) return false;
  const { FromPort: from, ToPort: to } = permission;
  if (from === undefined || to === undefined) return null;
  return from <= port && port <= to;
}

const EVERYTHING: readonly AddressRange[] = [
  { family: 4, start: 0n, end: (1n << 32n) - 1n },
  { family: 6, start: 0n, end: (1n << 128n) - 1n },
];

/** The addresses of the other side that a direction must cover, and what is not known about them. */
interface Targets {
  cidrs: AddressRange[];
  unknown: string[];
}

/** An IdSet's reasons to be incomplete (a fresh list: callers add to it). */
function reasonsOf(set: IdSet): string[] {
  return set.unknown.length === 0 ? [] : set.unknown.filter((reason) => reason.length > 0);
}

function targetsOf(view: SnapshotView, side: FlowSide): Targets {
  const cidrs: AddressRange[] = [];
  const unknown = reasonsOf(side.subnets);
  const ids = side.subnets.ids;
  for (let i = 0; i < ids.length; i++) {
    const lookup = view.subnetCidrs(ids[i]!);
    if (lookup.found) for (let j = 0; j < lookup.found.length; j++) cidrs.push(lookup.found[j]!);
    else unknown.push(lookup.reason);
  }
  return { cidrs, unknown };
}

/**
 * Whether `ranges` cover every address of every target subnet. A subnet whose CIDR is
 * unknown could lie anywhere (even be IPv6-only), so only ranges covering all of both
 * address spaces cover it for sure. A side without any subnet has no address to cover:
 * only a group reference can admit it, otherwise a group with no rule at all would pass.
 */
function coverage(targets: Targets, ranges: readonly AddressRange[]): Tri {
  if (targets.cidrs.length === 0 && targets.unknown.length === 0) return false;
  for (let i = 0; i < targets.cidrs.length; i++) if (!covered(targets.cidrs[i]!, ranges)) return false;
  if (targets.unknown.length === 0) return true;
  if (ranges.length === 0) return false;
  return EVERYTHING.every((space) => covered(space, ranges)) ? true : null;
}

/** coveredByUnion, after the cheap common case (one range holds the target) that needs no sorting. */
function covered(target: AddressRange, ranges: readonly AddressRange[]): boolean {
  for (let i = 0; i < ranges.length; i++) if (contains(ranges[i]!, target)) return true;
  return coveredByUnion(target, ranges);
}

/**
 * What the admitting rules of one side's groups, in one direction, show. `maybe*` also
 * holds what unreadable rules and unknown groups could contribute, so a direction is
 * true on the definite evidence, unknown when only the maybe-evidence admits, else false.
 */
interface Evidence {
  reference: boolean;
  ranges: AddressRange[];
  maybeReference: boolean;
  maybeRanges: AddressRange[];
  reasons: string[];
}

interface DirectionQuery {
  view: SnapshotView;
  kind: 'egress' | 'ingress';
  owner: FlowSide;
  other: FlowSide;
  protocol: Protocol;
  port: number;
  missingPrefixLists: Set<string>;
}

function missingGroupReason(view: SnapshotView, groupId: string): string {
  return view.has('SecurityGroups')
    ? `${groupId} is not in ec2.SecurityGroups`
    : 'snapshot has no ec2.SecurityGroups';
}

function unreadableRuleReason(groupId: string, kind: string, permission: IpPermission): string {
  return permission.IpProtocol === undefined
    ? `${groupId} has an ${kind} rule without IpProtocol`
    : `${groupId} has an ${kind} ${permission.IpProtocol} rule without FromPort/ToPort`;
}

function carriesPeers(permission: IpPermission): boolean {
  return (
    permission.UserIdGroupPairs.length > 0 ||
    permission.IpRanges.length > 0 ||
    permission.Ipv6Ranges.length > 0 ||
    permission.PrefixListIds.length > 0
  );
}

function addRange(evidence: Evidence, definite: boolean, range: AddressRange): void {
  if (definite) evidence.ranges.push(range);
  evidence.maybeRanges.push(range);
}

function ruleWith(groupId: string, kind: string, what: string): string {
  return `${groupId} has an ${kind} rule with ${what}`;
}

/** A peer field the snapshot leaves out could name anything. */
function addUnreadable(evidence: Evidence, reason: string): void {
  evidence.maybeReference = true;
  evidence.maybeRanges.push(...EVERYTHING);
  evidence.reasons.push(reason);
}

/** Adds one admitting (or possibly admitting) rule's peers to the evidence. */
function addRule(
  query: DirectionQuery,
  groupId: string,
  permission: IpPermission,
  definite: boolean,
  evidence: Evidence,
): void {
  const { view, kind, other, missingPrefixLists } = query;
  const pairs = permission.UserIdGroupPairs;
  for (let i = 0; i < pairs.length; i++) {
    const pair = pairs[i]!;
    if (pair.GroupId === undefined) {
      evidence.maybeReference = true;
      evidence.reasons.push(ruleWith(groupId, kind, 'a group grant without GroupId'));
    } else if (other.groups.ids.includes(pair.GroupId)) {
      if (definite) evidence.reference = true;
      else evidence.maybeReference = true;
    } else if (other.groups.unknown.length > 0) {
      // The other side may have groups the snapshot does not show; this could be one.
      evidence.maybeReference = true;
      evidence.reasons.push(...reasonsOf(other.groups));
    }
  }
  const ipRanges = permission.IpRanges;
  for (let i = 0; i < ipRanges.length; i++) {
    const range = ipRanges[i]!;
    const cidr = range.CidrIp === undefined ? undefined : view.cidr(range.CidrIp);
    if (cidr) addRange(evidence, definite, cidr);
    else addUnreadable(evidence, ruleWith(groupId, kind, 'an IpRanges entry without CidrIp'));
  }
  const ipv6Ranges = permission.Ipv6Ranges;
  for (let i = 0; i < ipv6Ranges.length; i++) {
    const range = ipv6Ranges[i]!;
    const cidr = range.CidrIpv6 === undefined ? undefined : view.cidr(range.CidrIpv6);
    if (cidr) addRange(evidence, definite, cidr);
    else addUnreadable(evidence, ruleWith(groupId, kind, 'an Ipv6Ranges entry without CidrIpv6'));
  }
  for (const entry of permission.PrefixListIds) {
    if (entry.PrefixListId === undefined) {
      addUnreadable(evidence, ruleWith(groupId, kind, 'a PrefixListIds entry without PrefixListId'));
      continue;
    }
    const cidrs = view.prefixListCidrs(entry.PrefixListId);
    if (cidrs) for (const cidr of cidrs) addRange(evidence, definite, cidr);
    else missingPrefixLists.add(entry.PrefixListId);
  }
}

function collectEvidence(query: DirectionQuery): Evidence {
  const { view, kind, owner, protocol, port } = query;
  const evidence: Evidence = {
    reference: false,
    ranges: [],
    maybeReference: false,
    maybeRanges: [],
    reasons: [],
  };
  const unknownGroups = reasonsOf(owner.groups);

  // Indexed loops in this file's hot paths: a for…of allocates an iterator until the JIT
  // optimizes the function, and a 1,000-cluster check runs mostly before it has (issue 10).
  const groupIds = owner.groups.ids;
  for (let g = 0; g < groupIds.length; g++) {
    const groupId = groupIds[g]!;
    const group = view.securityGroup(groupId);
    if (!group) {
      unknownGroups.push(missingGroupReason(view, groupId));
      continue;
    }
    const permissions = kind === 'egress' ? group.IpPermissionsEgress : group.IpPermissions;
    for (let i = 0; i < permissions.length; i++) {
      const permission = permissions[i]!;
      const admits = ruleAdmits(permission, protocol, port);
      if (admits === false) continue;
      if (admits === null && carriesPeers(permission)) {
        evidence.reasons.push(unreadableRuleReason(groupId, kind, permission));
      }
      addRule(query, groupId, permission, admits === true, evidence);
    }
  }
  if (unknownGroups.length > 0) {
    // A group whose rules we cannot read could admit anything.
    evidence.maybeReference = true;
    evidence.maybeRanges.push(...EVERYTHING);
    evidence.reasons.push(...unknownGroups);
  }
  return evidence;
}

function directionAdmits(query: DirectionQuery, targets: Targets): { admits: Tri; reasons: string[] } {
  const evidence = collectEvidence(query);
  if (evidence.reference || coverage(targets, evidence.ranges) === true) return { admits: true, reasons: [] };
  const maybeCoverage = coverage(targets, evidence.maybeRanges);
  if (!evidence.maybeReference && maybeCoverage === false) return { admits: false, reasons: [] };
  const reasons = maybeCoverage === null ? [...evidence.reasons, ...targets.unknown] : evidence.reasons;
  return { admits: null, reasons };
}

/** SPEC §3 "Security groups admit a flow" from `from` to `to` on protocol/port. */
export function securityGroupsAdmit(
  view: SnapshotView,
  from: FlowSide,
  to: FlowSide,
  protocol: Protocol,
  port: number,
): AdmissionResult {
  const missingPrefixLists = new Set<string>();
  // Plain object literals, not spreads of a shared one: this runs hundreds of thousands of times.
  const egress = directionAdmits(
    { view, kind: 'egress', owner: from, other: to, protocol, port, missingPrefixLists },
    targetsOf(view, to),
  );
  const ingress = directionAdmits(
    { view, kind: 'ingress', owner: to, other: from, protocol, port, missingPrefixLists },
    targetsOf(view, from),
  );
  const reasons = egress.reasons.length + ingress.reasons.length;
  return {
    admitted: and(egress.admits, ingress.admits),
    egress: egress.admits,
    ingress: ingress.admits,
    missingPrefixLists: missingPrefixLists.size > 0 ? [...missingPrefixLists] : [],
    unknownReasons: reasons > 0 ? [...new Set([...egress.reasons, ...ingress.reasons])] : [],
  };
}
