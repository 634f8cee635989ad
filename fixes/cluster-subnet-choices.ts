/**
 * Subnets a user could give a cluster instead of (or besides) its own, for the `decide` of
 * SUBNETS_MULTI_AZ and SUBNETS_FREE_IPS. Which one suits (private, sized, meant for the
 * cluster) only the user knows, so these are listed, never chosen.
 */
import { byText } from '../engine/findings';
import type { Subnet } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';

export const CLUSTER_SUBNETS_DOCUMENTATION =
  'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#cluster-subnets';

/** Enough to choose from; the rest are counted. */
const SHOWN_PER_ZONE = 5;

/** Subnets of `vpcId` that `accept` keeps, by Availability Zone (sorted), most free addresses first. */
export function subnetsByZone(
  view: SnapshotView,
  vpcId: string,
  accept: (subnet: Subnet, zone: string) => boolean,
): Map<string, Subnet[]> {
  const zones = new Map<string, Subnet[]>();
  for (const subnet of view.subnetsInVpc(vpcId)) {
    const zone = subnet.AvailabilityZone;
    if (zone === undefined || !accept(subnet, zone)) continue;
    zones.set(zone, [...(zones.get(zone) ?? []), subnet]);
  }
  const free = (subnet: Subnet) => subnet.AvailableIpAddressCount ?? -1;
  for (const list of zones.values()) list.sort((a, b) => free(b) - free(a));
  return new Map([...zones].sort(([a], [b]) => byText(a, b)));
}

/** `eu-west-1b: subnet-0a (8150 free addresses), subnet-0b (12 free addresses); eu-west-1c: …`. */
export function describeByZone(zones: ReadonlyMap<string, readonly Subnet[]>): string {
  return [...zones]
    .map(([zone, subnets]) => {
      const shown = subnets.slice(0, SHOWN_PER_ZONE).map((subnet) => {
        const free = subnet.AvailableIpAddressCount;
        const count =
          free === undefined ? 'free addresses unknown' : `${free} free address${free === 1 ? '' : 'es'}`;
        return `${subnet.SubnetId} (${count})`;
      });
      const more = subnets.length - shown.length;
      return `${zone}: ${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
    })
    .join('; ');
}
