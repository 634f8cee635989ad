/**
 * Which VPCs one configuration change touches (SPEC §7): every cluster of those VPCs is re-evaluated. The item's own
 * fields are used when they name the VPC; an oversized summary, or an item that does not, is resolved by reading the
 * resource. A resource that no longer exists resolves to the whole Region, which is always correct, only costlier.
 */
import { DescribeVpcsCommand, type DescribeVpcsCommandOutput } from '@aws-sdk/client-ec2';
import { isNotFoundError } from '../aws/errors';
import type { AwsReader } from '../aws/reader';
import { readResourceVpcs, type ResourceKind } from '../aws/resource-vpcs';
import { readField } from '../event-schemas/read-field';
import type { ItemFacts } from './notification';

export const CLUSTER_TYPE = 'AWS::EKS::Cluster';

/** SPEC §7's scope: the resource types whose changes trigger the rules. */
export const SCOPE_RESOURCE_TYPES = [
  CLUSTER_TYPE,
  'AWS::EC2::VPC',
  'AWS::EC2::Subnet',
  'AWS::EC2::RouteTable',
  'AWS::EC2::NetworkAcl',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::VPCEndpoint',
  'AWS::EC2::DHCPOptions',
] as const;

export type CollectionTarget =
  | { vpcIds: string[] }
  | { wholeRegion: true; reason: string }
  /** The changed cluster itself no longer exists. */
  | { clusterGone: string }
  | { nothing: string };

type Json = Record<string, unknown>;

const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
const DELETED = new Set(['ResourceDeleted', 'ResourceDeletedNotRecorded']);

function vpcIdsIn(...candidates: unknown[]): string[] {
  return [...new Set(candidates.filter((c): c is string => typeof c === 'string' && VPC_ID.test(c)))].sort();
}

/** VPC ids among the item's relationships (`Is contained in Vpc`, `Is associated with Vpc`). */
function relatedVpcs(item: Json): string[] {
  const relationships = Array.isArray(item.relationships) ? item.relationships : [];
  return vpcIdsIn(
    ...relationships
      .filter((r) => readField(r, 'resourceType') === 'AWS::EC2::VPC')
      .map((r) => readField(r, 'resourceId')),
  );
}

/** What the full item says, without any read; undefined = it does not say. */
export function targetFromItem(resource: ItemFacts): CollectionTarget | undefined {
  const { resourceType, resourceId, item } = resource;
  if (!(SCOPE_RESOURCE_TYPES as readonly string[]).includes(resourceType)) {
    return { nothing: `${resourceType} is outside the rules' scope` };
  }
  if (resourceType === CLUSTER_TYPE && resource.status && DELETED.has(resource.status)) {
    return { clusterGone: resourceId };
  }
  if (resourceType === 'AWS::EC2::VPC' && VPC_ID.test(resourceId)) return { vpcIds: [resourceId] };
  if (!item) return undefined;
  const configuration = item.configuration;
  const own =
    resourceType === CLUSTER_TYPE
      ? vpcIdsIn(
          readField(configuration, 'resourcesVpcConfig', 'vpcId'),
          readField(configuration, 'ResourcesVpcConfig', 'VpcId'),
          readField(item, 'resourcesVpcConfig', 'vpcId'),
        )
      : // EC2 items use the API's lower camel case; newer (CloudFormation-schema) types such as VPCEndpoint use VpcId.
        vpcIdsIn(readField(configuration, 'vpcId'), readField(configuration, 'VpcId'));
  const vpcIds = own.length > 0 ? own : relatedVpcs(item);
  if (vpcIds.length > 0) return { vpcIds };
  if (resourceType === 'AWS::EC2::DHCPOptions') {
    return { wholeRegion: true, reason: `${resourceId}: the item names no VPC using it` };
  }
  return undefined;
}

/** The resource kinds a changed item can be placed by, in aws/resource-vpcs.ts's terms. */
const KIND_OF_TYPE: Record<string, ResourceKind> = {
  [CLUSTER_TYPE]: 'cluster',
  'AWS::EC2::Subnet': 'subnet',
  'AWS::EC2::RouteTable': 'route-table',
  'AWS::EC2::NetworkAcl': 'network-acl',
  'AWS::EC2::SecurityGroup': 'security-group',
  'AWS::EC2::VPCEndpoint': 'vpc-endpoint',
};

/** The VPC(s) of one resource, read from EC2/EKS; an empty list = the resource is gone. */
async function readVpcIds(reader: AwsReader, type: string, id: string): Promise<string[]> {
  const kind = KIND_OF_TYPE[type];
  if (kind === undefined) return [];
  return vpcIdsIn((await readResourceVpcs(reader, kind, [id])).get(id));
}

/** Every VPC that uses a DHCP option set (all pages). */
async function vpcsUsingDhcpOptions(reader: AwsReader, dhcpOptionsId: string): Promise<string[]> {
  const pages = await reader.pages<DescribeVpcsCommandOutput>(
    'ec2',
    (NextToken) =>
      new DescribeVpcsCommand({ Filters: [{ Name: 'dhcp-options-id', Values: [dhcpOptionsId] }], NextToken }),
    (page) => page.NextToken,
  );
  return vpcIdsIn(...pages.flatMap((p) => p.Vpcs ?? []).map((v) => v.VpcId));
}

/**
 * The collection target of a changed resource: from the item when it names the VPC, else by reading the resource.
 * Read errors other than "not found" propagate (the invocation fails and Lambda retries).
 */
export async function resolveTarget(reader: AwsReader, resource: ItemFacts): Promise<CollectionTarget> {
  const fromItem = targetFromItem(resource);
  if (fromItem) return fromItem;
  const { resourceType, resourceId } = resource;
  if (resourceType === 'AWS::EC2::DHCPOptions') {
    const vpcIds = await vpcsUsingDhcpOptions(reader, resourceId);
    return vpcIds.length > 0 ? { vpcIds } : { nothing: `no VPC uses ${resourceId}` };
  }
  let vpcIds: string[];
  try {
    vpcIds = await readVpcIds(reader, resourceType, resourceId);
  } catch (error) {
    if (!isNotFoundError(error)) throw error;
    vpcIds = [];
  }
  if (vpcIds.length > 0) return { vpcIds };
  if (resourceType === CLUSTER_TYPE) return { clusterGone: resourceId };
  return {
    wholeRegion: true,
    reason: `${resourceType} ${resourceId} no longer exists, so its VPC is unknown`,
  };
}
