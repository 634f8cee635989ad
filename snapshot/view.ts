import { snapshotCidr, type Cidr } from '../network/cidr';
import { partitionOfRegion } from './load';
import type {
  Cluster,
  DhcpOptionSet,
  FargateProfile,
  NetworkAcl,
  Nodegroup,
  RouteTable,
  SectionName,
  SecurityGroup,
  Snapshot,
  Subnet,
  Vpc,
  VpcAttributesValue,
  VpcEndpoint,
} from './schema';

/** A look-up that may be unknown: `reason` says what the snapshot lacks. */
export type Lookup<T> = { found: T; reason?: undefined } | { found?: undefined; reason: string };

function byId<T>(items: readonly T[] | undefined, id: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items ?? []) if (!map.has(id(item))) map.set(id(item), item);
  return map;
}

function groupBy<T>(items: readonly T[] | undefined, key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items ?? []) {
    const k = key(item);
    const list = map.get(k);
    if (list) list.push(item);
    else map.set(k, [item]);
  }
  return map;
}

/** A route table association in effect: `associated`, or of a state the snapshot leaves out. */
export const isActiveAssociation = (association: {
  AssociationState?: { State?: string } | undefined;
}): boolean => {
  const state = association.AssociationState?.State;
  return state === undefined || state === 'associated';
};
const CLUSTER_TAG_PREFIX = 'kubernetes.io/cluster/';

/**
 * An indexed, read-only view of one snapshot, built once, so rules look resources up by
 * id or VPC instead of scanning lists. It answers SPEC §3's "effective route table" and
 * "NACL of a subnet" fall-backs, including when they are unknown.
 */
export class SnapshotView {
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly clusters: readonly Cluster[];

  private readonly vpcs: Map<string, Vpc>;
  private readonly subnets: Map<string, Subnet>;
  private readonly securityGroups: Map<string, SecurityGroup>;
  private readonly routeTables: Map<string, RouteTable>;
  private readonly networkAcls: Map<string, NetworkAcl>;
  private readonly endpoints: Map<string, VpcEndpoint>;
  private readonly dhcpOptionSets: Map<string, DhcpOptionSet>;
  private readonly prefixLists: Map<string, Cidr[]>;
  private readonly subnetsByVpc: Map<string, Subnet[]>;
  private readonly endpointsByVpc: Map<string, VpcEndpoint[]>;
  private readonly clusterTaggedGroups = new Map<string, SecurityGroup[]>(); // `${vpcId} ${clusterName}`
  // Lookups, not bare resources: rules ask for a subnet's table and ACL many times per cluster.
  private readonly tableBySubnet = new Map<string, Lookup<RouteTable>>();
  private readonly mainTableByVpc = new Map<string, Lookup<RouteTable>>();
  private readonly aclBySubnet = new Map<string, Lookup<NetworkAcl>>();
  private readonly defaultAclByVpc = new Map<string, Lookup<NetworkAcl>>();
  private readonly subnetCidrCache = new Map<string, Lookup<readonly Cidr[]>>();

  constructor(readonly snapshot: Snapshot) {
    const ec2 = snapshot.ec2 ?? {};
    this.accountId = snapshot.accountId;
    this.region = snapshot.region;
    this.partition = snapshot.partition ?? partitionOfRegion(snapshot.region);
    this.clusters = snapshot.eks.clusters;

    this.vpcs = byId(ec2.Vpcs, (v) => v.VpcId);
    this.subnets = byId(ec2.Subnets, (s) => s.SubnetId);
    this.securityGroups = byId(ec2.SecurityGroups, (g) => g.GroupId);
    this.routeTables = byId(ec2.RouteTables, (t) => t.RouteTableId);
    this.networkAcls = byId(ec2.NetworkAcls, (a) => a.NetworkAclId);
    this.endpoints = byId(ec2.VpcEndpoints, (e) => e.VpcEndpointId);
    this.dhcpOptionSets = byId(ec2.DhcpOptions, (d) => d.DhcpOptionsId);
    this.prefixLists = new Map(
      (ec2.PrefixLists ?? []).map((pl) => [pl.PrefixListId, pl.Cidrs.map((c) => this.cidr(c)!)]),
    );
    this.subnetsByVpc = groupBy(ec2.Subnets, (s) => s.VpcId);
    this.endpointsByVpc = groupBy(ec2.VpcEndpoints, (e) => e.VpcId);

    for (const group of ec2.SecurityGroups ?? []) {
      for (const tag of group.Tags) {
        if (!tag.Key?.startsWith(CLUSTER_TAG_PREFIX)) continue;
        const key = `${group.VpcId} ${tag.Key.slice(CLUSTER_TAG_PREFIX.length)}`;
        const list = this.clusterTaggedGroups.get(key);
        if (list) list.push(group);
        else this.clusterTaggedGroups.set(key, [group]);
      }
    }
    for (const table of ec2.RouteTables ?? []) {
      for (const association of table.Associations) {
        if (!isActiveAssociation(association)) continue;
        if (association.Main === true && !this.mainTableByVpc.has(table.VpcId))
          this.mainTableByVpc.set(table.VpcId, { found: table });
        if (association.SubnetId && !this.tableBySubnet.has(association.SubnetId)) {
          this.tableBySubnet.set(association.SubnetId, { found: table });
        }
      }
    }
    for (const acl of ec2.NetworkAcls ?? []) {
      if (acl.IsDefault === true && !this.defaultAclByVpc.has(acl.VpcId))
        this.defaultAclByVpc.set(acl.VpcId, { found: acl });
      for (const association of acl.Associations) {
        if (association.SubnetId && !this.aclBySubnet.has(association.SubnetId)) {
          this.aclBySubnet.set(association.SubnetId, { found: acl });
        }
      }
    }
  }

