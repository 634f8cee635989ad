/*
 * Builds raw snapshots (SPEC §2 JSON, as `aws ec2 describe-*` prints it) of fully compliant
 * private EKS clusters, one cluster per VPC. Tests clone one and break exactly one thing;
 * the benchmark generates thousands. Shapes follow the EC2/EKS API references.
 */

export interface ClusterOptions {
  region?: string;
  accountId?: string;
  /** Distinguishes ids of several clusters in one snapshot. */
  index?: number;
  name?: string;
  /** Interface-endpoint services besides s3 (Gateway); default ec2, ecr.api, ecr.dkr, sts. */
  interfaceServices?: string[];
}

type Json = Record<string, unknown>;

export interface RawSnapshot {
  schemaVersion: 1;
  accountId: string;
  region: string;
  partition?: string;
  capturedAt?: string;
  eks: { clusters: Json[]; nodegroups: Record<string, Json[]>; fargateProfiles?: Record<string, Json[]> };
  ec2: {
    Vpcs: Json[];
    VpcAttributes: Record<string, Json>;
    Subnets: Json[];
    RouteTables: Json[];
    NetworkAcls: Json[];
    SecurityGroups: Json[];
    VpcEndpoints: Json[];
    DhcpOptions: Json[];
    PrefixLists: Json[];
  };
}

/** A 17-hex-digit resource id, distinct per (kind, cluster index, ordinal). */
export function resourceId(prefix: string, index: number, ordinal = 0): string {
  const kind = [...prefix].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % 16;
  return `${prefix}-0${kind.toString(16)}${ordinal.toString(16)}${index.toString(16).padStart(14, '0')}`;
}

/** China Regions name several PrivateLink services `cn.com.amazonaws.<region>.<service>`. */
export function serviceName(region: string, service: string): string {
  const chinaPrefixed = region.startsWith('cn-') && ['ecr.api', 'ecr.dkr', 'sts', 'logs'].includes(service);
  return `${chinaPrefixed ? 'cn.' : ''}com.amazonaws.${region}.${service}`;
}

function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

export function emptySnapshot(region = 'eu-west-1', accountId = '111122223333'): RawSnapshot {
  return {
    schemaVersion: 1,
    accountId,
    region,
    capturedAt: '2026-11-22T10:00:00Z',
    eks: { clusters: [], nodegroups: {} },
    ec2: {
      Vpcs: [],
      VpcAttributes: {},
      Subnets: [],
      RouteTables: [],
      NetworkAcls: [],
      SecurityGroups: [],
      VpcEndpoints: [],
      DhcpOptions: [],
      PrefixLists: [],
    },
  };
}

/** Well-known ids of one generated cluster, so tests can find what to break. */
export interface ClusterIds {
  name: string;
  vpcId: string;
  subnetIds: string[];
  clusterSecurityGroupId: string;
  controlPlaneSecurityGroupId: string;
  nodeSecurityGroupId: string;
  endpointSecurityGroupId: string;
  privateRouteTableId: string;
  mainRouteTableId: string;
  networkAclId: string;
  defaultNetworkAclId: string;
  dhcpOptionsId: string;
  s3GatewayEndpointId: string;
  interfaceEndpointIds: Record<string, string>;
  s3PrefixListId: string;
}

const AZ_SUFFIXES = ['a', 'b', 'c'];

