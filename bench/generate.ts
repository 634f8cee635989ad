/*
 * Large synthetic snapshots for the engine benchmark (and small drifted ones for the fuzz
 * tests): compliant private clusters from the shared fixture builder, one VPC each, with
 * some planted drift so the non-compliant paths are measured too.
 */
import {
  addPrivateCluster,
  emptySnapshot,
  type ClusterIds,
  type RawSnapshot,
} from '../testkit/private-cluster';

type Json = Record<string, unknown>;

/** The most recent entry with `key` = `id` (the fixture appends a cluster's resources at the end). */
function lastById(list: Json[], key: string, id: string): { item: Json; index: number } {
  for (let index = list.length - 1; index >= 0; index--) {
    if (list[index]![key] === id) return { item: list[index]!, index };
  }
  throw new Error(`generator: no ${key} ${id}`);
}

export interface Drift {
  name: string;
  /** Applied to every cluster whose index + 1 is a multiple of `every`. */
  every: number;
  apply(snapshot: RawSnapshot, ids: ClusterIds): void;
}

export const DRIFTS: readonly Drift[] = [
  {
    name: 'NACL denies tcp/443 from the VPC ahead of the allow',
    every: 7,
    apply(s, ids) {
      const { item: acl } = lastById(s.ec2.NetworkAcls, 'NetworkAclId', ids.networkAclId);
      const vpc = lastById(s.ec2.Vpcs, 'VpcId', ids.vpcId).item;
      const deny = {
        RuleNumber: 90,
        Egress: false,
        Protocol: '6',
        RuleAction: 'deny',
        CidrBlock: vpc.CidrBlock,
      };
      acl.Entries = [{ ...deny, PortRange: { From: 443, To: 443 } }, ...(acl.Entries as Json[])];
    },
  },
  {
    name: 'ecr.dkr endpoint missing',
    every: 5,
    apply(s, ids) {
      const { index } = lastById(s.ec2.VpcEndpoints, 'VpcEndpointId', ids.interfaceEndpointIds['ecr.dkr']!);
      s.ec2.VpcEndpoints.splice(index, 1);
    },
  },
  {
    name: 'API server endpoint public to 0.0.0.0/0',
    every: 11,
    apply(s, ids) {
      const { item: cluster } = lastById(s.eks.clusters, 'name', ids.name);
      Object.assign(cluster.resourcesVpcConfig as Json, {
        endpointPublicAccess: true,
        publicAccessCidrs: ['0.0.0.0/0'],
      });
    },
  },
  {
    name: 'default route to a NAT gateway in the node route table',
    every: 13,
    apply(s, ids) {
      const { item: table } = lastById(s.ec2.RouteTables, 'RouteTableId', ids.privateRouteTableId);
      (table.Routes as Json[]).push({
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: 'nat-0b3e9f1c2a7d64e85',
        Origin: 'CreateRoute',
        State: 'active',
      });
    },
  },
  {
    name: 'endpoint security group admits tcp/443 from one subnet only',
    every: 17,
    apply(s, ids) {
      const { item: group } = lastById(s.ec2.SecurityGroups, 'GroupId', ids.endpointSecurityGroupId);
      const { item: subnet } = lastById(s.ec2.Subnets, 'SubnetId', ids.subnetIds[0]!);
      (group.IpPermissions as Json[])[0]!.IpRanges = [{ CidrIp: subnet.CidrBlock }];
    },
  },
  {
    name: 'cluster subnet with 3 free IP addresses',
    every: 19,
    apply(s, ids) {
      lastById(s.ec2.Subnets, 'SubnetId', ids.subnetIds[2]!).item.AvailableIpAddressCount = 3;
    },
  },
];

/** `clusters` private clusters, each in its own VPC (3 subnets, 4 SGs, 5 endpoints, 2 NACLs, 2 route tables). */
export function generateSnapshot(clusters: number): { snapshot: RawSnapshot; driftedClusters: number } {
  const snapshot = emptySnapshot('eu-west-1', '111122223333');
  let driftedClusters = 0;
  for (let index = 0; index < clusters; index++) {
    const ids = addPrivateCluster(snapshot, { index });
    const drifts = DRIFTS.filter((d) => (index + 1) % d.every === 0);
    for (const drift of drifts) drift.apply(snapshot, ids);
    if (drifts.length > 0) driftedClusters++;
  }
  return { snapshot, driftedClusters };
}
