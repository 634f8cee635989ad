import type { ClusterContext } from '../../engine/cluster-context';
import { judgedInterfaceEndpoints, type JudgedEndpoint } from '../../network/endpoints';

const judgedByCluster = new WeakMap<
  ClusterContext,
  { requiredServices: readonly string[]; judged: readonly JudgedEndpoint[] }
>();

/**
 * SPEC §3's judged Interface endpoints of the cluster's VPC, found once per cluster: four
 * rules judge the same set, one after the other. Kept with the cluster's context, so the
 * answer never outlives it nor serves other parameters.
 */
export function judgedEndpointsOf(
  ctx: ClusterContext,
  requiredServices: readonly string[],
): readonly JudgedEndpoint[] {
  const known = judgedByCluster.get(ctx);
  if (known && known.requiredServices === requiredServices) return known.judged;
  const judged = judgedInterfaceEndpoints(ctx.view, ctx.vpcId, requiredServices);
  judgedByCluster.set(ctx, { requiredServices, judged });
  return judged;
}
