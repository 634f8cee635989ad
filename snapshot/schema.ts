import * as z from 'zod';
import { ACCOUNT_ID, isCidr, PARTITIONS, REGION_NAME } from './validate-in-place';

/*
 * The snapshot is raw AWS API output (SPEC §2). Only the fields a rule reads are declared;
 * other keys are passed over, so newer API shapes never break a snapshot. Objects strip them
 * (z.object) rather than copy them (z.looseObject): the parsed snapshot holds what the rules
 * read and nothing else, which at 10,000 clusters saves copying most of the file (issue 10);
 * the output types have no index signature, so reading an undeclared field does not compile.
 * Conventions:
 *  - identity fields are required where their object appears;
 *  - an absent EC2 list member means empty (`.default([])`), an absent scalar stays
 *    `undefined` and rules treat it as unknown;
 *  - in `eks` objects, lists EKS always returns stay optional: absent = unknown;
 *  - enum values are lower-cased here so rules compare them case-insensitively.
 * snapshot/validate-in-place.ts mirrors this schema field by field: it is the loader's fast
 * path for values it owns (checked and normalized in place, unknown keys kept), and zod runs
 * only when it says no. Change both together; test/snapshot/validate-in-place.test.ts
 * compares their verdicts and outputs.
 */

// isCidr is memoised beside the fast path, so that both share one memo without it loading zod.
const cidr = z.string().refine(isCidr, { message: 'expected a CIDR block' });
const enumValue = z.string().overwrite((s) => s.toLowerCase());
const int = z.number().int();
const list = <T extends z.ZodType>(item: T) => z.array(item).default([]);

const Tag = z.object({ Key: z.string().optional(), Value: z.string().optional() });

// ---- EKS -------------------------------------------------------------------------------

const ResourcesVpcConfig = z.object({
  vpcId: z.string(),
  subnetIds: z.array(z.string()).optional(),
  securityGroupIds: z.array(z.string()).optional(),
  clusterSecurityGroupId: z.string().optional(),
  endpointPublicAccess: z.boolean().optional(),
  endpointPrivateAccess: z.boolean().optional(),
  publicAccessCidrs: z.array(cidr).optional(),
});

export const ClusterSchema = z.object({
  name: z.string(),
  arn: z.string().optional(),
  status: enumValue.optional(),
  resourcesVpcConfig: ResourcesVpcConfig,
});

const Nodegroup = z.object({
  nodegroupName: z.string().optional(),
  subnets: z.array(z.string()).optional(),
});

const FargateProfile = z.object({
  fargateProfileName: z.string().optional(),
  subnets: z.array(z.string()).optional(),
});

// ---- EC2 -------------------------------------------------------------------------------

const Vpc = z.object({
  VpcId: z.string(),
  DhcpOptionsId: z.string(),
  CidrBlock: cidr.optional(),
});

const AttributeBoolean = z.object({ Value: z.boolean().optional() });
const VpcAttributes = z.object({
  EnableDnsSupport: AttributeBoolean.optional(),
  EnableDnsHostnames: AttributeBoolean.optional(),
});

const Subnet = z.object({
  SubnetId: z.string(),
  VpcId: z.string(),
  CidrBlock: cidr.optional(),
  Ipv6CidrBlockAssociationSet: list(z.object({ Ipv6CidrBlock: cidr.optional() })),
  AvailabilityZone: z.string().optional(),
  AvailableIpAddressCount: int.optional(),
  MapPublicIpOnLaunch: z.boolean().optional(),
  Tags: list(Tag),
});

const Route = z.object({
  DestinationCidrBlock: z.string().optional(),
  DestinationIpv6CidrBlock: z.string().optional(),
  DestinationPrefixListId: z.string().optional(),
  GatewayId: z.string().optional(),
  NatGatewayId: z.string().optional(),
  EgressOnlyInternetGatewayId: z.string().optional(),
  State: enumValue.optional(),
});

const RouteTable = z.object({
  RouteTableId: z.string(),
  VpcId: z.string(),
  Associations: list(
    z.object({
      Main: z.boolean().optional(),
      SubnetId: z.string().optional(),
      AssociationState: z.object({ State: enumValue.optional() }).optional(),
    }),
  ),
  Routes: list(Route),
});

const NetworkAclEntry = z.object({
  RuleNumber: int,
  Protocol: z.string(),
  RuleAction: enumValue,
  Egress: z.boolean(),
  CidrBlock: cidr.optional(),
  Ipv6CidrBlock: cidr.optional(),
  PortRange: z.object({ From: int.optional(), To: int.optional() }).optional(),
});

