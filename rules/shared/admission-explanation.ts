import type { ClusterContext } from '../../engine/cluster-context';
import { listWithin, MESSAGE_BUDGET } from '../../engine/findings';
import type { IdSet } from '../../network/id-set';
import type { Protocol } from '../../network/protocol';
import { securityGroupsAdmit, type AdmissionResult, type FlowSide } from '../../network/security-groups';
import type { SnapshotView } from '../../snapshot/view';

/*
 * Plain-words explanations of SPEC §3 "security groups admit a flow" for annotations, and
 * the flow sides of a cluster, shared by the rules that judge security groups.
 */

const NO_GROUPS: IdSet = { ids: [], unknown: [] };

/** The nodes of a cluster: node security groups + node subnets (SPEC §3). */
export function nodesSide(ctx: ClusterContext): FlowSide {
  return { label: 'nodes', groups: ctx.nodeSecurityGroups, subnets: ctx.nodeSubnets };
}

/** The control plane of a cluster: control-plane groups + cluster subnets (SPEC §3). */
export function controlPlaneSide(ctx: ClusterContext): FlowSide {
  return { label: 'control plane', groups: ctx.controlPlaneSecurityGroups, subnets: ctx.clusterSubnets };
}

/** The words a failing admission is explained with. */
export interface AdmissionWording {
  /** Opens every message, e.g. "vpce-0a1 (ecr.dkr)" or "API server (nodes → control plane)". */
  subject: string;
  /** The cluster security group, labelled "(cluster SG)" as users know it from the console. */
  clusterGroupId: string | undefined;
}

export interface AdmissionExplanation {
  /** One sentence per failing direction (ingress, egress). */
  failures: string[];
  /** Set when the admission is unknown. */
  unknown: string | undefined;
  offenders: string[];
}

function groupNames(groups: IdSet, wording: AdmissionWording): string[] {
  return groups.ids.map((id) => (id === wording.clusterGroupId ? `${id} (cluster SG)` : id));
}

function subjectOf(groups: readonly string[], max: number): string {
  if (groups.length === 0) return 'no security group allows';
  return `${listWithin(groups, max)} ${groups.length === 1 ? 'does' : 'do'} not allow`;
}

/**
 * The subnets of `side` that the direction does not cover by CIDR, found by asking the same
 * question about each subnet alone with no group to reference (only run for a failure).
 */
function uncoveredSubnets(
  view: SnapshotView,
  side: FlowSide,
  direction: 'ingress' | 'egress',
  other: FlowSide,
  protocol: Protocol,
  port: number,
): string[] {
  const uncovered: string[] = [];
  for (const subnetId of side.subnets.ids) {
    const alone: FlowSide = { label: subnetId, groups: NO_GROUPS, subnets: { ids: [subnetId], unknown: [] } };
    const result =
      direction === 'ingress'
        ? securityGroupsAdmit(view, alone, other, protocol, port).ingress
        : securityGroupsAdmit(view, other, alone, protocol, port).egress;
    if (result === true) continue;
    const cidrs = view.subnetCidrs(subnetId);
    uncovered.push(cidrs.found ? `${subnetId} ${cidrs.found.map((c) => c.text).join(' ')}` : subnetId);
  }
  return uncovered;
}

/** "from sg-0c3 (cluster SG) or subnet-0d4 10.0.32.0/20", within `max` characters. */
function peerPhrase(preposition: string, groups: string[], subnets: string[], max: number): string {
  const groupText = groups.length > 0 ? listWithin(groups, Math.max(24, Math.floor(max / 2))) : '';
  const room = max - preposition.length - groupText.length - ' or '.length - 1;
  const subnetText = subnets.length > 0 ? listWithin(subnets, Math.max(24, room)) : '';
  return `${preposition} ${[groupText, subnetText].filter((t) => t.length > 0).join(' or ') || 'anything'}`;
}

function missingPrefixListsPhrase(result: AdmissionResult): string {
  if (result.missingPrefixLists.length === 0) return '';
  const lists = listWithin(result.missingPrefixLists, 60);
  return ` (${lists} not in ec2.PrefixLists)`;
}

/**
 * Explains SPEC §3 "security groups admit a flow" for an annotation: which direction fails,
 * which groups lack the rule, and which peers (groups, uncovered subnets with CIDRs) they would
 * have to allow, e.g. `sg-0b2 does not allow tcp/443 from sg-0c3 (cluster SG) or subnet-0d4 10.0.32.0/20`.
 */
export function explainAdmission(
  view: SnapshotView,
  from: FlowSide,
  to: FlowSide,
  protocol: Protocol,
  port: number,
  result: AdmissionResult,
  wording: AdmissionWording,
): AdmissionExplanation {
  const flow = `${protocol}/${port}`;
  const failures: string[] = [];
  const offenders = new Set<string>();
  const prefixLists = missingPrefixListsPhrase(result);
  const budget = MESSAGE_BUDGET - wording.subject.length - prefixLists.length - 2;
  if (result.ingress === false) {
    const receivers = groupNames(to.groups, wording);
    const head = `${subjectOf(receivers, 70)} ${flow}`;
    const peers = uncoveredSubnets(view, from, 'ingress', to, protocol, port);
    const tail = peerPhrase('from', groupNames(from.groups, wording), peers, budget - head.length - 1);
    failures.push(`${wording.subject}: ${head} ${tail}${prefixLists}`);
    to.groups.ids.forEach((id) => offenders.add(id));
  }
  if (result.egress === false) {
    const senders = groupNames(from.groups, wording);
    const head = `${subjectOf(senders, 70)} ${flow} egress`;
    const peers = uncoveredSubnets(view, to, 'egress', from, protocol, port);
    const tail = peerPhrase('to', groupNames(to.groups, wording), peers, budget - head.length - 1);
    failures.push(`${wording.subject}: ${head} ${tail}${prefixLists}`);
    from.groups.ids.forEach((id) => offenders.add(id));
  }
  const unknown =
    result.admitted === null
      ? `${wording.subject}: cannot tell whether security groups allow ${flow}: ${listWithin(
          result.unknownReasons.length > 0 ? [...new Set(result.unknownReasons)] : ['incomplete data'],
          MESSAGE_BUDGET - wording.subject.length - 60,
        )}`
      : undefined;
  return { failures, unknown, offenders: [...offenders] };
}
