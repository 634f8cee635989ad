/**
 * Whether a cluster's resources are still settling after an API call (SPEC §8): UpdateClusterConfig leaves the
 * cluster UPDATING, a new endpoint is pending (or pendingAcceptance until the service owner accepts it), a deleted one
 * is deleting. Judging such an intermediate state would alert on something that is about to change again, so the
 * drift path re-checks later instead.
 */
import type { Cluster } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';

// The snapshot schema lower-cases enum values, so these are compared lower-case.
const SETTLING_CLUSTER_STATUSES = new Set(['updating', 'creating']);
const SETTLING_ENDPOINT_STATES = new Set(['pending', 'pendingacceptance', 'deleting']);

/** Why `cluster` cannot be judged yet; empty when everything it depends on has settled. */
export function settlingReasons(view: SnapshotView, cluster: Cluster): string[] {
  const reasons: string[] = [];
  if (cluster.status !== undefined && SETTLING_CLUSTER_STATUSES.has(cluster.status)) {
    reasons.push(`cluster ${cluster.name} is ${cluster.status}`);
  }
  for (const endpoint of view.endpointsInVpc(cluster.resourcesVpcConfig.vpcId)) {
    if (endpoint.State !== undefined && SETTLING_ENDPOINT_STATES.has(endpoint.State)) {
      reasons.push(`${endpoint.VpcEndpointId} is ${endpoint.State}`);
    }
  }
  return reasons;
}
