/** Removing one route from a route table: `aws ec2 delete-route`, by the destination the route has. */
import type { Route } from '../snapshot/schema';
import { awsCli, type CliParam } from './aws-cli';

export const ROUTE_TABLES_DOCUMENTATION =
  'https://docs.aws.amazon.com/vpc/latest/userguide/WorkWithRouteTables.html';

/** DeleteRoute names a route by exactly one destination; undefined for a route with none. */
function destinationParam(route: Route): CliParam | undefined {
  if (route.DestinationCidrBlock !== undefined) return ['destination-cidr-block', route.DestinationCidrBlock];
  if (route.DestinationIpv6CidrBlock !== undefined) {
    return ['destination-ipv6-cidr-block', route.DestinationIpv6CidrBlock];
  }
  if (route.DestinationPrefixListId !== undefined) {
    return ['destination-prefix-list-id', route.DestinationPrefixListId];
  }
  return undefined;
}

export function deleteRoute(region: string, routeTableId: string, route: Route): string | undefined {
  const destination = destinationParam(route);
  return (
    destination && awsCli('ec2', 'delete-route', region, [['route-table-id', routeTableId], destination])
  );
}