  /** Whether the snapshot holds section `ec2.<name>` (an empty list counts as held). */
  has(section: SectionName): boolean {
    return this.snapshot.ec2?.[section] !== undefined;
  }

  vpc(id: string): Vpc | undefined {
    return this.vpcs.get(id);
  }
  vpcAttributes(vpcId: string): VpcAttributesValue | undefined {
    const attributes = this.snapshot.ec2?.VpcAttributes;
    return attributes && Object.prototype.hasOwnProperty.call(attributes, vpcId)
      ? attributes[vpcId]
      : undefined;
  }
  subnet(id: string): Subnet | undefined {
    return this.subnets.get(id);
  }
  securityGroup(id: string): SecurityGroup | undefined {
    return this.securityGroups.get(id);
  }
  routeTable(id: string): RouteTable | undefined {
    return this.routeTables.get(id);
  }
  networkAcl(id: string): NetworkAcl | undefined {
    return this.networkAcls.get(id);
  }
  endpoint(id: string): VpcEndpoint | undefined {
    return this.endpoints.get(id);
  }
  dhcpOptions(id: string): DhcpOptionSet | undefined {
    return this.dhcpOptionSets.get(id);
  }
  /** The CIDRs of a prefix list, or undefined when `ec2.PrefixLists` does not hold it. */
  prefixListCidrs(id: string): readonly Cidr[] | undefined {
    return this.prefixLists.get(id);
  }
  subnetsInVpc(vpcId: string): readonly Subnet[] {
    return this.subnetsByVpc.get(vpcId) ?? [];
  }
  endpointsInVpc(vpcId: string): readonly VpcEndpoint[] {
    return this.endpointsByVpc.get(vpcId) ?? [];
  }
  /** Security groups of the VPC tagged `kubernetes.io/cluster/<clusterName>`. */
  clusterTaggedSecurityGroups(vpcId: string, clusterName: string): readonly SecurityGroup[] {
    return this.clusterTaggedGroups.get(`${vpcId} ${clusterName}`) ?? [];
  }
  nodegroupsOf(clusterName: string): readonly Nodegroup[] {
    return this.snapshot.eks.nodegroups?.[clusterName] ?? [];
  }
  fargateProfilesOf(clusterName: string): readonly FargateProfile[] {
    return this.snapshot.eks.fargateProfiles?.[clusterName] ?? [];
  }

  /** Parses a CIDR from the snapshot (validated at load, so only bad input yields undefined). */
  cidr(text: string): Cidr | undefined {
    return snapshotCidr(text);
  }

  /** SPEC §3 "subnet CIDR": the IPv4 block, or an IPv6-only subnet's IPv6 blocks. */
  subnetCidrs(subnetId: string): Lookup<readonly Cidr[]> {
    let cidrs = this.subnetCidrCache.get(subnetId);
    if (!cidrs) {
      cidrs = this.readSubnetCidrs(subnetId);
      this.subnetCidrCache.set(subnetId, cidrs);
    }
    return cidrs;
  }

  private readSubnetCidrs(subnetId: string): Lookup<readonly Cidr[]> {
    const subnet = this.subnets.get(subnetId);
    if (!subnet) return { reason: `${subnetId} is not in ec2.Subnets` };
    if (subnet.CidrBlock) return { found: [this.cidr(subnet.CidrBlock)!] };
    const v6 = subnet.Ipv6CidrBlockAssociationSet.flatMap((a) =>
      a.Ipv6CidrBlock ? [this.cidr(a.Ipv6CidrBlock)!] : [],
    );
    return v6.length > 0 ? { found: v6 } : { reason: `${subnetId} has no CidrBlock` };
  }

  /** SPEC §3 "effective route table": the associated table, else the VPC's main table. */
  effectiveRouteTable(subnetId: string, vpcId: string): Lookup<RouteTable> {
    const associated = this.tableBySubnet.get(subnetId);
    if (associated) return associated;
    if (!this.has('RouteTables')) return { reason: 'snapshot has no ec2.RouteTables' };
    if (this.has('Subnets') && !this.subnets.has(subnetId))
      return { reason: `${subnetId} is not in ec2.Subnets` };
    return this.mainTableByVpc.get(vpcId) ?? { reason: `no main route table of ${vpcId} in ec2.RouteTables` };
  }

  /** SPEC §3 "NACL of a subnet": the associated ACL, else the VPC's default ACL. */
  networkAclOf(subnetId: string, vpcId: string): Lookup<NetworkAcl> {
    const associated = this.aclBySubnet.get(subnetId);
    if (associated) return associated;
    if (!this.has('NetworkAcls')) return { reason: 'snapshot has no ec2.NetworkAcls' };
    if (this.has('Subnets') && !this.subnets.has(subnetId))
      return { reason: `${subnetId} is not in ec2.Subnets` };
    return (
      this.defaultAclByVpc.get(vpcId) ?? { reason: `no default network ACL of ${vpcId} in ec2.NetworkAcls` }
    );
  }
}
