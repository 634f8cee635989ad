/**
 * What one drift event asks us to re-check (SPEC §8). Pure: it reads only the event, so the handler decides how to
 * resolve look-ups (and falls back to the whole Region when one fails).
 *
 * CloudTrail records EC2 calls in the query API's shapes, which differ by action (flat `groupId`, wrapped
 * `ModifySecurityGroupRulesRequest.GroupId`, `{tag, content}` list members, …) and have changed over time, so every
 * field is read defensively: anything unexpected yields `wholeRegion`, which is always correct, just costlier.
 */
import type { ResourceKind } from '../aws/resource-vpcs';
import { readCloudTrailEvent, type CloudTrailCall } from '../event-schemas/cloudtrail-event';
import { readField } from '../event-schemas/read-field';
import { isDriftEventName, type DriftEventName } from './event-pattern';
import { EKS_CLUSTER_NAME as CLUSTER_NAME } from '../engine/eks-cluster-name';

export type LookupKind = ResourceKind;

export interface ResourceLookup {
  kind: LookupKind;
  id: string;
}

export type AffectedResources =
  { vpcIds: string[] } | { lookups: ResourceLookup[] } | { wholeRegion: true; reason: string };

type Extractor = (request: unknown, response: unknown) => AffectedResources | string;

const EC2_ID_PREFIX = {
  vpc: 'vpc',
  'security-group': 'sg',
  'route-table': 'rtb',
  'network-acl': 'acl',
  subnet: 'subnet',
  'vpc-endpoint': 'vpce',
} as const;

function isEc2Id(kind: keyof typeof EC2_ID_PREFIX, value: unknown): value is string {
  return typeof value === 'string' && new RegExp(`^${EC2_ID_PREFIX[kind]}-[0-9a-f]{8,32}$`).test(value);
}

/**
 * Ids from a query-API list as CloudTrail records it: a bare string, a `{tag, content}` member, an array of either,
 * or an `{items: [...]}` wrapper whose elements carry the id under `itemKey`.
 */
function listedIds(value: unknown, itemKey?: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((element) => listedIds(element, itemKey));
  if (typeof value === 'string') return [value];
  const items = readField(value, 'items');
  if (Array.isArray(items)) return items.map((item) => (itemKey ? readField(item, itemKey) : item));
  const content = readField(value, 'content');
  return content === undefined ? [] : [content];
}

function unique<T>(values: T[]): T[] {
  return [...new Set(values)];
}

function vpcs(...candidates: unknown[]): AffectedResources | undefined {
  const ids = unique(candidates.filter((c) => isEc2Id('vpc', c)));
  return ids.length > 0 ? { vpcIds: ids } : undefined;
}

function lookups(kind: LookupKind, candidates: unknown[]): AffectedResources | undefined {
  const valid =
    kind === 'cluster'
      ? candidates.filter((c): c is string => typeof c === 'string' && CLUSTER_NAME.test(c))
      : candidates.filter((c) => isEc2Id(kind, c));
  const ids = unique(valid);
  return ids.length > 0 ? { lookups: ids.map((id) => ({ kind, id })) } : undefined;
}

function securityGroup(request: unknown, response: unknown): AffectedResources | string {
  return (
    lookups('security-group', [
      readField(request, 'groupId'),
      readField(request, 'GroupId'),
      ...listedIds(readField(response, 'securityGroupRuleSet'), 'groupId'),
      ...listedIds(readField(response, 'revokedSecurityGroupRuleSet'), 'groupId'),
    ]) ?? 'no security group id (a call by group name cannot be placed in a VPC without a look-up by name)'
  );
}

function routeTable(request: unknown): AffectedResources | string {
  return lookups('route-table', [readField(request, 'routeTableId')]) ?? 'no route table id';
}

function networkAcl(request: unknown): AffectedResources | string {
  return lookups('network-acl', [readField(request, 'networkAclId')]) ?? 'no network ACL id';
}

function vpcAttribute(request: unknown): AffectedResources | string {
  return vpcs(readField(request, 'vpcId')) ?? 'no VPC id';
}