/** Adds one compliant private cluster (and its VPC) to `snapshot`; returns its ids. */
export function addPrivateCluster(snapshot: RawSnapshot, options: ClusterOptions = {}): ClusterIds {
  const region = snapshot.region;
  const i = options.index ?? snapshot.eks.clusters.length;
  const name = options.name ?? `prod-${i}`;
  const second = i % 256;
  const vpcCidr = `10.${second}.0.0/16`;
  const id = (prefix: string, ordinal = 0) => resourceId(prefix, i, ordinal);
  const vpcId = id('vpc');
  const subnetIds = AZ_SUFFIXES.map((_, n) => id('subnet', n));
  const subnetCidrs = AZ_SUFFIXES.map((_, n) => `10.${second}.${n * 32}.0/19`);
  const ids: ClusterIds = {
    name,
    vpcId,
    subnetIds,
    clusterSecurityGroupId: id('sg', 0),
    controlPlaneSecurityGroupId: id('sg', 1),
    nodeSecurityGroupId: id('sg', 2),
    endpointSecurityGroupId: id('sg', 3),
    privateRouteTableId: id('rtb', 0),
    mainRouteTableId: id('rtb', 1),
    networkAclId: id('acl', 0),
    defaultNetworkAclId: id('acl', 1),
    dhcpOptionsId: id('dopt'),
    s3GatewayEndpointId: id('vpce', 0),
    interfaceEndpointIds: {},
    s3PrefixListId: snapshot.region.startsWith('cn-') ? 'pl-0a1b2c3d' : 'pl-6da54004',
  };
  const owner = snapshot.accountId;

  snapshot.ec2.Vpcs.push({
    VpcId: vpcId,
    OwnerId: owner,
    InstanceTenancy: 'default',
    CidrBlock: vpcCidr,
    CidrBlockAssociationSet: [
      { AssociationId: id('vpc-cidr-assoc'), CidrBlock: vpcCidr, CidrBlockState: { State: 'associated' } },
    ],
    IsDefault: false,
    DhcpOptionsId: ids.dhcpOptionsId,
    State: 'available',
    Tags: [{ Key: 'Name', Value: `${name}-vpc` }],
  });
  snapshot.ec2.VpcAttributes[vpcId] = {
    EnableDnsSupport: { Value: true },
    EnableDnsHostnames: { Value: true },
  };
  snapshot.ec2.DhcpOptions.push({
    DhcpOptionsId: ids.dhcpOptionsId,
    OwnerId: owner,
    DhcpConfigurations: [
      {
        Key: 'domain-name',
        Values: [{ Value: region === 'us-east-1' ? 'ec2.internal' : `${region}.compute.internal` }],
      },
      { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
    ],
    Tags: [],
  });

  subnetIds.forEach((subnetId, n) => {
    snapshot.ec2.Subnets.push({
      SubnetId: subnetId,
      SubnetArn: `arn:${partitionOf(region)}:ec2:${region}:${owner}:subnet/${subnetId}`,
      VpcId: vpcId,
      CidrBlock: subnetCidrs[n],
      AvailabilityZone: `${region}${AZ_SUFFIXES[n]}`,
      AvailabilityZoneId: `${region.slice(0, 3)}${region.split('-').pop()}-az${n + 1}`,
      AvailableIpAddressCount: 8150 - n * 7,
      DefaultForAz: false,
      MapPublicIpOnLaunch: false,
      MapCustomerOwnedIpOnLaunch: false,
      AssignIpv6AddressOnCreation: false,
      Ipv6CidrBlockAssociationSet: [],
      State: 'available',
      OwnerId: owner,
      Tags: [
        { Key: 'Name', Value: `${name}-private-${AZ_SUFFIXES[n]}` },
        { Key: 'kubernetes.io/role/internal-elb', Value: '1' },
        { Key: `kubernetes.io/cluster/${name}`, Value: 'shared' },
      ],
    });
  });

  snapshot.ec2.RouteTables.push(
    {
      RouteTableId: ids.mainRouteTableId,
      VpcId: vpcId,
      OwnerId: owner,
      Associations: [
        {
          Main: true,
          RouteTableAssociationId: id('rtbassoc', 9),
          RouteTableId: ids.mainRouteTableId,
          AssociationState: { State: 'associated' },
        },
      ],
      PropagatingVgws: [],
      Routes: [
        { DestinationCidrBlock: vpcCidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
      ],
      Tags: [],
    },
    {
      RouteTableId: ids.privateRouteTableId,
      VpcId: vpcId,
      OwnerId: owner,
      Associations: subnetIds.map((subnetId, n) => ({
        Main: false,
        RouteTableAssociationId: id('rtbassoc', n),
        RouteTableId: ids.privateRouteTableId,
        SubnetId: subnetId,
        AssociationState: { State: 'associated' },
      })),
      PropagatingVgws: [],
      Routes: [
        { DestinationCidrBlock: vpcCidr, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' },
        {
          DestinationPrefixListId: ids.s3PrefixListId,
          GatewayId: ids.s3GatewayEndpointId,
          Origin: 'CreateRoute',
          State: 'active',
        },
      ],
      Tags: [{ Key: 'Name', Value: `${name}-private` }],
    },
  );

  const entry = (
    RuleNumber: number,
    Egress: boolean,
    Protocol: string,
    CidrBlock: string,
    from?: number,
    to?: number,
  ) => ({
    RuleNumber,
    Egress,
    Protocol,
    RuleAction: 'allow',
    CidrBlock,
    ...(from === undefined ? {} : { PortRange: { From: from, To: to ?? from } }),
  });
  const denyAll = (Egress: boolean) => ({
    RuleNumber: 32767,
    Egress,
    Protocol: '-1',
    RuleAction: 'deny',
    CidrBlock: '0.0.0.0/0',
  });
  snapshot.ec2.NetworkAcls.push(
    {
      NetworkAclId: ids.networkAclId,
      VpcId: vpcId,
      IsDefault: false,
      OwnerId: owner,
      Associations: subnetIds.map((subnetId, n) => ({
        NetworkAclAssociationId: id('aclassoc', n),
        NetworkAclId: ids.networkAclId,
        SubnetId: subnetId,
      })),
      // Private subnets that talk only inside the VPC: HTTPS, kubelet, DNS and replies.
      Entries: [false, true].flatMap((egress) => [
        entry(100, egress, '6', vpcCidr, 443),
        entry(110, egress, '6', vpcCidr, 10250),
        entry(120, egress, '6', vpcCidr, 53),
        entry(130, egress, '17', vpcCidr, 53),
        entry(140, egress, '6', vpcCidr, 1024, 65535),
        entry(150, egress, '17', vpcCidr, 1024, 65535),
        denyAll(egress),
      ]),
      Tags: [{ Key: 'Name', Value: `${name}-private` }],
    },
    {
      NetworkAclId: ids.defaultNetworkAclId,
      VpcId: vpcId,
      IsDefault: true,
      OwnerId: owner,
      Associations: [],
      Entries: [false, true].flatMap((egress) => [
        { RuleNumber: 100, Egress: egress, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0' },
        denyAll(egress),
      ]),
      Tags: [],
    },
  );

  const allTrafficFrom = (groupId: string) => ({
    IpProtocol: '-1',
    IpRanges: [],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [{ GroupId: groupId, UserId: owner }],
  });
  // A function, not a shared object: tests edit one group's rules without touching the others.
  const allEgress = () => ({
    IpProtocol: '-1',
    IpRanges: [{ CidrIp: '0.0.0.0/0' }],
    Ipv6Ranges: [],
    PrefixListIds: [],
    UserIdGroupPairs: [],
  });
  snapshot.ec2.SecurityGroups.push(
    {
      GroupId: ids.clusterSecurityGroupId,
      GroupName: `eks-cluster-sg-${name}-1234567890`,
      Description:
        'EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.',
      VpcId: vpcId,
      OwnerId: owner,
      IpPermissions: [allTrafficFrom(ids.clusterSecurityGroupId)],
      IpPermissionsEgress: [allEgress()],
      Tags: [
        { Key: 'aws:eks:cluster-name', Value: name },
        { Key: `kubernetes.io/cluster/${name}`, Value: 'owned' },
      ],
    },
    {
      GroupId: ids.controlPlaneSecurityGroupId,
      GroupName: `${name}-control-plane`,
      Description: 'Additional control plane security group',
      VpcId: vpcId,
      OwnerId: owner,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          IpRanges: [],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [{ GroupId: ids.nodeSecurityGroupId, UserId: owner }],
        },
      ],
      IpPermissionsEgress: [allEgress()],
      Tags: [],
    },
    {
      GroupId: ids.nodeSecurityGroupId,
      GroupName: `${name}-nodes`,
      Description: 'Worker nodes',
      VpcId: vpcId,
      OwnerId: owner,
      IpPermissions: [allTrafficFrom(ids.nodeSecurityGroupId), allTrafficFrom(ids.clusterSecurityGroupId)],
      IpPermissionsEgress: [allEgress()],
      Tags: [{ Key: `kubernetes.io/cluster/${name}`, Value: 'owned' }],
    },
    {
      GroupId: ids.endpointSecurityGroupId,
      GroupName: `${name}-vpc-endpoints`,
      Description: 'HTTPS from the VPC to interface endpoints',
      VpcId: vpcId,
      OwnerId: owner,
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 443,
          ToPort: 443,
          IpRanges: [{ CidrIp: vpcCidr, Description: 'VPC' }],
          Ipv6Ranges: [],
          PrefixListIds: [],
          UserIdGroupPairs: [],
        },
      ],
      IpPermissionsEgress: [allEgress()],
      Tags: [],
    },
  );

  snapshot.ec2.VpcEndpoints.push({
    VpcEndpointId: ids.s3GatewayEndpointId,
    VpcEndpointType: 'Gateway',
    VpcId: vpcId,
    ServiceName: `com.amazonaws.${region}.s3`,
    State: 'available',
    PolicyDocument:
      '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
    RouteTableIds: [ids.privateRouteTableId],
    SubnetIds: [],
    Groups: [],
    PrivateDnsEnabled: false,
    RequesterManaged: false,
    NetworkInterfaceIds: [],
    DnsEntries: [],
    CreationTimestamp: '2026-01-15T09:30:00.000Z',
    Tags: [],
    OwnerId: owner,
  });
  (options.interfaceServices ?? ['ec2', 'ecr.api', 'ecr.dkr', 'sts']).forEach((service, n) => {
    const endpointId = id('vpce', n + 1);
    ids.interfaceEndpointIds[service] = endpointId;
    snapshot.ec2.VpcEndpoints.push({
      VpcEndpointId: endpointId,
      VpcEndpointType: 'Interface',
      VpcId: vpcId,
      ServiceName: serviceName(region, service),
      State: 'available',
      RouteTableIds: [],
      SubnetIds: [...subnetIds],
      Groups: [{ GroupId: ids.endpointSecurityGroupId, GroupName: `${name}-vpc-endpoints` }],
      IpAddressType: 'ipv4',
      DnsOptions: { DnsRecordIpType: 'ipv4' },
      PrivateDnsEnabled: true,
      RequesterManaged: false,
      NetworkInterfaceIds: subnetIds.map((_, k) => id('eni', n * 3 + k)),
      DnsEntries: [
        {
          DnsName: `${endpointId}-abcdefgh.${service}.${region}.vpce.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`,
          HostedZoneId: 'Z7HUB22UULQXV',
        },
      ],
      CreationTimestamp: '2026-01-15T09:31:00.000Z',
      Tags: [],
      OwnerId: owner,
    });
  });
  if (!snapshot.ec2.PrefixLists.some((pl) => pl.PrefixListId === ids.s3PrefixListId)) {
    snapshot.ec2.PrefixLists.push({
      PrefixListId: ids.s3PrefixListId,
      PrefixListName: `com.amazonaws.${region}.s3`,
      Cidrs: ['52.218.0.0/17', '3.5.64.0/21'],
    });
  }

  snapshot.eks.clusters.push({
    name,
    arn: `arn:${partitionOf(region)}:eks:${region}:${owner}:cluster/${name}`,
    createdAt: '2026-01-15T09:00:00.000Z',
    version: '1.33',
    endpoint: `https://${(i + 0xabcdef).toString(16).toUpperCase()}0123456789ABCDEF.gr7.${region}.eks.amazonaws.com`,
    roleArn: `arn:${partitionOf(region)}:iam::${owner}:role/${name}-cluster-role`,
    resourcesVpcConfig: {
      subnetIds: [...subnetIds],
      securityGroupIds: [ids.controlPlaneSecurityGroupId],
      clusterSecurityGroupId: ids.clusterSecurityGroupId,
      vpcId,
      endpointPublicAccess: false,
      endpointPrivateAccess: true,
      // EKS reports 0.0.0.0/0 here even while public access is off.
      publicAccessCidrs: ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
    status: 'ACTIVE',
    platformVersion: 'eks.12',
    tags: {},
  });
  snapshot.eks.nodegroups[name] = [
    {
      nodegroupName: `${name}-general`,
      nodegroupArn: `arn:${partitionOf(region)}:eks:${region}:${owner}:nodegroup/${name}/${name}-general/0ac0f0a2-1111-2222-3333-444455556666`,
      clusterName: name,
      status: 'ACTIVE',
      capacityType: 'ON_DEMAND',
      scalingConfig: { minSize: 2, maxSize: 6, desiredSize: 3 },
      instanceTypes: ['m6i.large'],
      subnets: [...subnetIds],
      amiType: 'AL2023_x86_64_STANDARD',
    },
  ];
  return ids;
}

/** A snapshot with `clusters` compliant private clusters, each in its own VPC. */
export function privateClustersSnapshot(
  clusters = 1,
  options: { region?: string; accountId?: string } = {},
): { snapshot: RawSnapshot; ids: ClusterIds[] } {
  const snapshot = emptySnapshot(options.region, options.accountId);
  const ids: ClusterIds[] = [];
  for (let index = 0; index < clusters; index++) ids.push(addPrivateCluster(snapshot, { index }));
  return { snapshot, ids };
}
