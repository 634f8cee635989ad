/**
 * AWS CLI fixes for the VPC endpoint rules: create a missing endpoint (with the security group
 * it needs, first), enable private DNS, add a subnet in an uncovered Availability Zone, attach
 * route tables to the s3 Gateway endpoint. Every id, the Region and the service name come from
 * the snapshot; where the snapshot cannot tell what a safe command would be, the fix says what
 * to decide instead of guessing. Only failing findings call these, so none of it runs for a
 * compliant cluster.
 */
import type { ClusterContext } from '../engine/cluster-context';
import { byText, type Fix } from '../engine/findings';
import { endpointExists, endpointIsFor } from '../network/endpoints';
import { securityGroupsAdmit } from '../network/security-groups';
import type { Tri } from '../network/tri';
import type { VpcEndpoint } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';
import { awsCli, shellCapture, shellExpansion, vpcVariable, type CliValue } from './aws-cli';
import { authorizeGroupReference } from './security-group-rules';
import { endpointServiceName, type EndpointType } from './endpoint-service-name';
import { enableDnsHostnames, enableDnsSupport } from './vpc-dns-attributes';

const PRIVATELINK = 'https://docs.aws.amazon.com/vpc/latest/privatelink';
export const ENDPOINT_DOCS = {
  createInterface: `${PRIVATELINK}/create-interface-endpoint.html`,
  subnets: `${PRIVATELINK}/interface-endpoints.html#add-remove-subnets`,
  privateDns: `${PRIVATELINK}/interface-endpoints.html#enable-private-dns-names`,
  s3Gateway: `${PRIVATELINK}/vpc-endpoints-s3.html`,
} as const;

/** The type of endpoint a service needs: s3 works best as a Gateway (no charge, no DNS, no ENIs). */
export function endpointTypeFor(service: string): EndpointType {
  return service === 's3' ? 'Gateway' : 'Interface';
}

/**
 * Private DNS needs the VPC's DNS resolution and DNS hostnames on; EC2 refuses
 * `--private-dns-enabled` otherwise. Turned on first where the snapshot shows them off, with
 * the very lines VPC_DNS_ATTRIBUTES gives, so a script of both runs them once.
 */
function dnsAttributeCommands(ctx: ClusterContext): string[] {
  const attributes = ctx.view.vpcAttributes(ctx.vpcId);
  const region = ctx.view.region;
  const commands: string[] = [];
  if (attributes?.EnableDnsSupport?.Value === false) commands.push(enableDnsSupport(region, ctx.vpcId));
  if (attributes?.EnableDnsHostnames?.Value === false) commands.push(enableDnsHostnames(region, ctx.vpcId));
  return commands;
}

/** One node subnet per Availability Zone that holds node subnets, and the node subnets of unknown zone. */
export interface ZonePlacement {
  /** zone → the first node subnet in it, zones in name order. */
  byZone: Map<string, string>;
  /** Node subnets whose zone the snapshot does not show. */
  unplaced: string[];
}

export function nodeSubnetsByZone(ctx: ClusterContext): ZonePlacement {
  const byZone = new Map<string, string>();
  const unplaced: string[] = [];
  for (const id of ctx.nodeSubnets.ids) {
    const zone = ctx.view.subnet(id)?.AvailabilityZone;
    if (zone === undefined) unplaced.push(id);
    else if (!byZone.has(zone)) byZone.set(zone, id);
  }
  return { byZone: new Map([...byZone].sort(([a], [b]) => byText(a, b))), unplaced };
}

/** The security groups a new Interface endpoint gets, or the commands that make one first. */
type EndpointGroups =
  | { ids: string[]; commands?: undefined; decide?: undefined }
  | { ids?: undefined; commands: string[]; variable: string; decide?: undefined }
  | { ids?: undefined; commands?: undefined; decide: string };