function clusterName(request: unknown): unknown[] {
  return [readField(request, 'name'), readField(request, 'clusterName')];
}

function clusterCreatedOrDeleted(request: unknown, response: unknown): AffectedResources | string {
  return (
    vpcs(readField(response, 'cluster', 'resourcesVpcConfig', 'vpcId')) ??
    lookups('cluster', clusterName(request)) ??
    'no cluster VPC or name'
  );
}

const EXTRACTORS: Record<DriftEventName, Extractor> = {
  CreateVpcEndpoint: (request, response) =>
    vpcs(
      readField(request, 'CreateVpcEndpointRequest', 'VpcId'),
      readField(response, 'CreateVpcEndpointResponse', 'vpcEndpoint', 'vpcId'),
    ) ?? 'no VPC id in the endpoint request or response',
  ModifyVpcEndpoint: (request) =>
    lookups('vpc-endpoint', listedIds(readField(request, 'ModifyVpcEndpointRequest', 'VpcEndpointId'))) ??
    'no VPC endpoint id',
  DeleteVpcEndpoints: (request) =>
    lookups('vpc-endpoint', listedIds(readField(request, 'DeleteVpcEndpointsRequest', 'VpcEndpointId'))) ??
    'no VPC endpoint id',
  AuthorizeSecurityGroupIngress: securityGroup,
  AuthorizeSecurityGroupEgress: securityGroup,
  RevokeSecurityGroupIngress: securityGroup,
  RevokeSecurityGroupEgress: securityGroup,
  ModifySecurityGroupRules: (request) =>
    lookups('security-group', [
      readField(request, 'ModifySecurityGroupRulesRequest', 'GroupId'),
      readField(request, 'groupId'),
      readField(request, 'GroupId'),
    ]) ?? 'no security group id',
  // The group is gone, so describing it cannot place it in a VPC any more.
  DeleteSecurityGroup: () => 'a deleted security group can no longer be looked up',
  AssociateDhcpOptions: vpcAttribute,
  ModifyVpcAttribute: vpcAttribute,
  CreateRoute: routeTable,
  ReplaceRoute: routeTable,
  DeleteRoute: routeTable,
  AssociateRouteTable: (request) =>
    lookups('route-table', [readField(request, 'routeTableId')]) ??
    lookups('subnet', [readField(request, 'subnetId')]) ??
    'no route table or subnet id',
  ReplaceRouteTableAssociation: routeTable,
  // Only the association id is recorded, and the association no longer exists once the call succeeded.
  DisassociateRouteTable: () => 'only a route table association id, which no longer exists after the call',
  CreateNetworkAclEntry: networkAcl,
  ReplaceNetworkAclEntry: networkAcl,
  DeleteNetworkAclEntry: networkAcl,
  ReplaceNetworkAclAssociation: networkAcl,
  ModifySubnetAttribute: (request) => lookups('subnet', [readField(request, 'subnetId')]) ?? 'no subnet id',
  UpdateClusterConfig: (request) => lookups('cluster', clusterName(request)) ?? 'no cluster name',
  CreateCluster: clusterCreatedOrDeleted,
  DeleteCluster: clusterCreatedOrDeleted,
};

/** What to re-check after `event` (an EventBridge "AWS API Call via CloudTrail" event). Never throws. */
export function affectedResources(event: unknown): AffectedResources {
  return affectedResourcesOfCall(readCloudTrailEvent(event));
}

/** The same, for an event already read with readCloudTrailEvent. */
export function affectedResourcesOfCall({ detail }: CloudTrailCall): AffectedResources {
  if (detail === undefined) return { wholeRegion: true, reason: 'event has no detail' };
  const eventName = detail.eventName;
  if (!isDriftEventName(eventName)) {
    const shown = eventName === undefined ? 'missing or not a string' : `"${eventName}"`;
    return { wholeRegion: true, reason: `unrecognised event name ${shown}` };
  }
  const outcome = EXTRACTORS[eventName](detail.requestParameters, detail.responseElements);
  return typeof outcome === 'string' ? { wholeRegion: true, reason: `${eventName}: ${outcome}` } : outcome;
}