const NetworkAcl = z.object({
  NetworkAclId: z.string(),
  VpcId: z.string(),
  IsDefault: z.boolean().optional(),
  Associations: list(z.object({ SubnetId: z.string().optional() })),
  Entries: list(NetworkAclEntry),
});

const IpPermission = z.object({
  IpProtocol: z.string().optional(),
  FromPort: int.optional(),
  ToPort: int.optional(),
  IpRanges: list(z.object({ CidrIp: cidr.optional() })),
  Ipv6Ranges: list(z.object({ CidrIpv6: cidr.optional() })),
  PrefixListIds: list(z.object({ PrefixListId: z.string().optional() })),
  UserIdGroupPairs: list(z.object({ GroupId: z.string().optional() })),
});

const SecurityGroup = z.object({
  GroupId: z.string(),
  VpcId: z.string(),
  GroupName: z.string().optional(),
  Tags: list(Tag),
  IpPermissions: list(IpPermission),
  IpPermissionsEgress: list(IpPermission),
});

const VpcEndpoint = z.object({
  VpcEndpointId: z.string(),
  VpcId: z.string(),
  ServiceName: z.string().optional(),
  VpcEndpointType: enumValue.optional(),
  State: enumValue.optional(),
  PrivateDnsEnabled: z.boolean().optional(),
  DnsOptions: z.object({ PrivateDnsOnlyForInboundResolverEndpoint: z.boolean().optional() }).optional(),
  SubnetIds: list(z.string()),
  Groups: list(z.object({ GroupId: z.string().optional() })),
  RouteTableIds: list(z.string()),
});

const DhcpOptions = z.object({
  DhcpOptionsId: z.string(),
  DhcpConfigurations: list(
    z.object({
      Key: z.string().optional(),
      Values: list(z.object({ Value: z.string().optional() })),
    }),
  ),
});

const PrefixList = z.object({
  PrefixListId: z.string(),
  PrefixListName: z.string().optional(),
  Cidrs: list(cidr),
});

const Ec2 = z.object({
  Vpcs: z.array(Vpc).optional(),
  VpcAttributes: z.record(z.string(), VpcAttributes).optional(),
  Subnets: z.array(Subnet).optional(),
  RouteTables: z.array(RouteTable).optional(),
  NetworkAcls: z.array(NetworkAcl).optional(),
  SecurityGroups: z.array(SecurityGroup).optional(),
  VpcEndpoints: z.array(VpcEndpoint).optional(),
  DhcpOptions: z.array(DhcpOptions).optional(),
  PrefixLists: z.array(PrefixList).optional(),
});

// Defined beside the in-place checker, which must not load zod; re-exported for the schema's readers.
export { PARTITIONS };

export const SnapshotSchema = z.object({
  schemaVersion: z.literal(1),
  accountId: z.string().regex(ACCOUNT_ID, { message: 'expected a 12-digit AWS account id' }),
  region: z.string().regex(REGION_NAME, { message: 'expected an AWS Region name' }),
  partition: z.enum(PARTITIONS).optional(),
  capturedAt: z.string().optional(),
  eks: z.object({
    clusters: z.array(ClusterSchema),
    nodegroups: z.record(z.string(), z.array(Nodegroup)).optional(),
    fargateProfiles: z.record(z.string(), z.array(FargateProfile)).optional(),
  }),
  ec2: Ec2.optional(),
});

export type Snapshot = z.output<typeof SnapshotSchema>;
export type Ec2Sections = NonNullable<Snapshot['ec2']>;
/** The optional `ec2.*` sections, as rules declare them in `needs`. */
export const SECTIONS = [
  'Vpcs',
  'VpcAttributes',
  'Subnets',
  'RouteTables',
  'NetworkAcls',
  'SecurityGroups',
  'VpcEndpoints',
  'DhcpOptions',
  'PrefixLists',
] as const;
export type SectionName = (typeof SECTIONS)[number];
export type Cluster = z.output<typeof ClusterSchema>;
export type Vpc = z.output<typeof Vpc>;
export type VpcAttributesValue = z.output<typeof VpcAttributes>;
export type Subnet = z.output<typeof Subnet>;
export type RouteTable = z.output<typeof RouteTable>;
export type Route = z.output<typeof Route>;
export type NetworkAcl = z.output<typeof NetworkAcl>;
export type NetworkAclEntry = z.output<typeof NetworkAclEntry>;
export type SecurityGroup = z.output<typeof SecurityGroup>;
export type IpPermission = z.output<typeof IpPermission>;
export type VpcEndpoint = z.output<typeof VpcEndpoint>;
export type DhcpOptionSet = z.output<typeof DhcpOptions>;
export type PrefixList = z.output<typeof PrefixList>;
export type Nodegroup = z.output<typeof Nodegroup>;
export type FargateProfile = z.output<typeof FargateProfile>;
