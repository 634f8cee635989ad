/**
 * One AWS Config custom-rule invocation (SPEC §7): which clusters to evaluate for the notification, one rule over
 * them, and the results written with PutEvaluations. Any AWS read error propagates, so Lambda retries rather than
 * writing a guess.
 */
import { memberAccountOf } from '../aws/member-access';
import type { AwsReader } from '../aws/reader';
import { evaluateCluster } from '../engine/evaluate';
import type { SnapshotView } from '../snapshot/view';
import type { CollectionCache, CollectionScope } from './collection-cache';
import {
  evaluatedClusterNames,
  putEvaluations,
  toEvaluation,
  type ClusterResult,
  type ConfigClient,
} from './evaluations';
import { parseConfigRuleEvent, type ParsedEvent } from './notification';
import { DEFAULT_RULE_NAME_PREFIX, selectRule, type SelectedRule } from './rule-selection';
import { CLUSTER_TYPE, resolveTarget, type CollectionTarget } from './scope';
import type { GuardLogger } from '../telemetry/log';
import type { GuardMetrics } from '../telemetry/metrics';

export type EvaluatorLog = GuardLogger;

/** What the evaluator uses in one member account (an Organization hub, deploy/org). */
export interface MemberEvaluatorScope {
  /** Reads through the member's read-only role. */
  reader: AwsReader;
  /** The member's AWS Config with the config-reporter role's credentials: PutEvaluations, GetComplianceDetails. */
  config: ConfigClient;
}

export interface EvaluatorDeps {
  reader: AwsReader;
  config: ConfigClient;
  cache: CollectionCache;
  /**
   * The Lambda's own account (from its ARN). Set, an invocation whose `accountId` is another account's (a member's
   * organization rule) is evaluated in that account through `member`; absent, every invocation is the own account's.
   */
  accountId?: string;
  /** The member account's reader and Config, in the Lambda's Region (an Organization hub only). */
  member?(accountId: string, region: string): MemberEvaluatorScope;
  log?: EvaluatorLog;
  /** CONFIG_RULE_NAME_PREFIX. */
  ruleNamePrefix?: string;
  /** Counts for operators (telemetry/metrics.ts); absent = not counted. */
  metrics?: GuardMetrics;
  now?: () => Date;
}

/** What one invocation did, for the log and for tests. */
export interface InvocationSummary {
  configRuleName: string;
  ruleId: string;
  notification: ParsedEvent['notification']['kind'];
  /** What was collected; undefined = nothing. */
  scope: CollectionScope | undefined;
  results: ClusterResult[];
  written: number;
  /** Clusters left unwritten because the result was INSUFFICIENT_DATA. */
  insufficient: string[];
  putCalls: number;
  /** The member account evaluated (an organization rule's invocation); absent = the Lambda's own. */
  accountId?: string;
}

const SILENT: EvaluatorLog = { info: () => undefined, warn: () => undefined };

function notApplicable(clusterName: string, why: string): ClusterResult {
  return { clusterName, compliance: 'NOT_APPLICABLE', annotation: why };
}

function evaluateClusters(
  view: SnapshotView,
  selected: SelectedRule,
  vpcIds: readonly string[] | undefined,
): ClusterResult[] {
  const inScope = vpcIds ? new Set(vpcIds) : undefined;
  return view.clusters
    .filter((cluster) => !inScope || inScope.has(cluster.resourcesVpcConfig?.vpcId ?? ''))
    .map((cluster) => {
      const [finding] = evaluateCluster(view, cluster, [selected.rule], selected.params);
      return {
        clusterName: finding!.resourceId,
        compliance: finding!.compliance,
        annotation: finding!.annotation,
      };
    });
}

/** The reader, Config client and cache account of one invocation: the own account's, or a member's. */
interface AccountScope {
  reader: AwsReader;
  config: ConfigClient;
  cache: CollectionCache;
  /** The member account; undefined = the Lambda's own. */
  account: string | undefined;
}

async function scheduledResults(
  deps: AccountScope,
  event: ParsedEvent,
  selected: SelectedRule,
): Promise<{ scope: CollectionScope; results: ClusterResult[] }> {
  const scope: CollectionScope = { wholeRegion: true };
  const [view, evaluated] = await Promise.all([
    deps.cache.view(deps.reader, scope, deps.account),
    evaluatedClusterNames(deps.config, event.configRuleName),
  ]);
  const results = evaluateClusters(view, selected, undefined);
  const existing = new Set(view.clusters.map((c) => c.name));
  for (const name of evaluated) {
    if (!existing.has(name)) results.push(notApplicable(name, `cluster ${name} no longer exists`));
  }
  return { scope, results };
}

