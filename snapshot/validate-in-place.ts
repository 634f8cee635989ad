import { snapshotCidr } from '../network/cidr';
import type { Snapshot } from './schema';

/*
 * The fast path of the snapshot loader (SPEC §2). zod (snapshot/schema.ts) copies every object
 * it validates: at 10,000 clusters that is ~500 ms, ~190 ms of it garbage collection, and at
 * 1,000 clusters most of its ~135 ms is JIT warm-up of its generic code; loading zod alone
 * costs ~35 ms of CLI start-up. This module checks a freshly parsed JSON value where it lies,
 * by one hand-written walk that mirrors schema.ts field by field, and applies zod's output
 * normalizations in place (~60 ms at 10,000 clusters, ~7 ms at 1,000, warm). It answers only
 * "would SnapshotSchema accept this?": when it says no (or is unsure), the loader runs zod,
 * which stays the one source of every error message.
 *
 * So the rule for every check here: never true where zod rejects. A false where zod would
 * accept only costs time. Things zod does and this mirrors (verified by experiment, see
 * test/snapshot/validate-in-place.test.ts):
 *  - z.object and z.record reject null, arrays and non-objects (any JSON object is a record);
 *  - `.optional()` accepts an absent key only: JSON null is a wrong type;
 *  - z.number() rejects NaN and ±Infinity (JSON `1e999`); `.int()` accepts safe integers only;
 *  - z.record skips an own `__proto__` key without validating it; we answer false instead, so
 *    that zod's output (which drops the key) is what the view reads.
 * Unknown keys are kept, where z.object strips them: the rules never read them and the output
 * types have no index signature, so they cannot; keeping them saves the copy.
 */

/** SnapshotSchema's `accountId` check (schema.ts uses this very RegExp). */
export const ACCOUNT_ID = /^\d{12}$/;
/** SnapshotSchema's `region` check (schema.ts uses this very RegExp). */
export const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** SnapshotSchema's `partition` values (schema.ts re-exports them). */
export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
] as const;
const PARTITION_SET: ReadonlySet<string> = new Set(PARTITIONS);

/** Whether `text` is a CIDR block the rules can read (parsed once per text, for the view too). */
export function isCidr(text: string): boolean {
  return snapshotCidr(text) !== undefined;
}

type Raw = Record<string, unknown>;
type Check = (value: unknown) => boolean;

// ---- scalars ---------------------------------------------------------------------------

function isObject(value: unknown): value is Raw {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isString(value: unknown): boolean {
  return typeof value === 'string';
}
function optString(value: unknown): boolean {
  return value === undefined || typeof value === 'string';
}
function optBoolean(value: unknown): boolean {
  return value === undefined || typeof value === 'boolean';
}
/** `z.number().int()`: also false for NaN, ±Infinity and integers beyond 2^53 - 1. */
function isInt(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value);
}
function optInt(value: unknown): boolean {
  return value === undefined || isInt(value);
}
function isCidrText(value: unknown): boolean {
  return typeof value === 'string' && isCidr(value);
}
function optCidr(value: unknown): boolean {
  return value === undefined || isCidrText(value);
}

/**
 * `text.toLowerCase()`, remembered: enum fields hold a handful of distinct texts, and the API
 * capitalizes some (`Available`, `Interface`), so 10,000 clusters would allocate ~60,000 equal
 * strings. Shared ones are less garbage and less memory. Bounded, like network/cidr.ts's snapshotCidr.
 */
const lowerCased = new Map<string, string>();
function lowerCase(text: string): string {
  let lower = lowerCased.get(text);
  if (lower === undefined) {
    if (lowerCased.size >= 10_000) lowerCased.clear();
    lower = text.toLowerCase();
    lowerCased.set(text, lower);
  }
  return lower;
}

/** `enumValue`: a string, stored lower-cased; written only when that changes it. */
function enumIn(object: Raw, key: string, required: boolean): boolean {
  const value = object[key];
  if (value === undefined) return !required;
  if (typeof value !== 'string') return false;
  const lower = lowerCase(value);
  if (lower !== value) object[key] = lower;
  return true;
}

// ---- containers ------------------------------------------------------------------------

function arrayOf(value: unknown, item: Check): boolean {
  if (!Array.isArray(value)) return false;
  for (let i = 0; i < value.length; i++) if (!item(value[i])) return false;
  return true;
}
function optArrayOf(value: unknown, item: Check): boolean {
  return value === undefined || arrayOf(value, item);
}
/** `list(item)`, i.e. `z.array(item).default([])`: an absent member becomes a fresh `[]`. */
function listIn(object: Raw, key: string, item: Check): boolean {
  const value = object[key];
  if (value === undefined) {
    object[key] = [];
    return true;
  }
  return arrayOf(value, item);
}
function optObject(value: unknown, check: (object: Raw) => boolean): boolean {
  return value === undefined || (isObject(value) && check(value));
}
/** `z.record(z.string(), item)`. for…in sees inherited keys too: a polluted prototype only costs a false. */
function optRecordOf(value: unknown, item: Check): boolean {
  if (value === undefined) return true;
  if (!isObject(value)) return false;
  for (const key in value) {
    if (key === '__proto__') return false;
    if (!item(value[key])) return false;
  }
  return true;
}

