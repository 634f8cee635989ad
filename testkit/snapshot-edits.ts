/*
 * Small edits and look-ups the rule tests share: find a resource of a raw snapshot by id
 * (a missing one throws, so a mistyped id fails loudly instead of editing nothing), build a
 * security group rule, drop whole sections, and chain mutations.
 */
import type { ClusterIds, RawSnapshot } from './private-cluster';

export type Json = Record<string, unknown>;

/**
 * Breaks something in a compliant snapshot. `ids` are the evaluated cluster's, `all` every
 * cluster's; a mutation that needs neither may take the snapshot alone.
 */
export type Mutation = (snapshot: RawSnapshot, ids: ClusterIds, all: ClusterIds[]) => void;

/** Runs `mutations` in order, as one. */
export function all(...mutations: Mutation[]): Mutation {
  return (snapshot, ids, every) => {
    for (const mutate of mutations) mutate(snapshot, ids, every);
  };
}

/** Deletes whole `ec2.*` sections, as a collector that could not read them leaves them out. */
export function withoutSection(...sections: (keyof RawSnapshot['ec2'])[]): (snapshot: RawSnapshot) => void {
  return (snapshot) => {
    for (const section of sections) delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>)[section];
  };
}

function byId(list: Json[], key: string, id: string, what: string): Json {
  const found = list.find((item) => item[key] === id);
  if (!found) throw new Error(`test snapshot has no ${what} ${id}`);
  return found;
}

export const subnet = (s: RawSnapshot, id: string): Json => byId(s.ec2.Subnets, 'SubnetId', id, 'subnet');

export const table = (s: RawSnapshot, id: string): Json =>
  byId(s.ec2.RouteTables, 'RouteTableId', id, 'route table');

export const endpoint = (s: RawSnapshot, id: string): Json =>
  byId(s.ec2.VpcEndpoints, 'VpcEndpointId', id, 'VPC endpoint');

export type SecurityGroup = Json & { IpPermissions: Json[]; IpPermissionsEgress: Json[]; Tags: Json[] };

export const group = (s: RawSnapshot, id: string): SecurityGroup =>
  byId(s.ec2.SecurityGroups, 'GroupId', id, 'security group') as SecurityGroup;

/** The testkit's node groups: the EKS cluster SG and the tagged node SG. */
export const nodeGroups = (s: RawSnapshot, ids: ClusterIds): SecurityGroup[] => [
  group(s, ids.clusterSecurityGroupId),
  group(s, ids.nodeSecurityGroupId),
];

/** `resourcesVpcConfig` of the snapshot's cluster number `index` (the first by default). */
export function vpcConfig(s: RawSnapshot, index = 0): Json {
  const cluster = s.eks.clusters[index];
  if (!cluster) throw new Error(`test snapshot has no cluster number ${index}`);
  return cluster.resourcesVpcConfig as Json;
}

/** The Interface endpoint the testkit made for `service`. */
export function iface(ids: ClusterIds, service: string): string {
  const id = ids.interfaceEndpointIds[service];
  if (!id) throw new Error(`${ids.name} has no Interface endpoint of ${service}`);
  return id;
}

export type Configuration = { Key?: string; Values?: { Value?: string }[] };

/** `DhcpConfigurations` of the snapshot's DHCP option set number `index` (the first by default). */
export function configurations(s: RawSnapshot, index = 0): Configuration[] {
  const options = s.ec2.DhcpOptions[index];
  if (!options) throw new Error(`test snapshot has no DHCP option set number ${index}`);
  return options.DhcpConfigurations as Configuration[];
}

/** One `IpPermissions` entry; tcp unless `protocol` says otherwise, no port range unless `from`. */
export function permission(fields: {
  protocol?: string;
  from?: number;
  to?: number;
  cidrs?: string[];
  ipv6?: string[];
  groups?: string[];
  prefixLists?: string[];
}): Json {
  return {
    IpProtocol: fields.protocol ?? 'tcp',
    ...(fields.from === undefined ? {} : { FromPort: fields.from, ToPort: fields.to ?? fields.from }),
    IpRanges: (fields.cidrs ?? []).map((CidrIp) => ({ CidrIp })),
    Ipv6Ranges: (fields.ipv6 ?? []).map((CidrIpv6) => ({ CidrIpv6 })),
    PrefixListIds: (fields.prefixLists ?? []).map((PrefixListId) => ({ PrefixListId })),
    UserIdGroupPairs: (fields.groups ?? []).map((GroupId) => ({ GroupId })),
  };
}
