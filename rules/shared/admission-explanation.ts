import type { ClusterContext } from '../../engine/cluster-context';
import { listWithin, MESSAGE_BUDGET, type Detail } from '../../engine/findings';
import type { Verdict } from '../../engine/verdict';
import { authorizeGroupReference, preferredGroup } from '../../fixes/security-group-rules';
import { resourceTypeOf } from '../../fixes/resource-types';
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
  return { label: 'nodes', groups: ctx.nodeSecurityGroups, subnets: ctx.nodeSubnets, resourceId: undefined };
}

/** The control plane of a cluster: control-plane groups + cluster subnets (SPEC §3). */
export function controlPlaneSide(ctx: ClusterContext): FlowSide {
  return {
    label: 'control plane',
    groups: ctx.controlPlaneSecurityGroups,
    subnets: ctx.clusterSubnets,
    resourceId: undefined,
  };
}

/** The words a failing admission is explained with. */
export interface AdmissionWording {
  /** Opens every message, e.g. "vpce-0a1 (ecr.dkr)" or "API server (nodes → control plane)". */
  subject: string;
  /** The cluster security group, labelled "(cluster SG)" as users know it from the console. */
  clusterGroupId: string | undefined;
}

/** One failing direction of an admission, as data for its fix. */
export interface MissingRule {
  direction: 'ingress' | 'egress';
  /** The side whose groups lack the rule: the receiving side for ingress, the sending side for egress. */
  owner: FlowSide;
  /** The side the rule must admit. */
  peer: FlowSide;
  protocol: Protocol;
  port: number;
  /** The peer's subnets that no rule covers by CIDR, with their CIDRs ("subnet-0d4 10.0.32.0/20"). */
  uncovered: string[];
  /** Prefix lists the rules name that ec2.PrefixLists does not hold (they never cover). */
  missingPrefixLists: string[];
}

export interface AdmissionExplanation {
  /** One sentence per failing direction (ingress, egress). */
  failures: string[];
  /** The same failing directions as data (SecurityGroupFixes turns them into details). */
  missing: MissingRule[];
  /** Set when the admission is unknown. */
  unknown: string | undefined;
  offenders: string[];
}

/** A group as texts name it: the cluster security group says so. */
function groupName(groupId: string, clusterGroupId: string | undefined): string {
  return groupId === clusterGroupId ? `${groupId} (cluster SG)` : groupId;
}

function groupNames(groups: IdSet, wording: AdmissionWording): string[] {
  return groups.ids.map((id) => groupName(id, wording.clusterGroupId));
}

function subjectOf(groups: readonly string[], max: number): string {
  if (groups.length === 0) return 'no security group allows';
  return `${listWithin(groups, max)} ${pluralDo(groups.length)} not allow`;
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
    const alone: FlowSide = {
      label: subnetId,
      groups: NO_GROUPS,
      subnets: { ids: [subnetId], unknown: [] },
      resourceId: undefined,
    };
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
  const missing: MissingRule[] = [];
  const offenders = new Set<string>();
  const { missingPrefixLists } = result;
  const prefixLists = missingPrefixListsPhrase(result);
  const budget = MESSAGE_BUDGET - wording.subject.length - prefixLists.length - 2;
  if (result.ingress === false) {
    const receivers = groupNames(to.groups, wording);
    const head = `${subjectOf(receivers, 70)} ${flow}`;
    const peers = uncoveredSubnets(view, from, 'ingress', to, protocol, port);
    const tail = peerPhrase('from', groupNames(from.groups, wording), peers, budget - head.length - 1);
    failures.push(`${wording.subject}: ${head} ${tail}${prefixLists}`);
    missing.push({
      direction: 'ingress',
      owner: to,
      peer: from,
      protocol,
      port,
      uncovered: peers,
      missingPrefixLists,
    });
    to.groups.ids.forEach((id) => offenders.add(id));
  }
  if (result.egress === false) {
    const senders = groupNames(from.groups, wording);
    const head = `${subjectOf(senders, 70)} ${flow} egress`;
    const peers = uncoveredSubnets(view, to, 'egress', from, protocol, port);
    const tail = peerPhrase('to', groupNames(to.groups, wording), peers, budget - head.length - 1);
    failures.push(`${wording.subject}: ${head} ${tail}${prefixLists}`);
    missing.push({
      direction: 'egress',
      owner: from,
      peer: to,
      protocol,
      port,
      uncovered: peers,
      missingPrefixLists,
    });
    from.groups.ids.forEach((id) => offenders.add(id));
  }
  const unknown =
    result.admitted === null
      ? `${wording.subject}: cannot tell whether security groups allow ${flow}: ${listWithin(
          result.unknownReasons.length > 0 ? [...new Set(result.unknownReasons)] : ['incomplete data'],
          MESSAGE_BUDGET - wording.subject.length - 60,
        )}`
      : undefined;
  return { failures, missing, unknown, offenders: [...offenders] };
}