// ---- EKS -------------------------------------------------------------------------------

function resourcesVpcConfig(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.vpcId === 'string' &&
    optArrayOf(v.subnetIds, isString) &&
    optArrayOf(v.securityGroupIds, isString) &&
    optString(v.clusterSecurityGroupId) &&
    optBoolean(v.endpointPublicAccess) &&
    optBoolean(v.endpointPrivateAccess) &&
    optArrayOf(v.publicAccessCidrs, isCidrText)
  );
}
function cluster(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.name === 'string' &&
    optString(v.arn) &&
    enumIn(v, 'status', false) &&
    resourcesVpcConfig(v.resourcesVpcConfig)
  );
}
function nodegroup(v: unknown): boolean {
  return isObject(v) && optString(v.nodegroupName) && optArrayOf(v.subnets, isString);
}
function fargateProfile(v: unknown): boolean {
  return isObject(v) && optString(v.fargateProfileName) && optArrayOf(v.subnets, isString);
}
const nodegroups: Check = (v) => arrayOf(v, nodegroup);
const fargateProfiles: Check = (v) => arrayOf(v, fargateProfile);

// ---- EC2 -------------------------------------------------------------------------------

function tag(v: unknown): boolean {
  return isObject(v) && optString(v.Key) && optString(v.Value);
}
function vpc(v: unknown): boolean {
  return (
    isObject(v) && typeof v.VpcId === 'string' && typeof v.DhcpOptionsId === 'string' && optCidr(v.CidrBlock)
  );
}
function attributeBoolean(v: Raw): boolean {
  return optBoolean(v.Value);
}
function vpcAttributes(v: unknown): boolean {
  return (
    isObject(v) &&
    optObject(v.EnableDnsSupport, attributeBoolean) &&
    optObject(v.EnableDnsHostnames, attributeBoolean)
  );
}
function ipv6CidrAssociation(v: unknown): boolean {
  return isObject(v) && optCidr(v.Ipv6CidrBlock);
}
function subnet(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.SubnetId === 'string' &&
    typeof v.VpcId === 'string' &&
    optCidr(v.CidrBlock) &&
    listIn(v, 'Ipv6CidrBlockAssociationSet', ipv6CidrAssociation) &&
    optString(v.AvailabilityZone) &&
    optInt(v.AvailableIpAddressCount) &&
    optBoolean(v.MapPublicIpOnLaunch) &&
    listIn(v, 'Tags', tag)
  );
}
function route(v: unknown): boolean {
  return (
    isObject(v) &&
    optString(v.DestinationCidrBlock) &&
    optString(v.DestinationIpv6CidrBlock) &&
    optString(v.DestinationPrefixListId) &&
    optString(v.GatewayId) &&
    optString(v.NatGatewayId) &&
    optString(v.EgressOnlyInternetGatewayId) &&
    enumIn(v, 'State', false)
  );
}
function associationState(v: Raw): boolean {
  return enumIn(v, 'State', false);
}
function routeTableAssociation(v: unknown): boolean {
  return (
    isObject(v) &&
    optBoolean(v.Main) &&
    optString(v.SubnetId) &&
    optObject(v.AssociationState, associationState)
  );
}
function routeTable(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.RouteTableId === 'string' &&
    typeof v.VpcId === 'string' &&
    listIn(v, 'Associations', routeTableAssociation) &&
    listIn(v, 'Routes', route)
  );
}
function portRange(v: Raw): boolean {
  return optInt(v.From) && optInt(v.To);
}
function networkAclEntry(v: unknown): boolean {
  return (
    isObject(v) &&
    isInt(v.RuleNumber) &&
    typeof v.Protocol === 'string' &&
    enumIn(v, 'RuleAction', true) &&
    typeof v.Egress === 'boolean' &&
    optCidr(v.CidrBlock) &&
    optCidr(v.Ipv6CidrBlock) &&
    optObject(v.PortRange, portRange)
  );
}
function networkAclAssociation(v: unknown): boolean {
  return isObject(v) && optString(v.SubnetId);
}
function networkAcl(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.NetworkAclId === 'string' &&
    typeof v.VpcId === 'string' &&
    optBoolean(v.IsDefault) &&
    listIn(v, 'Associations', networkAclAssociation) &&
    listIn(v, 'Entries', networkAclEntry)
  );
}
function ipRange(v: unknown): boolean {
  return isObject(v) && optCidr(v.CidrIp);
}
function ipv6Range(v: unknown): boolean {
  return isObject(v) && optCidr(v.CidrIpv6);
}
function prefixListReference(v: unknown): boolean {
  return isObject(v) && optString(v.PrefixListId);
}
function groupReference(v: unknown): boolean {
  return isObject(v) && optString(v.GroupId);
}
function ipPermission(v: unknown): boolean {
  return (
    isObject(v) &&
    optString(v.IpProtocol) &&
    optInt(v.FromPort) &&
    optInt(v.ToPort) &&
    listIn(v, 'IpRanges', ipRange) &&
    listIn(v, 'Ipv6Ranges', ipv6Range) &&
    listIn(v, 'PrefixListIds', prefixListReference) &&
    listIn(v, 'UserIdGroupPairs', groupReference)
  );
}
function securityGroup(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.GroupId === 'string' &&
    typeof v.VpcId === 'string' &&
    optString(v.GroupName) &&
    listIn(v, 'Tags', tag) &&
    listIn(v, 'IpPermissions', ipPermission) &&
    listIn(v, 'IpPermissionsEgress', ipPermission)
  );
}
function dnsOptions(v: Raw): boolean {
  return optBoolean(v.PrivateDnsOnlyForInboundResolverEndpoint);
}
function vpcEndpoint(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.VpcEndpointId === 'string' &&
    typeof v.VpcId === 'string' &&
    optString(v.ServiceName) &&
    enumIn(v, 'VpcEndpointType', false) &&
    enumIn(v, 'State', false) &&
    optBoolean(v.PrivateDnsEnabled) &&
    optObject(v.DnsOptions, dnsOptions) &&
    listIn(v, 'SubnetIds', isString) &&
    listIn(v, 'Groups', groupReference) &&
    listIn(v, 'RouteTableIds', isString)
  );
}
function dhcpValue(v: unknown): boolean {
  return isObject(v) && optString(v.Value);
}
function dhcpConfiguration(v: unknown): boolean {
  return isObject(v) && optString(v.Key) && listIn(v, 'Values', dhcpValue);
}
function dhcpOptions(v: unknown): boolean {
  return (
    isObject(v) && typeof v.DhcpOptionsId === 'string' && listIn(v, 'DhcpConfigurations', dhcpConfiguration)
  );
}
function prefixList(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.PrefixListId === 'string' &&
    optString(v.PrefixListName) &&
    listIn(v, 'Cidrs', isCidrText)
  );
}
function ec2(v: Raw): boolean {
  return (
    optArrayOf(v.Vpcs, vpc) &&
    optRecordOf(v.VpcAttributes, vpcAttributes) &&
    optArrayOf(v.Subnets, subnet) &&
    optArrayOf(v.RouteTables, routeTable) &&
    optArrayOf(v.NetworkAcls, networkAcl) &&
    optArrayOf(v.SecurityGroups, securityGroup) &&
    optArrayOf(v.VpcEndpoints, vpcEndpoint) &&
    optArrayOf(v.DhcpOptions, dhcpOptions) &&
    optArrayOf(v.PrefixLists, prefixList)
  );
}

