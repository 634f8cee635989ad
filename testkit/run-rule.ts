import { buildClusterContext } from '../engine/cluster-context';
import { evaluateRule } from '../engine/evaluate';
import type { Outcome } from '../engine/findings';
import { parseParams } from '../engine/params';
import type { Rule } from '../engine/rule';
import type { RawSnapshot } from './private-cluster';
import { viewOf } from './view';

/**
 * Runs one rule through the whole engine path (validation, SPEC §4 steps 1–5) for one
 * cluster of a raw snapshot: the first one unless `clusterName` is given.
 */
export function runRule(
  rule: Rule,
  raw: RawSnapshot | Record<string, unknown>,
  params: Record<string, string> = {},
  clusterName?: string,
): Outcome {
  const view = viewOf(raw);
  const cluster = clusterName ? view.clusters.find((c) => c.name === clusterName) : view.clusters[0];
  if (!cluster) throw new Error(`test snapshot has no cluster ${clusterName ?? ''}`);
  const parsed = parseParams(params);
  return evaluateRule(rule, buildClusterContext(view, cluster, parsed), parsed);
}