async function changeResults(
  deps: AccountScope,
  event: ParsedEvent,
  selected: SelectedRule,
  log: EvaluatorLog,
): Promise<{ scope: CollectionScope | undefined; results: ClusterResult[] }> {
  const { notification } = event;
  if (notification.kind === 'scheduled') throw new Error('unreachable');
  const { resource } = notification;
  if (event.eventLeftScope) {
    // Only a cluster can carry an evaluation; a related resource leaving scope changes no cluster's result by itself.
    return {
      scope: undefined,
      results:
        resource.resourceType === CLUSTER_TYPE
          ? [notApplicable(resource.resourceId, `cluster ${resource.resourceId} left the rule's scope`)]
          : [],
    };
  }
  // An oversized summary is never trusted for content: resolveTarget reads the resource itself.
  const target: CollectionTarget = await resolveTarget(deps.reader, resource);
  if ('nothing' in target) {
    log.info('nothing to evaluate', { reason: target.nothing });
    return { scope: undefined, results: [] };
  }
  if ('clusterGone' in target) {
    return {
      scope: undefined,
      results: [notApplicable(target.clusterGone, `cluster ${target.clusterGone} no longer exists`)],
    };
  }
  if ('wholeRegion' in target) log.info('collecting the whole Region', { reason: target.reason });
  const scope: CollectionScope = 'vpcIds' in target ? { vpcIds: target.vpcIds } : { wholeRegion: true };
  const view = await deps.cache.view(deps.reader, scope, deps.account);
  const results = evaluateClusters(view, selected, 'vpcIds' in target ? target.vpcIds : undefined);
  if (resource.resourceType === CLUSTER_TYPE && !results.some((r) => r.clusterName === resource.resourceId)) {
    // E.g. a cluster still being created has no tagged cluster security group yet; the periodic run covers it.
    log.warn('changed cluster not found in its VPC', { cluster: resource.resourceId });
  }
  return { scope, results };
}

/**
 * The invocation's account: a member's organization rule (its `accountId` is not the Lambda's own) is read through
 * the member's reader role and answered with the config-reporter role's credentials; the Lambda's own account, and
 * every invocation of a deployment that does not know its account, as given.
 */
function accountScope(event: ParsedEvent, deps: EvaluatorDeps): AccountScope {
  const own = { reader: deps.reader, config: deps.config, cache: deps.cache, account: undefined };
  const member = memberAccountOf(deps.accountId, event.accountId);
  if (member === undefined) return own;
  if (!deps.member) {
    throw new Error(`invocation for account ${member}, but this evaluator has no access to member accounts`);
  }
  const scope = deps.member(member, deps.reader.region);
  return { reader: scope.reader, config: scope.config, cache: deps.cache, account: member };
}

/** Handles one Config rule event end to end. */
export async function handleConfigRuleEvent(
  rawEvent: unknown,
  deps: EvaluatorDeps,
): Promise<InvocationSummary> {
  const log = deps.log ?? SILENT;
  const event = parseConfigRuleEvent(rawEvent, deps.now);
  const scoped = accountScope(event, deps);
  const selected = selectRule(
    event.configRuleName,
    event.ruleParameters,
    deps.ruleNamePrefix ?? DEFAULT_RULE_NAME_PREFIX,
  );
  const { notification } = event;
  const { scope, results } =
    notification.kind === 'scheduled'
      ? await scheduledResults(scoped, event, selected)
      : await changeResults(scoped, event, selected, log);

  const evaluations = [];
  const insufficient: string[] = [];
  for (const result of results) {
    const evaluation = toEvaluation(result, notification.orderingTimestamp);
    if (evaluation) evaluations.push(evaluation);
    else insufficient.push(result.clusterName);
  }
  for (const name of insufficient) {
    const result = results.find((r) => r.clusterName === name)!;
    log.warn('INSUFFICIENT_DATA not written', { cluster: name, annotation: result.annotation });
  }
  const putCalls = await putEvaluations(scoped.config, event.resultToken, evaluations);
  deps.metrics?.count('EvaluationsWritten', evaluations.length);
  const summary: InvocationSummary = {
    configRuleName: event.configRuleName,
    ruleId: selected.rule.meta.id,
    notification: notification.kind,
    scope,
    results,
    written: evaluations.length,
    insufficient,
    putCalls,
    ...(scoped.account === undefined ? {} : { accountId: scoped.account }),
  };
  log.info('evaluations written', {
    configRuleName: summary.configRuleName,
    ...(scoped.account === undefined ? {} : { accountId: scoped.account }),
    notification: summary.notification,
    written: summary.written,
    insufficient: insufficient.length,
    putCalls,
  });
  return summary;
}