function groupIdsOf(endpoint: VpcEndpoint): string[] | undefined {
  const ids = endpoint.Groups.map((g) => g.GroupId);
  return ids.length > 0 && ids.every((id) => id !== undefined) ? (ids as string[]) : undefined;
}

/**
 * Reuse the groups of an available Interface endpoint of the VPC, preferring groups the
 * snapshot shows admitting the nodes on tcp/443 toward the new endpoint's subnets; groups
 * that definitely do not admit them would only move the violation to
 * VPC_ENDPOINTS_SECURITY_GROUPS, so then a group is made that does.
 */
function endpointGroups(ctx: ClusterContext, subnetIds: readonly string[]): EndpointGroups {
  const nodes = { label: 'nodes', groups: ctx.nodeSecurityGroups, subnets: ctx.nodeSubnets };
  const tried = new Set<string>();
  let doubtful: string[] | undefined;
  for (const endpoint of ctx.view.endpointsInVpc(ctx.vpcId)) {
    if (endpoint.VpcEndpointType !== 'interface' || endpoint.State !== 'available') continue;
    const ids = groupIdsOf(endpoint);
    if (!ids || tried.has(ids.join())) continue;
    tried.add(ids.join());
    const side = {
      label: endpoint.VpcEndpointId,
      groups: { ids, unknown: [] },
      subnets: { ids: subnetIds, unknown: [] },
    };
    const admitted: Tri = securityGroupsAdmit(ctx.view, nodes, side, 'tcp', 443).admitted;
    if (admitted === true) return { ids };
    if (admitted === null) doubtful ??= ids;
  }
  if (doubtful) return { ids: doubtful };
  return newEndpointGroup(ctx);
}

/** Group names in use per VPC, read once per snapshot (the API refuses a duplicate name in a VPC). */
const groupNames = new WeakMap<SnapshotView, Map<string, Set<string>>>();

function groupNamesIn(view: SnapshotView, vpcId: string): Set<string> {
  let byVpc = groupNames.get(view);
  if (!byVpc) {
    byVpc = new Map();
    for (const group of view.snapshot.ec2?.SecurityGroups ?? []) {
      if (group.GroupName === undefined) continue;
      let names = byVpc.get(group.VpcId);
      if (!names) byVpc.set(group.VpcId, (names = new Set()));
      names.add(group.GroupName);
    }
    groupNames.set(view, byVpc);
  }
  return byVpc.get(vpcId) ?? new Set();
}

const ENDPOINT_GROUP_NAME = 'private-eks-vpc-endpoints';

/** The shell variable that holds the new endpoint group's id: one per VPC. */
export function endpointGroupVariable(vpcId: string): string {
  return vpcVariable('ENDPOINT_SG', vpcId);
}

/**
 * A security group admitting tcp/443 from the cluster security group (which EKS puts on
 * managed nodes and Fargate pods), else from the node security groups. The lines depend only
 * on the VPC and cluster, so every detail of one cluster that needs the group carries the same
 * lines and a script of them all creates it once.
 */
function newEndpointGroup(ctx: ClusterContext): EndpointGroups {
  const clusterGroup = ctx.cluster.resourcesVpcConfig.clusterSecurityGroupId;
  const sources = clusterGroup !== undefined ? [clusterGroup] : [...ctx.nodeSecurityGroups.ids];
  if (sources.length === 0) {
    return {
      decide:
        `No available Interface endpoint of ${ctx.vpcId} has security groups to reuse, and the snapshot names neither the cluster security group nor node security groups of ${ctx.name}. ` +
        'Choose or create a security group that allows tcp/443 from the nodes, and pass it as --security-group-ids.',
    };
  }
  const taken = groupNamesIn(ctx.view, ctx.vpcId);
  let name = ENDPOINT_GROUP_NAME;
  for (let n = 2; taken.has(name); n++) name = `${ENDPOINT_GROUP_NAME}-${n}`;
  const variable = endpointGroupVariable(ctx.vpcId);
  const region = ctx.view.region;
  const create = awsCli('ec2', 'create-security-group', region, [
    ['group-name', name],
    ['description', 'HTTPS from EKS nodes to VPC interface endpoints'],
    ['vpc-id', ctx.vpcId],
    ['query', 'GroupId'],
    ['output', 'text'],
  ]);
  const authorize = authorizeGroupReference(
    region,
    'ingress',
    shellExpansion(`$${variable}`),
    'tcp',
    443,
    sources,
  );
  return { commands: [shellCapture(variable, create), authorize], variable };
}

