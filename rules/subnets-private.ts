import type { ClusterContext } from '../engine/cluster-context';
import type { Detail, Fix } from '../engine/findings';
import type { Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { known, not } from '../network/tri';
import type { Route, RouteTable } from '../snapshot/schema';
import { isActiveAssociation } from '../snapshot/view';
import { resourceTypeOf } from '../fixes/resource-types';
import { deleteRoute, ROUTE_TABLES_DOCUMENTATION } from '../fixes/route-table-routes';
import { stopPublicIpOnLaunch, SUBNET_PUBLIC_IP_DOCUMENTATION } from '../fixes/subnet-attributes';

interface EgressTarget {
  kind: 'internet gateway' | 'NAT gateway' | 'egress-only internet gateway';
  id: string;
}

/** The internet egress a route leads to, if any (transit gateways, peering and NAT instances are not). */
function egressTarget(route: Route): EgressTarget | undefined {
  if (route.GatewayId?.startsWith('igw-')) return { kind: 'internet gateway', id: route.GatewayId };
  if (route.NatGatewayId) return { kind: 'NAT gateway', id: route.NatGatewayId };
  if (route.EgressOnlyInternetGatewayId) {
    return { kind: 'egress-only internet gateway', id: route.EgressOnlyInternetGatewayId };
  }
  return undefined;
}

/** A blackhole route carries no traffic; an absent State is taken as active (it may carry traffic). */
function isActive(route: Route): boolean {
  return route.State === undefined || route.State === 'active';
}

function isAllowed(target: EgressTarget, egressMode: Params['egressMode']): boolean {
  return egressMode === 'nat' && target.kind !== 'internet gateway';
}

function destinationOf(route: Route): string {
  return (
    route.DestinationCidrBlock ??
    route.DestinationIpv6CidrBlock ??
    route.DestinationPrefixListId ??
    '(no destination)'
  );
}

function checkPublicIp(ctx: ClusterContext, subnetId: string, verdict: Verdict): void {
  const subnet = ctx.view.subnet(subnetId);
  if (subnet === undefined) {
    verdict.unknown(`${subnetId} is not in ec2.Subnets`, subnetId);
    return;
  }
  const judged = verdict.check(
    not(known(subnet.MapPublicIpOnLaunch)),
    `${subnetId} assigns public IPv4 addresses at launch (MapPublicIpOnLaunch)`,
    [subnetId],
    `${subnetId}: MapPublicIpOnLaunch is absent`,
  );
  if (judged === false) {
    verdict.because({
      resourceId: subnetId,
      resourceType: resourceTypeOf(subnetId),
      problem:
        `${subnetId} gives every instance launched in it a public IPv4 address (MapPublicIpOnLaunch is true); ` +
        'instances already running keep theirs until they are replaced',
      fix: {
        commands: [stopPublicIpOnLaunch(ctx.view.region, subnetId)],
        documentation: SUBNET_PUBLIC_IP_DOCUMENTATION,
      },
    });
  }
}

/** Groups node subnets by effective route table, so a shared table's routes are reported once. */
function effectiveTables(ctx: ClusterContext, verdict: Verdict): Map<RouteTable, string[]> {
  const tables = new Map<RouteTable, string[]>();
  for (const subnetId of ctx.nodeSubnets.ids) {
    const lookup = ctx.view.effectiveRouteTable(subnetId, ctx.vpcId);
    if (lookup.found === undefined) {
      verdict.unknown(
        lookup.reason.includes(subnetId) ? lookup.reason : `${subnetId}: ${lookup.reason}`,
        subnetId,
      );
    } else {
      tables.set(lookup.found, [...(tables.get(lookup.found) ?? []), subnetId]);
    }
  }
  return tables;
}

/**
 * The subnets besides the cluster's node subnets that route through `table`: those associated
 * with it and, for the VPC's main table, those of the VPC associated with no table.
 */
function otherSubnetsOf(ctx: ClusterContext, table: RouteTable): { main: boolean; others: string[] } {
  const nodeSubnets = new Set(ctx.nodeSubnets.ids);
  const active = table.Associations.filter(isActiveAssociation);
  const main = active.some((a) => a.Main === true);
  const others = new Set<string>();
  for (const { SubnetId } of active) if (SubnetId && !nodeSubnets.has(SubnetId)) others.add(SubnetId);
  if (main) {
    for (const { SubnetId } of ctx.view.subnetsInVpc(ctx.vpcId)) {
      if (nodeSubnets.has(SubnetId)) continue;
      if (ctx.view.effectiveRouteTable(SubnetId, ctx.vpcId).found === table) others.add(SubnetId);
    }
  }
  return { main, others: [...others] };
}

/**
 * Deleting the route is safe only while the table serves this cluster's node subnets alone;
 * otherwise other subnets may depend on it, and the user decides.
 */
function routeFix(
  ctx: ClusterContext,
  table: RouteTable,
  subnetIds: readonly string[],
  route: Route,
): Omit<Fix, 'documentation'> {
  const tableId = table.RouteTableId;
  const command = deleteRoute(ctx.view.region, tableId, route);
  if (command === undefined) {
    return {
      commands: [],
      decide:
        `The snapshot shows no destination for this route of ${tableId}: look it up (aws ec2 describe-route-tables ` +
        `--route-table-ids ${tableId}) and delete it with aws ec2 delete-route.`,
    };
  }
  const { main, others } = otherSubnetsOf(ctx, table);
  if (!main && others.length === 0) return { commands: [command] };
  const serves = [
    ...(main
      ? [`is the main route table of ${ctx.vpcId}, used by every subnet without a route table of its own`]
      : []),
    ...(others.length > 0 ? [`also serves ${others.join(', ')}`] : []),
  ].join(' and ');
  return {
    commands: [],
    decide:
      `${tableId} ${serves}, so deleting the route takes it from them too. Decide whether they need it. If ` +
      `not, delete it: ${command}. If they do, give ${subnetIds.join(', ')} a route table of their own without ` +
      `it: create one in ${ctx.vpcId} (aws ec2 create-route-table), add the routes they still need (an s3 ` +
      'gateway endpoint adds its own: aws ec2 modify-vpc-endpoint --add-route-table-ids), then move each ' +
      'subnet to it (aws ec2 replace-route-table-association, or aws ec2 associate-route-table for a subnet ' +
      'on the main table).',
  };
}

function routeDetail(
  ctx: ClusterContext,
  table: RouteTable,
  subnetIds: readonly string[],
  params: Params,
  { route, target }: { route: Route; target: EgressTarget },
): Detail {
  const accepted =
    params.egressMode === 'none' && target.kind !== 'internet gateway'
      ? ' (egressMode=nat would accept it)'
      : '';
  return {
    resourceId: table.RouteTableId,
    resourceType: resourceTypeOf(table.RouteTableId),
    problem:
      `route table ${table.RouteTableId} of node subnets ${subnetIds.join(', ')} sends ${destinationOf(route)} ` +
      `to ${target.kind} ${target.id}${accepted}`,
    fix: { ...routeFix(ctx, table, subnetIds, route), documentation: ROUTE_TABLES_DOCUMENTATION },
  };
}

/** One violation per table, listing its offending routes, so a table shared by many subnets reads once. */
function checkRoutes(
  ctx: ClusterContext,
  table: RouteTable,
  subnetIds: string[],
  params: Params,
  verdict: Verdict,
): void {
  const offending = table.Routes.flatMap((route) => {
    const target = egressTarget(route);
    return target && isActive(route) && !isAllowed(target, params.egressMode) ? [{ route, target }] : [];
  });
  if (offending.length === 0) return;
  const routes = offending.map(
    ({ route, target }) => `${destinationOf(route)} to ${target.kind} ${target.id}`,
  );
  verdict
    .fail(
      `${subnetIds.join(', ')}: route table ${table.RouteTableId} sends ${routes.join(', ')}`,
      ...subnetIds,
      table.RouteTableId,
      ...offending.map(({ target }) => target.id),
    )
    .because(...offending.map((found) => routeDetail(ctx, table, subnetIds, params, found)));
}

/** Node subnets of a private cluster have no path to the internet (or only through NAT, if allowed). */
export const subnetsPrivate: Rule = {
  meta: {
    id: 'SUBNETS_PRIVATE',
    title: 'Node subnets are private (no public IPs, no internet egress)',
    severity: 'high',
    rationale:
      'A private cluster relies on nodes having no internet path: a public IP or an internet, NAT or egress-only gateway route lets nodes and pods bypass the VPC endpoints and their policies, exfiltrate data, and pull unvetted images, and hides missing endpoints until the route is removed.',
    remediation:
      'Remove the route: aws ec2 delete-route --route-table-id <rtb> --destination-cidr-block 0.0.0.0/0 (or --destination-ipv6-cidr-block ::/0), or associate a private route table; stop public IPs: aws ec2 modify-subnet-attribute --subnet-id <subnet> --no-map-public-ip-on-launch; set egressMode=nat if NAT egress is intended',
    documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html',
    parameters: ['egressMode', 'nodeSubnetIds'],
    needs: ['Subnets', 'RouteTables'],
    shortCut: (params) =>
      params.egressMode === 'any'
        ? {
            compliance: 'COMPLIANT',
            annotation: 'egressMode=any: internet egress from node subnets is accepted',
          }
        : undefined,
  },
  evaluate(ctx, params) {
    const verdict = new Verdict();
    for (const reason of ctx.nodeSubnets.unknown) verdict.unknown(reason);
    for (const subnetId of ctx.nodeSubnets.ids) checkPublicIp(ctx, subnetId, verdict);
    for (const [table, subnetIds] of effectiveTables(ctx, verdict)) {
      checkRoutes(ctx, table, subnetIds, params, verdict);
    }
    const count = ctx.nodeSubnets.ids.length;
    return verdict.outcome(
      params.egressMode === 'nat'
        ? `${count} node subnets: no public IPs at launch, no internet gateway route (NAT allowed)`
        : `${count} node subnets: no public IPs at launch, no route to an internet, NAT or egress-only gateway`,
    );
  },
};
