import type { Service } from '../aws/reader';
import { AWS_BUCKETS, MAX_PAGE, type CallBudget } from '../testkit/fake-aws';
import type { RawSnapshot } from '../testkit/private-cluster';

/** The fakes' latency per attempt in the collection benchmarks, and its mean (a dependent round's cost). */
export const LATENCY = { min: 20, max: 50 };
export const MEAN_LATENCY_MS = (LATENCY.min + LATENCY.max) / 2;
const SERVICES: readonly Service[] = ['ec2', 'eks', 'sts'];

const pagesOf = (n: number, action: string) => Math.max(1, Math.ceil(n / (MAX_PAGE[action] ?? Infinity)));

/**
 * The token-bucket floor of a whole-Region collection, in seconds (see the header), from the
 * calls each service actually received (the minimum when the collector is at it).
 */
export function floorSeconds(
  account: RawSnapshot,
  minimum: CallBudget,
): { seconds: number; service: Service } {
  const { ec2, eks } = account;
  const callsOf = (service: Service) =>
    Object.entries(minimum.byAction)
      .filter(([action]) => action.startsWith(`${service}:`))
      .reduce((sum, [, n]) => sum + n, 0);
  const listClusters = pagesOf(eks.clusters.length, 'eks:ListClusters');
  const perCluster = Math.max(
    0,
    ...eks.clusters.map((c) => {
      const ng = eks.nodegroups[String(c.name)]?.length ?? 0;
      const fp = eks.fargateProfiles?.[String(c.name)]?.length ?? 0;
      return Math.max(
        pagesOf(ng, 'eks:ListNodegroups') + (ng > 0 ? 1 : 0),
        pagesOf(fp, 'eks:ListFargateProfiles') + (fp > 0 ? 1 : 0),
      );
    }),
  );
  const rounds: Record<Service, number> = {
    sts: 1,
    // ListNodegroups and ListFargateProfiles need only the cluster's name: they run beside DescribeCluster.
    eks: listClusters + (eks.clusters.length > 0 ? Math.max(1, perCluster) : 0),
    ec2: Math.max(
      pagesOf(ec2.Vpcs.length, 'ec2:DescribeVpcs'),
      pagesOf(ec2.Subnets.length, 'ec2:DescribeSubnets'),
      pagesOf(ec2.RouteTables.length, 'ec2:DescribeRouteTables'),
      pagesOf(ec2.NetworkAcls.length, 'ec2:DescribeNetworkAcls'),
      pagesOf(ec2.VpcEndpoints.length, 'ec2:DescribeVpcEndpoints'),
      pagesOf(ec2.SecurityGroups.length, 'ec2:DescribeSecurityGroups') +
        ((minimum.byAction['ec2:GetManagedPrefixListEntries'] ?? 0) > 0 ? 1 : 0),
      eks.clusters.length > 0 ? listClusters + 2 : 0,
    ),
  };
  let best = { seconds: 0, service: 'sts' as Service };
  for (const service of SERVICES) {
    const bucket = AWS_BUCKETS[service];
    const bucketSeconds = bucket
      ? Math.max(0, callsOf(service) - bucket.capacity) / bucket.refillPerSecond
      : 0;
    const seconds = bucketSeconds + (rounds[service] * MEAN_LATENCY_MS) / 1000;
    if (seconds > best.seconds) best = { seconds, service };
  }
  return best;
}