/** One rule to add, and every flow that lacks it. */
interface PendingFix {
  missing: MissingRule;
  /** The group the rule goes on, and the group it names (undefined: the side shows none). */
  change: string | undefined;
  reference: string | undefined;
  flows: string[];
  ownerGroups: Set<string>;
  peerGroups: Set<string>;
  uncovered: Set<string>;
  missingPrefixLists: Set<string>;
  detail: Detail | undefined;
}

function addAll(set: Set<string>, items: readonly string[]): void {
  for (const item of items) set.add(item);
}

function pluralDo(count: number): string {
  return count === 1 ? 'does' : 'do';
}

/**
 * The fixes of failing admissions: per missing rule (direction, group to change, protocol/port,
 * group to name) one detail with one `aws ec2 authorize-security-group-ingress|egress` line,
 * listing every flow that lacks it, so a rule several endpoints lack is added once. The rule
 * names the other side's group, not a CIDR: SPEC §3 takes a reference to any group of a side
 * as admitting the whole side, and a reference needs no guess at which addresses to open.
 * Add every failing flow first, then ask for details.
 */
class SecurityGroupFixes {
  private readonly pending = new Map<string, PendingFix>();

  constructor(
    private readonly region: string,
    private readonly documentation: string,
    private readonly clusterGroupId: string | undefined,
  ) {}

  /** Records that `flow` (its words, e.g. "API server (nodes → control plane)") lacks `missing`; returns its key. */
  add(flow: string, missing: MissingRule): string {
    const { direction, owner, peer, protocol, port } = missing;
    const change = preferredGroup(owner.groups.ids, this.clusterGroupId);
    const reference = preferredGroup(peer.groups.ids, this.clusterGroupId);
    const key = `${direction} ${change ?? `(${owner.label})`} ${protocol}/${port} ${reference ?? `(${peer.label})`}`;
    let fix = this.pending.get(key);
    if (!fix) {
      fix = {
        missing,
        change,
        reference,
        flows: [],
        ownerGroups: new Set(),
        peerGroups: new Set(),
        uncovered: new Set(),
        missingPrefixLists: new Set(),
        detail: undefined,
      };
      this.pending.set(key, fix);
    }
    if (!fix.flows.includes(flow)) fix.flows.push(flow);
    addAll(fix.ownerGroups, owner.groups.ids);
    addAll(fix.peerGroups, peer.groups.ids);
    addAll(fix.uncovered, missing.uncovered);
    addAll(fix.missingPrefixLists, missing.missingPrefixLists);
    return key;
  }

  /** The detail of the fix `key` names (one object per key, made once). */
  detail(key: string): Detail {
    const fix = this.pending.get(key);
    if (!fix) throw new Error(`no security group fix ${key}`);
    return (fix.detail ??= this.build(fix));
  }

  private name(groupId: string): string {
    return groupName(groupId, this.clusterGroupId);
  }

