import type { ClusterContext } from '../engine/cluster-context';
import type { Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { known, not } from '../network/tri';
import type { Route, RouteTable } from '../snapshot/schema';

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
  verdict.check(
    not(known(subnet.MapPublicIpOnLaunch)),
    `${subnetId} assigns public IPv4 addresses at launch (MapPublicIpOnLaunch)`,
    [subnetId],
    `${subnetId}: MapPublicIpOnLaunch is absent`,
  );
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

/** One violation per table, listing its offending routes, so a table shared by many subnets reads once. */
function checkRoutes(table: RouteTable, subnetIds: string[], params: Params, verdict: Verdict): void {
  const offending = table.Routes.flatMap((route) => {
    const target = egressTarget(route);
    return target && isActive(route) && !isAllowed(target, params.egressMode) ? [{ route, target }] : [];
  });
  if (offending.length === 0) return;
  const routes = offending.map(
    ({ route, target }) => `${destinationOf(route)} to ${target.kind} ${target.id}`,
  );
  verdict.fail(
    `${subnetIds.join(', ')}: route table ${table.RouteTableId} sends ${routes.join(', ')}`,
    ...subnetIds,
    table.RouteTableId,
    ...offending.map(({ target }) => target.id),
  );
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
      checkRoutes(table, subnetIds, params, verdict);
    }
    const count = ctx.nodeSubnets.ids.length;
    return verdict.outcome(
      params.egressMode === 'nat'
        ? `${count} node subnets: no public IPs at launch, no internet gateway route (NAT allowed)`
        : `${count} node subnets: no public IPs at launch, no route to an internet, NAT or egress-only gateway`,
    );
  },
};
