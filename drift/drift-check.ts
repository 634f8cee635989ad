/**
 * One run of the drift path (SPEC §8), whatever started it: collect the affected VPCs (or the whole Region),
 * evaluate their clusters, hold back whatever is still settling, record every judged result and alert on the
 * transitions this run won, then ask AWS Config to re-evaluate the rules that changed.
 */
import { collectSnapshot, type RawSnapshotJson } from '../aws/collect';
import { isNotFoundError } from '../aws/errors';
import type { AwsReader } from '../aws/reader';
import { parseSnapshot } from '../snapshot/load';
import type { Cluster } from '../snapshot/schema';
import { SnapshotView } from '../snapshot/view';
import { reevaluateChangedRules } from './config-reevaluation';
import type { DriftDeps, DriftOutcome, DriftRequest } from './drift-deps';
import { recordAndAlert } from './record-and-alert';
import { MAX_RECHECK_ATTEMPTS, scheduleRecheck } from './recheck-queue';
import { memberAccountOf } from '../aws/member-access';
import { settlingReasons } from './settle';

/**
 * The deps a request runs with: in an Organization hub, a member account's event reads, records and asks AWS Config
 * in that account (aws/member-access.ts); the Lambda's own account's are the deps as given.
 */
export function depsForAccount(
  deps: DriftDeps,
  request: Pick<DriftRequest, 'accountId' | 'region'>,
): DriftDeps {
  const member = memberAccountOf(deps.accountId, request.accountId);
  if (member === undefined) return deps;
  if (deps.member === undefined) {
    throw new Error(`event of account ${member}, but this deployment is not an Organization hub`);
  }
  const scope = deps.member(member, request.region);
  return { ...deps, store: scope.store, config: scope.config };
}

export async function runDriftCheck(given: DriftDeps, request: DriftRequest): Promise<DriftOutcome> {
  const deps = depsForAccount(given, request);
  const member = memberAccountOf(given.accountId, request.accountId);
  const outcome: DriftOutcome = {
    scope: request.vpcIds === null ? 'region' : request.vpcIds.length > 0 ? 'vpcs' : 'none',
    vpcIds: request.vpcIds === null ? [] : [...request.vpcIds],
    judgedClusters: [],
    settlingClusters: [],
    recheckEnqueued: false,
    alerts: [],
    forgottenClusters: [],
    configRulesStarted: [],
    configRulesDeferred: [],
  };
  const changedRules = new Set<string>(request.configRules ?? []);

  for (const name of request.deletedClusters ?? []) await forget(deps, name, outcome);

  if (outcome.scope !== 'none') {
    const reader = deps.readerFor(member, request.region);
    // Stamped before reading: a concurrent run that read later must win the state store's staleness check.
    const observedAt = deps.now();
    const raw = await collect(deps, reader, request, outcome);
    const view = new SnapshotView(parseSnapshot(raw));

    const deleting = view.clusters.filter((c) => c.status === 'deleting');
    for (const cluster of deleting) await forget(deps, cluster.name, outcome);
    if (outcome.scope === 'region') {
      // Clusters with state that the Region no longer lists were deleted while no event reached us.
      const present = new Set(view.clusters.map((c) => c.name));
      for (const name of await deps.store.listClusters()) {
        if (!present.has(name)) await forget(deps, name, outcome);
      }
    }

    const live = view.clusters.filter((c) => c.status !== 'deleting');
    const judged = await holdBackSettling(deps, request, view, live, outcome);
    const failures = await recordAndAlert(deps, request, view, judged, observedAt, outcome, changedRules);
    await reevaluateChangedRules(deps, request, changedRules, outcome);
    if (failures.length > 0) {
      // Thrown last, so state, other alerts and Config are done; the invocation fails into the retry/DLQ path.
      throw new AggregateError(failures, `${failures.length} alert(s) could not be published`);
    }
    return outcome;
  }
  await reevaluateChangedRules(deps, request, changedRules, outcome);
  return outcome;
}

/** A VPC named by an event may be gone by the time we read it: then only the whole Region is right. */
async function collect(
  deps: DriftDeps,
  reader: AwsReader,
  request: DriftRequest,
  outcome: DriftOutcome,
): Promise<RawSnapshotJson> {
  if (request.vpcIds === null) return collectSnapshot(reader);
  try {
    return await collectSnapshot(reader, { vpcIds: request.vpcIds });
  } catch (error) {
    if (!isNotFoundError(error)) throw error;
    deps.logger.info('a VPC of the event no longer exists; re-checking the whole Region', {
      error: (error as Error).message,
    });
    deps.metrics?.count('WholeRegionFallbacks');
    outcome.scope = 'region';
    outcome.vpcIds = [];
    return collectSnapshot(reader);
  }
}

async function forget(deps: DriftDeps, clusterName: string, outcome: DriftOutcome): Promise<void> {
  if (outcome.forgottenClusters.includes(clusterName)) return;
  await deps.store.forgetCluster(clusterName);
  outcome.forgottenClusters.push(clusterName);
}

/** Splits off settling clusters and schedules their re-check; returns the clusters to judge now. */
async function holdBackSettling(
  deps: DriftDeps,
  request: DriftRequest,
  view: SnapshotView,
  clusters: readonly Cluster[],
  outcome: DriftOutcome,
): Promise<Cluster[]> {
  const settling = clusters
    .map((cluster) => ({ cluster, reasons: settlingReasons(view, cluster) }))
    .filter((s) => s.reasons.length > 0);
  if (settling.length === 0) return [...clusters];
  const reason = settling.flatMap((s) => s.reasons).join('; ');
  if (request.attempt >= MAX_RECHECK_ATTEMPTS) {
    deps.logger.warn('still settling after the last re-check; evaluating anyway', {
      attempt: request.attempt,
      reason,
    });
    return [...clusters];
  }
  outcome.settlingClusters = settling.map((s) => s.cluster.name);
  outcome.recheckEnqueued = await scheduleRecheck(deps, {
    vpcIds: [...new Set(settling.map((s) => s.cluster.resourcesVpcConfig.vpcId))].sort(),
    attempt: request.attempt + 1,
    reason,
    ...(request.actor ? { actor: request.actor } : {}),
    ...(memberAccountOf(deps.accountId, request.accountId) ? { accountId: request.accountId } : {}),
  });
  deps.logger.info('holding back settling clusters for a re-check', {
    clusters: outcome.settlingClusters,
    attempt: request.attempt + 1,
    reason,
  });
  const held = new Set(outcome.settlingClusters);
  return clusters.filter((c) => !held.has(c.name));
}