  private build(fix: PendingFix): Detail {
    const { missing, change, reference } = fix;
    const { direction, owner, peer, protocol, port } = missing;
    const flow = `${protocol}/${port}`;
    const owners = [...fix.ownerGroups].map((id) => this.name(id));
    const peers = [...fix.peerGroups].map((id) => this.name(id));
    const uncovered = [...fix.uncovered];
    const lists = [...fix.missingPrefixLists];
    const what = direction === 'ingress' ? `${flow} from ${peer.label}` : `${flow} egress to ${peer.label}`;
    const lacking =
      owners.length === 0
        ? `no security group of ${owner.label} allows ${what}`
        : `${owners.join(', ')} ${pluralDo(owners.length)} not allow ${what}`;
    const names = [
      ...(peers.length > 0 ? [`names ${peers.join(', ')}`] : []),
      ...(uncovered.length > 0 ? [`covers ${uncovered.join(', ')}`] : []),
    ];
    const none = names.length > 0 ? ` (no rule ${names.join(' or ')})` : '';
    const prefixLists = lists.length > 0 ? `; ${lists.join(', ')} not in ec2.PrefixLists` : '';
    const head = `${fix.flows.join(', ')}: ${lacking}${none}${prefixLists}.`;
    const documentation = this.documentation;

    if (change === undefined) {
      return {
        resourceId: owner.resourceId ?? '',
        resourceType: resourceTypeOf(owner.resourceId ?? ''),
        problem: head,
        fix: {
          commands: [],
          decide:
            `${owner.label} has no security group in the snapshot to add a rule to. Decide which security group it ` +
            `should carry, attach it, and allow ${what} in it` +
            (reference === undefined ? '.' : ` (e.g. a rule naming ${this.name(reference)}).`),
          documentation,
        },
      };
    }
    if (reference === undefined) {
      const cidrs = uncovered.length > 0 ? ` (${uncovered.join(', ')})` : '';
      return {
        resourceId: change,
        resourceType: resourceTypeOf(change),
        problem: head,
        fix: {
          commands: [],
          decide:
            `${peer.label} shows no security group, so no rule can name one. Decide what ${this.name(change)} should ` +
            `allow: a security group that ${peer.label} carries, or the CIDRs of its subnets${cidrs}; then add an ${direction} rule ` +
            `for ${flow} with it.`,
          documentation,
        },
      };
    }
    const role = direction === 'ingress' ? 'source' : 'destination';
    const sides = direction === 'ingress' ? ['receiving', 'sending'] : ['sending', 'receiving'];
    const cluster =
      change === this.clusterGroupId || reference === this.clusterGroupId
        ? '; the cluster SG is the group EKS attaches to the control-plane ENIs and to managed nodes'
        : '';
    return {
      resourceId: change,
      resourceType: resourceTypeOf(change),
      problem:
        `${head} The command adds an ${direction} rule for ${flow} to ${this.name(change)} with ` +
        `${reference === change ? 'itself' : this.name(reference)} as the ${role}. A rule on any group of the ${sides[0]} side that names ` +
        `any group of the ${sides[1]} side admits the flow${cluster}.`,
      fix: {
        commands: [authorizeGroupReference(this.region, direction, change, protocol, port, reference)],
        documentation,
      },
    };
  }
}

/** A flow whose admission is not true, as explainAdmission explained it. */
export interface FailedAdmission {
  /** The flow in a fix's words, e.g. "API server (nodes → control plane)". */
  flow: string;
  explained: AdmissionExplanation;
  offenders: string[];
  /** False where the flow may not be required at all (an endpoint that may not be judged): unknown, not a violation. */
  definite: boolean;
}

/**
 * Reports failed admissions in their order (each one's failures, then its unknown), a definite
 * failure with its fix. All are known before any is reported, so a rule several flows lack is one
 * fix naming them all. Rules call it only when something failed: nothing is made for the rest.
 */
export function reportFailedAdmissions(
  verdict: Verdict,
  failed: readonly FailedAdmission[],
  {
    region,
    documentation,
    clusterGroupId,
  }: { region: string; documentation: string; clusterGroupId: string | undefined },
): void {
  const fixes = new SecurityGroupFixes(region, documentation, clusterGroupId);
  const keys = failed.map(({ flow, explained, definite }) =>
    definite ? explained.missing.map((missing) => fixes.add(flow, missing)) : [],
  );
  failed.forEach(({ explained, offenders, definite }, n) => {
    explained.failures.forEach((failure, i) => {
      if (definite) verdict.fail(failure, ...offenders).because(fixes.detail(keys[n]![i]!));
      else verdict.unknown(failure, ...offenders);
    });
    if (explained.unknown !== undefined) verdict.unknown(explained.unknown, ...offenders);
  });
}