/**
 * Whether `SnapshotSchema.safeParse(value)` would succeed, decided in place: no copy, so a
 * 142 MB snapshot costs no extra garbage. While walking it applies zod's normalizations to
 * `value` itself (absent `list` members become `[]`, enum values are lower-cased), so that on
 * true `value` is usable as a Snapshot, with the unknown keys zod would have stripped still
 * there. Only for values nobody else holds (fresh from JSON.parse, no shared objects).
 *
 * On false `value` may be partly normalized; that never changes zod's verdict or messages,
 * since only fields that are already valid are touched, into what zod would make of them.
 */
export function validateSnapshotInPlace(value: Raw): value is Raw & Snapshot {
  if (value.schemaVersion !== 1) return false;
  const { accountId, region, partition, eks } = value;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) return false;
  if (typeof region !== 'string' || !REGION_NAME.test(region)) return false;
  if (partition !== undefined && !(typeof partition === 'string' && PARTITION_SET.has(partition))) {
    return false;
  }
  if (!optString(value.capturedAt)) return false;
  if (
    !isObject(eks) ||
    !arrayOf(eks.clusters, cluster) ||
    !optRecordOf(eks.nodegroups, nodegroups) ||
    !optRecordOf(eks.fargateProfiles, fargateProfiles)
  ) {
    return false;
  }
  return optObject(value.ec2, ec2);
}
