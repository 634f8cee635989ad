/**
 * The VPC of named resources, read from EC2/EKS: what the drift path (a CloudTrail event naming a security group,
 * a route table …) and the Config evaluator (a changed item that does not name its VPC) both need.
 */
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, type DescribeClusterCommandOutput } from '@aws-sdk/client-eks';
import type { AwsReader } from './reader';

export type ResourceKind =
  'security-group' | 'route-table' | 'network-acl' | 'subnet' | 'vpc-endpoint' | 'cluster';

type Page = Record<string, unknown> & { NextToken?: string };

interface Ec2Lookup {
  command: (ids: string[], token: string | undefined) => { input: object };
  /** The page member listing the resources, and each resource's own id field. */
  member: string;
  idField: string;
}

const EC2_LOOKUPS: Record<Exclude<ResourceKind, 'cluster'>, Ec2Lookup> = {
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

/**
 * VPC id by resource id for `ids` of one kind: one (paged) Describe call for an EC2 kind, however many ids; one
 * DescribeCluster per cluster, since EKS has no batch Describe. An id missing from the map was left out of the
 * answer (or has no VPC). Read errors propagate as AwsReadError, NotFound included: the callers decide what a
 * resource that is gone means.
 */
export async function readResourceVpcs(
  reader: AwsReader,
  kind: ResourceKind,
  ids: readonly string[],
): Promise<Map<string, string>> {
  const vpcById = new Map<string, string>();
  if (kind === 'cluster') {
    await Promise.all(
      ids.map(async (name) => {
        const output = await reader.send<DescribeClusterCommandOutput>(
          'eks',
          new DescribeClusterCommand({ name }),
        );
        const vpcId = output.cluster?.resourcesVpcConfig?.vpcId;
        if (vpcId) vpcById.set(name, vpcId);
      }),
    );
    return vpcById;
  }
  const { command, member, idField } = EC2_LOOKUPS[kind];
  const pages = await reader.pages<Page>(
    'ec2',
    (token) => command([...ids], token),
    (page) => page.NextToken,
  );
  for (const page of pages) {
    for (const item of (page[member] as Record<string, unknown>[] | undefined) ?? []) {
      if (typeof item[idField] === 'string' && typeof item['VpcId'] === 'string') {
        vpcById.set(item[idField], item['VpcId']);
      }
    }
  }
  return vpcById;
}