/** `--service-name`: the literal name, or the look-up the shell runs first. */
function serviceNameValue(ctx: ClusterContext, service: string, type: EndpointType): CliValue {
  const source = endpointServiceName(ctx.view, service, type);
  return source.name ?? shellExpansion(`$(${source.lookup})`);
}

/** A new endpoint of `service` in the cluster's VPC: Interface (one node subnet per zone) or s3 Gateway. */
export function createEndpointFix(
  ctx: ClusterContext,
  service: string,
  type = endpointTypeFor(service),
): Fix {
  return type === 'Gateway' ? createGatewayFix(ctx, service) : createInterfaceFix(ctx, service);
}

function createInterfaceFix(ctx: ClusterContext, service: string): Fix {
  const documentation = ENDPOINT_DOCS.createInterface;
  const { byZone, unplaced } = nodeSubnetsByZone(ctx);
  const subnetIds = [...byZone.values()];
  if (subnetIds.length === 0) {
    const known = ctx.nodeSubnets.ids.length > 0 ? ` (${ctx.nodeSubnets.ids.join(', ')})` : '';
    return {
      commands: [],
      decide: `The snapshot shows no Availability Zone of the node subnets${known}. Create an Interface endpoint of ${service} in ${ctx.vpcId} with one node subnet per Availability Zone that has nodes, security groups that allow tcp/443 from the nodes, and private DNS on.`,
      documentation,
    };
  }
  const groups = endpointGroups(ctx, subnetIds);
  if (groups.decide !== undefined) return { commands: [], decide: groups.decide, documentation };
  const securityGroups: CliValue = groups.ids ?? shellExpansion(`$${groups.variable}`);
  const create = awsCli('ec2', 'create-vpc-endpoint', ctx.view.region, [
    ['vpc-id', ctx.vpcId],
    ['vpc-endpoint-type', 'Interface'],
    ['service-name', serviceNameValue(ctx, service, 'Interface')],
    ['subnet-ids', subnetIds],
    ['security-group-ids', securityGroups],
    ['private-dns-enabled', true],
  ]);
  const fix: Fix = {
    // The order `private-eks-guard fix` runs them in (cli/fix-script.ts COMMAND_ORDER): the group and its rule, the VPC DNS, the endpoint.
    commands: [...(groups.commands ?? []), ...dnsAttributeCommands(ctx), create],
    documentation,
  };
  if (unplaced.length > 0) {
    fix.decide = `The snapshot shows no Availability Zone of node subnet${unplaced.length > 1 ? 's' : ''} ${unplaced.join(', ')}: if one is in a zone other than ${[...byZone.keys()].join(', ')}, add it as well (aws ec2 modify-vpc-endpoint --vpc-endpoint-id <the new endpoint> --add-subnet-ids <subnet>); an endpoint takes one subnet per zone.`;
  }
  return fix;
}

