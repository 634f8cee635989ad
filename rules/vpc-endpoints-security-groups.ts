import type { ClusterContext, IdSet } from '../engine/cluster-context';
import { MAX_ANNOTATION } from '../engine/findings';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { judgedInterfaceEndpoints } from '../network/endpoints';
import {
  securityGroupsAdmit,
  type AdmissionResult,
  type FlowSide,
  type Protocol,
} from '../network/security-groups';
import type { SnapshotView } from '../snapshot/view';
import type { VpcEndpoint } from '../snapshot/schema';

const NO_GROUPS: IdSet = { ids: [], unknown: [] };

/** One message's share of an annotation: the rest is room for Verdict's "… (+N more)". */
export const MESSAGE_BUDGET = MAX_ANNOTATION - 16;

/**
 * Joins `items` with ", " within `max` characters; what does not fit is counted ("+2 more"),
 * so a long list never pushes the rest of an annotation past AWS Config's limit.
 */
export function listWithin(items: readonly string[], max: number): string {
  let text = '';
  for (let i = 0; i < items.length; i++) {
    const candidate = text ? `${text}, ${items[i]}` : items[i]!;
    const rest = items.length - i - 1;
    if (candidate.length + (rest > 0 ? ` +${rest} more`.length : 0) <= max) {
      text = candidate;
      continue;
    }
    const more = `+${items.length - i} more`;
    return text ? `${text} ${more}` : more;
  }
  return text;
}

export function nodesSide(ctx: ClusterContext): FlowSide {
  return { label: 'nodes', groups: ctx.nodeSecurityGroups, subnets: ctx.nodeSubnets };
}

export function controlPlaneSide(ctx: ClusterContext): FlowSide {
  return { label: 'control plane', groups: ctx.controlPlaneSecurityGroups, subnets: ctx.clusterSubnets };
}

function endpointSide(endpoint: VpcEndpoint): FlowSide {
  const groupIds = endpoint.Groups.flatMap((g) => (g.GroupId === undefined ? [] : [g.GroupId]));
  const unnamed = groupIds.length < endpoint.Groups.length;
  return {
    label: endpoint.VpcEndpointId,
    groups: {
      ids: groupIds,
      unknown: unnamed ? [`${endpoint.VpcEndpointId} lists a security group without GroupId`] : [],
    },
    subnets: { ids: endpoint.SubnetIds, unknown: [] },
  };
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

/**
 * Interface endpoints answer on tcp/443 at ENIs guarded by their own security groups; nodes
 * that cannot reach them cannot pull images, get credentials or call EC2 in a private VPC.
 */
export const vpcEndpointsSecurityGroups: Rule = {
  meta: {
    id: 'VPC_ENDPOINTS_SECURITY_GROUPS',
    title: 'Security groups allow nodes to reach the VPC interface endpoints on tcp/443',
    severity: 'critical',
    rationale:
      'In a private cluster every call to ECR, STS, EC2 and the other required services goes to interface endpoint ENIs on tcp/443. If the endpoint security groups do not admit the nodes, or the node security groups do not let the traffic out, image pulls, IAM roles for service accounts and node bootstrap time out.',
    remediation:
      'Allow HTTPS from the nodes on each endpoint security group, e.g. aws ec2 authorize-security-group-ingress --group-id <endpoint-sg> --protocol tcp --port 443 --source-group <node-sg> (or --cidr <node subnet CIDR>), and make sure the node security groups allow tcp/443 egress to the endpoint subnets or group.',
    parameters: ['requiredServices', 'nodeSecurityGroupIds', 'nodeSubnetIds'],
    needs: ['VpcEndpoints', 'SecurityGroups', 'Subnets'],
    shortCut: (params) =>
      params.requiredServices.length === 0
        ? { compliance: 'NOT_APPLICABLE', annotation: 'requiredServices is empty: no endpoint is required' }
        : undefined,
  },
  evaluate(ctx, params) {
    const verdict = new Verdict();
    const nodes = nodesSide(ctx);
    const clusterGroupId = ctx.cluster.resourcesVpcConfig.clusterSecurityGroupId;
    const judged = judgedInterfaceEndpoints(ctx.view, ctx.vpcId, params.requiredServices);
    // Endpoints usually share one security group and the same subnets: decide each pair once.
    const admissions = new Map<string, AdmissionResult>();
    for (const { endpoint, service, member } of judged) {
      const side = endpointSide(endpoint);
      const key = `${side.groups.ids.join()} ${side.groups.unknown.length} ${side.subnets.ids.join()}`;
      let result = admissions.get(key);
      if (!result) admissions.set(key, (result = securityGroupsAdmit(ctx.view, nodes, side, 'tcp', 443)));
      if (result.admitted === true) continue;
      // An endpoint that may not be judged at all cannot make the cluster non-compliant.
      const subject = `${endpoint.VpcEndpointId} (${service})${member === true ? '' : ' if it is judged'}`;
      const explained = explainAdmission(ctx.view, nodes, side, 'tcp', 443, result, {
        subject,
        clusterGroupId,
      });
      const offenders = [endpoint.VpcEndpointId, ...explained.offenders];
      for (const failure of explained.failures) {
        if (member === true) verdict.fail(failure, ...offenders);
        else verdict.unknown(failure, ...offenders);
      }
      if (explained.unknown !== undefined) verdict.unknown(explained.unknown, ...offenders);
    }
    const count = judged.length;
    return verdict.outcome(
      count === 0
        ? 'no judged interface endpoint in the VPC'
        : `security groups allow tcp/443 from the nodes to ${count} judged interface endpoint${count === 1 ? '' : 's'}`,
    );
  },
};
