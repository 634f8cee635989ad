/**
 * Turns the look-ups of affectedResources into VPC ids (SPEC §8): one Describe call per resource kind, however many
 * ids of that kind the event named. A resource that no longer exists cannot be placed in a VPC, so the answer is the
 * whole Region (always correct, just costlier); any other read error propagates, so the invocation is retried rather
 * than silently checking too little.
 */
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, type DescribeClusterCommandOutput } from '@aws-sdk/client-eks';
import { isNotFoundError } from '../aws/errors';
import type { AwsReader } from '../aws/reader';
import type { AffectedResources, LookupKind, ResourceLookup } from './affected-resources';

export type VpcScope = { vpcIds: string[] } | { wholeRegion: true; reason: string };

type Page = Record<string, unknown> & { NextToken?: string };

interface Ec2Lookup {
  command: (ids: string[], token: string | undefined) => { input: object };
  /** The page member listing the resources, and each resource's own id field. */
  member: string;
  idField: string;
}

const EC2_LOOKUPS: Record<Exclude<LookupKind, 'cluster'>, Ec2Lookup> = {
  'security-group': {
    command: (GroupIds, NextToken) => new DescribeSecurityGroupsCommand({ GroupIds, NextToken }),
    member: 'SecurityGroups',
    idField: 'GroupId',
  },
  'route-table': {
    command: (RouteTableIds, NextToken) => new DescribeRouteTablesCommand({ RouteTableIds, NextToken }),
    member: 'RouteTables',
    idField: 'RouteTableId',
  },
  'network-acl': {
    command: (NetworkAclIds, NextToken) => new DescribeNetworkAclsCommand({ NetworkAclIds, NextToken }),
    member: 'NetworkAcls',
    idField: 'NetworkAclId',
  },
  subnet: {
    command: (SubnetIds, NextToken) => new DescribeSubnetsCommand({ SubnetIds, NextToken }),
    member: 'Subnets',
    idField: 'SubnetId',
  },
  'vpc-endpoint': {
    command: (VpcEndpointIds, NextToken) => new DescribeVpcEndpointsCommand({ VpcEndpointIds, NextToken }),
    member: 'VpcEndpoints',
    idField: 'VpcEndpointId',
  },
};

/** Raised inside this module when a named resource is gone; turned into a whole-Region scope. */
class Gone extends Error {}

async function vpcsOfEc2(
  reader: AwsReader,
  kind: Exclude<LookupKind, 'cluster'>,
  ids: string[],
): Promise<string[]> {
  const { command, member, idField } = EC2_LOOKUPS[kind];
  const pages = await reader.pages<Page>(
    'ec2',
    (token) => command(ids, token),
    (page) => page.NextToken,
  );
  const vpcById = new Map<string, string>();
  for (const page of pages) {
    for (const item of (page[member] as Record<string, unknown>[] | undefined) ?? []) {
      if (typeof item[idField] === 'string' && typeof item['VpcId'] === 'string') {
        vpcById.set(item[idField], item['VpcId']);
      }
    }
  }
  // EC2 answers NotFound for an unknown id, but a response that leaves one out means the same.
  return ids.map((id) => {
    const vpcId = vpcById.get(id);
    if (vpcId === undefined) throw new Gone(`${id} was not found`);
    return vpcId;
  });
}

/** EKS has no batch Describe: one DescribeCluster per named cluster. */
async function vpcsOfClusters(reader: AwsReader, names: string[]): Promise<string[]> {
  return Promise.all(
    names.map(async (name) => {
      const output = await reader.send<DescribeClusterCommandOutput>(
        'eks',
        new DescribeClusterCommand({ name }),
      );
      const vpcId = output.cluster?.resourcesVpcConfig?.vpcId;
      if (!vpcId) throw new Gone(`cluster ${name} has no VPC`);
      return vpcId;
    }),
  );
}

function idsByKind(lookups: readonly ResourceLookup[]): Map<LookupKind, string[]> {
  const byKind = new Map<LookupKind, string[]>();
  for (const { kind, id } of lookups) {
    const ids = byKind.get(kind) ?? [];
    if (!ids.includes(id)) ids.push(id);
    byKind.set(kind, ids);
  }
  return byKind;
}

/** The VPCs to re-check for `affected`, or the whole Region when they cannot be known. */
export async function resolveVpcs(reader: AwsReader, affected: AffectedResources): Promise<VpcScope> {
  if ('wholeRegion' in affected) return affected;
  if ('vpcIds' in affected) return { vpcIds: [...new Set(affected.vpcIds)].sort() };
  try {
    const resolved = await Promise.all(
      [...idsByKind(affected.lookups)].map(([kind, ids]) =>
        kind === 'cluster' ? vpcsOfClusters(reader, ids) : vpcsOfEc2(reader, kind, ids),
      ),
    );
    const vpcIds = [...new Set(resolved.flat())].sort();
    return vpcIds.length > 0
      ? { vpcIds }
      : { wholeRegion: true, reason: 'no VPC found for the named resources' };
  } catch (error) {
    if (error instanceof Gone) return { wholeRegion: true, reason: error.message };
    if (isNotFoundError(error)) return { wholeRegion: true, reason: (error as Error).message };
    throw error;
  }
}