function createGatewayFix(ctx: ClusterContext, service: string): Fix {
  const documentation = ENDPOINT_DOCS.s3Gateway;
  const tables: string[] = [];
  const unknown: string[] = [];
  for (const subnetId of ctx.nodeSubnets.ids) {
    const lookup = ctx.view.effectiveRouteTable(subnetId, ctx.vpcId);
    if (lookup.reason !== undefined) unknown.push(`${subnetId} (${lookup.reason})`);
    else if (!tables.includes(lookup.found.RouteTableId)) tables.push(lookup.found.RouteTableId);
  }
  const unknownText = `The snapshot does not show the route table of ${unknown.join(', ')}`;
  if (tables.length === 0) {
    return {
      commands: [],
      decide: `${unknownText}. Create a Gateway endpoint of ${service} in ${ctx.vpcId} attached to the route table of every node subnet.`,
      documentation,
    };
  }
  const create = awsCli('ec2', 'create-vpc-endpoint', ctx.view.region, [
    ['vpc-id', ctx.vpcId],
    ['vpc-endpoint-type', 'Gateway'],
    ['service-name', serviceNameValue(ctx, service, 'Gateway')],
    ['route-table-ids', tables],
  ]);
  const fix: Fix = { commands: [create], documentation };
  if (unknown.length > 0) {
    fix.decide = `${unknownText}: attach it too (aws ec2 modify-vpc-endpoint --vpc-endpoint-id <the new endpoint> --add-route-table-ids <table>).`;
  }
  return fix;
}

/**
 * Private DNS on for an Interface endpoint. Only one endpoint of a service per VPC can hold
 * the service's private DNS name: while another has it, turning it on here fails, and what
 * to do with this endpoint (delete it, or keep it for its own DNS names) is the owner's call.
 */
export function enablePrivateDnsFix(ctx: ClusterContext, endpoint: VpcEndpoint, service: string): Fix {
  const documentation = ENDPOINT_DOCS.privateDns;
  const id = endpoint.VpcEndpointId;
  const holder = ctx.view
    .endpointsInVpc(ctx.vpcId)
    .find(
      (other) =>
        other.VpcEndpointId !== id &&
        other.PrivateDnsEnabled === true &&
        endpointIsFor(other, ctx.view.region, service) === true &&
        endpointExists(other) === true,
    );
  if (holder) {
    return {
      commands: [],
      decide: `${holder.VpcEndpointId} already has private DNS for ${service} in ${ctx.vpcId}, so it cannot be turned on for ${id} too. If nothing uses the endpoint-specific DNS names of ${id}, delete it (aws ec2 delete-vpc-endpoints --region ${ctx.view.region} --vpc-endpoint-ids ${id}).`,
      documentation,
    };
  }
  const modify = awsCli('ec2', 'modify-vpc-endpoint', ctx.view.region, [
    ['vpc-endpoint-id', id],
    // For s3 the console pairs private DNS with "only for inbound Resolver endpoints", which
    // needs an s3 Gateway endpoint and leaves the nodes' traffic to it: a judged s3 Interface
    // endpoint with private DNS off has no Gateway beside it, so ask for the standard behaviour.
    ['dns-options', service === 's3' ? { PrivateDnsOnlyForInboundResolverEndpoint: false } : undefined],
    ['private-dns-enabled', true],
  ]);
  return { commands: [...dnsAttributeCommands(ctx), modify], documentation };
}

/** A subnet added to an Interface endpoint (one per Availability Zone). */
export function addSubnetFix(ctx: ClusterContext, endpointId: string, subnetId: string): Fix {
  return {
    commands: [
      awsCli('ec2', 'modify-vpc-endpoint', ctx.view.region, [
        ['vpc-endpoint-id', endpointId],
        ['add-subnet-ids', [subnetId]],
      ]),
    ],
    documentation: ENDPOINT_DOCS.subnets,
  };
}

/** Route tables attached to a Gateway endpoint (EC2 adds the prefix-list route to each). */
export function addRouteTablesFix(ctx: ClusterContext, endpointId: string, tableIds: readonly string[]): Fix {
  return {
    commands: [
      awsCli('ec2', 'modify-vpc-endpoint', ctx.view.region, [
        ['vpc-endpoint-id', endpointId],
        ['add-route-table-ids', tableIds],
      ]),
    ],
    documentation: ENDPOINT_DOCS.s3Gateway,
  };
}
