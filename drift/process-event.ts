/**
 * The drift path of SPEC §8, shared by the CloudTrail event handler, the delayed re-check queue and the scheduled
 * sweep: collect the affected VPCs (or the whole Region), evaluate their clusters, hold back whatever is still
 * settling, record every judged result with a conditional write and alert on the transitions this call won, then ask
 * AWS Config to re-evaluate the rules that changed. Every client, the store, the publisher and the clock are injected.
 */
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import pLimit from 'p-limit';
import {
  ALERT_CHANNELS,
  AlertPublishError,
  type AlertChannel,
  type PublishOptions,
} from '../alerts/sns-publisher';
import { ruleFacts, type Actor, type Partition, type Transition } from '../alerts/transition';
import { collectSnapshot, type RawSnapshotJson } from '../aws/collect';
import { isNotFoundError } from '../aws/errors';
import type { AwsReader } from '../aws/reader';
import { configFileShape, configRuleIds, parameterTexts } from '../engine/guard-config';
import { evaluateCluster } from '../engine/evaluate';
import type { Finding } from '../engine/findings';
import { parseParams, type Params } from '../engine/params';
import { configRuleName, type Rule } from '../engine/rule';
import { RULES, ruleById } from '../rules';
import { parseSnapshot } from '../snapshot/load';
import type { Cluster } from '../snapshot/schema';
import { SnapshotView } from '../snapshot/view';
import type { AlertClaim, RecordResult, StateStore } from '../state/state-store';
import { affectedResources } from './affected-resources';
import { startConfigRulesEvaluation } from './config-reevaluation';
import { MAX_RECHECK_ATTEMPTS, type RecheckMessage, type RecheckQueue } from './recheck-queue';
import { resolveVpcs } from './resolve-vpcs';
import { settlingReasons } from './settle';
import * as z from 'zod';

export interface DriftLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}

/** The stage's rules and parameters (GUARD_CONFIG), parsed once per container. */
export interface GuardConfig {
  rules: readonly Rule[];
  params: Params;
}

export interface DriftDeps {
  /** A reader for a Region (events name theirs; the handler caches one per Region). */
  readerFor(region: string): AwsReader;
  store: Pick<StateStore, 'record' | 'forgetCluster' | 'listClusters' | 'markAlerted' | 'releaseAlertClaim'>;
  publisher: { publish(transition: Transition, options?: PublishOptions): Promise<unknown> };
  recheckQueue: Pick<RecheckQueue, 'enqueue'>;
  config: ConfigServiceClient;
  guard: GuardConfig;
  /** CONFIG_RULE_NAME_PREFIX; default `private-eks-` (configRuleName's own prefix). */
  configRuleNamePrefix?: string;
  now(): Date;
  logger: DriftLogger;
}

/** One run of the drift path. */
export interface DriftRequest {
  region: string;
  /** null = the whole Region; [] = no collection (only `configRules` to retry). */
  vpcIds: readonly string[] | null;
  /** 0 for a fresh event or sweep; n for the n-th delayed re-check. */
  attempt: number;
  /** Who made the change; absent for the sweep. */
  actor?: Actor;
  /** Stored as the state's last event id: the CloudTrail eventID, or a synthetic id. */
  eventId: string;
  /** Clusters the event deleted: their state is forgotten whether or not they are still listed. */
  deletedClusters?: readonly string[];
  /** Config rule names whose re-evaluation an earlier run could not start. */
  configRules?: readonly string[];
}

export interface DriftOutcome {
  scope: 'vpcs' | 'region' | 'none';
  vpcIds: string[];
  judgedClusters: string[];
  settlingClusters: string[];
  recheckEnqueued: boolean;
  /** `resent`: the alert of an earlier run's transition whose publish had failed. */
  alerts: { clusterName: string; ruleId: string; kind: 'NEW_VIOLATION' | 'RESOLVED'; resent?: true }[];
  forgottenClusters: string[];
  configRulesStarted: string[];
  configRulesDeferred: string[];
}

const DEFAULT_PREFIX = 'private-eks-';
const RECORD_CONCURRENCY = 8;

const GuardConfigSchema = z.strictObject({
  rules: configFileShape.rules,
  parameters: configFileShape.parameters,
});

/** GUARD_CONFIG (`{"rules":[ids],"parameters":{name:text}}`); absent = every rule with default parameters. */
export function parseGuardConfig(text: string | undefined): GuardConfig {
  const parsed = GuardConfigSchema.parse(text === undefined || text.trim() === '' ? {} : JSON.parse(text));
  const ids = configRuleIds(parsed);
  const rules =
    ids === undefined
      ? RULES
      : ids.map((raw) => {
          const id = raw.trim();
          const rule = ruleById(id);
          if (!rule) throw new Error(`GUARD_CONFIG names unknown rule ${JSON.stringify(id)}`);
          return rule;
        });
  return { rules, params: parseParams(parameterTexts(parsed)) };
}

/** The deployed Config rule name of `ruleId`, under the stage's prefix. */
export function deployedConfigRuleName(ruleId: string, prefix = DEFAULT_PREFIX): string {
  return prefix + configRuleName(ruleId).slice(DEFAULT_PREFIX.length);
}

function get(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function text(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : 'unknown';
}

/** Who made the change, as SPEC §8 names it. */
export function actorOf(event: unknown): Actor {
  const detail = get(event, 'detail');
  return {
    userIdentityArn: text(get(detail, 'userIdentity', 'arn')),
    sourceIPAddress: text(get(detail, 'sourceIPAddress')),
    eventName: text(get(detail, 'eventName')),
    eventTime: text(get(detail, 'eventTime')),
    eventID: text(get(detail, 'eventID')),
  };
}

/** Runs the drift path for one EventBridge CloudTrail event. */
export async function processCloudTrailEvent(
  deps: DriftDeps,
  event: unknown,
  defaultRegion: string,
): Promise<DriftOutcome> {
  const region =
    typeof get(event, 'detail', 'awsRegion') === 'string'
      ? String(get(event, 'detail', 'awsRegion'))
      : defaultRegion;
  const actor = actorOf(event);
  const scope = await resolveVpcs(deps.readerFor(region), affectedResources(event));
  if ('wholeRegion' in scope) {
    deps.logger.info('drift event re-checks the whole Region', {
      reason: scope.reason,
      eventID: actor.eventID,
    });
  }
  const deletedClusters: string[] = [];
  if (actor.eventName === 'DeleteCluster') {
    const name = get(event, 'detail', 'requestParameters', 'name');
    if (typeof name === 'string' && name !== '') deletedClusters.push(name);
  }
  return runDriftCheck(deps, {
    region,
    vpcIds: 'wholeRegion' in scope ? null : scope.vpcIds,
    attempt: 0,
    actor,
    eventId: actor.eventID === 'unknown' ? `event:${deps.now().toISOString()}` : actor.eventID,
    deletedClusters,
  });
}

/** Runs the drift path for one message of the delayed re-check queue. */
export function processRecheckMessage(
  deps: DriftDeps,
  message: RecheckMessage,
  region: string,
): Promise<DriftOutcome> {
  return runDriftCheck(deps, {
    region,
    vpcIds: message.vpcIds,
    attempt: message.attempt,
    ...(message.event ? { actor: message.event } : {}),
    eventId: message.event?.eventID ?? `recheck:${deps.now().toISOString()}`,
    ...(message.configRules ? { configRules: message.configRules } : {}),
  });
}

/** The scheduled sweep: the whole Region, nobody to attribute a change to. */
export function processSweep(deps: DriftDeps, region: string): Promise<DriftOutcome> {
  return runDriftCheck(deps, {
    region,
    vpcIds: null,
    attempt: 0,
    eventId: `sweep:${deps.now().toISOString()}`,
  });
}

export async function runDriftCheck(deps: DriftDeps, request: DriftRequest): Promise<DriftOutcome> {
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
    const reader = deps.readerFor(request.region);
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
    const failures = await judge(deps, request, view, judged, observedAt, outcome, changedRules);
    await reevaluate(deps, request, changedRules, outcome);
    if (failures.length > 0) {
      // Thrown last, so state, other alerts and Config are done; the invocation fails into the retry/DLQ path.
      throw new AggregateError(failures, `${failures.length} alert(s) could not be published`);
    }
    return outcome;
  }
  await reevaluate(deps, request, changedRules, outcome);
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
  outcome.recheckEnqueued = await deps.recheckQueue.enqueue({
    vpcIds: [...new Set(settling.map((s) => s.cluster.resourcesVpcConfig.vpcId))].sort(),
    attempt: request.attempt + 1,
    reason,
    ...(request.actor ? { actor: request.actor } : {}),
  });
  deps.logger.info('holding back settling clusters for a re-check', {
    clusters: outcome.settlingClusters,
    attempt: request.attempt + 1,
    reason,
  });
  const held = new Set(outcome.settlingClusters);
  return clusters.filter((c) => !held.has(c.name));
}

function isConfigVisibleChange(result: RecordResult): boolean {
  return (
    result.transition !== 'NONE' || result.reason === 'SILENT_CHANGE' || result.reason === 'FIRST_SIGHTING'
  );
}

/** Records every judged finding and publishes the alerts this call claimed (new or left pending); returns publish failures. */
async function judge(
  deps: DriftDeps,
  request: DriftRequest,
  view: SnapshotView,
  clusters: readonly Cluster[],
  observedAt: Date,
  outcome: DriftOutcome,
  changedRules: Set<string>,
): Promise<unknown[]> {
  const limit = pLimit(RECORD_CONCURRENCY);
  const failures: unknown[] = [];
  const findings: Finding[] = [];
  for (const cluster of clusters) {
    outcome.judgedClusters.push(cluster.name);
    // INSUFFICIENT_DATA means "could not tell": never stored, never alerted (SPEC §4).
    findings.push(
      ...evaluateCluster(view, cluster, deps.guard.rules, deps.guard.params).filter(
        (f) => f.compliance !== 'INSUFFICIENT_DATA',
      ),
    );
  }
  await Promise.all(
    findings.map((finding) =>
      limit(async () => {
        const result = await deps.store.record({
          clusterName: finding.resourceId,
          ruleId: finding.ruleId,
          compliance: finding.compliance,
          annotation: finding.annotation,
          eventId: request.eventId,
          observedAt,
          // Kept with a pending alert so a resend by a later run still names who made the change.
          ...(request.actor ? { alertDetail: JSON.stringify(request.actor) } : {}),
        });
        if (isConfigVisibleChange(result)) {
          changedRules.add(deployedConfigRuleName(finding.ruleId, deps.configRuleNamePrefix));
        }
        // A claim is this run's duty to publish: a transition it won, or an earlier run's alert left pending.
        if (result.claim === undefined) return;
        const failure = await publishClaimed(deps, view, finding, result.claim, result.transition === 'NONE');
        if (failure === undefined) {
          outcome.alerts.push({
            clusterName: finding.resourceId,
            ruleId: finding.ruleId,
            kind: result.claim.alert.kind,
            ...(result.transition === 'NONE' ? { resent: true as const } : {}),
          });
        } else {
          failures.push(failure);
        }
      }),
    ),
  );
  return failures;
}

/**
 * Publishes a claimed alert, then clears its pending flag; a failed publish gives the claim back so the retried
 * invocation resends it. Returns the publish error, if any.
 */
async function publishClaimed(
  deps: DriftDeps,
  view: SnapshotView,
  finding: Finding,
  claim: AlertClaim,
  resend: boolean,
): Promise<unknown> {
  const where = {
    clusterName: finding.resourceId,
    ruleId: finding.ruleId,
    transition: claim.alert.kind,
    resend,
  };
  const transition = toTransition(deps, view, finding, claim.alert.kind, actorOfDetail(claim.alert.detail));
  try {
    await deps.publisher.publish(transition, {
      skip: (claim.alert.delivered ?? []).filter(isAlertChannel),
    });
  } catch (error) {
    deps.logger.warn('alert publish failed', { ...where, error: errorMessage(error) });
    // The channels this attempt reached are noted with the claim's release, so the resend skips them.
    const delivered = error instanceof AlertPublishError ? error.delivered : [];
    // Best effort: if this fails too, the lease runs out and the next observation of the key resends.
    await deps.store.releaseAlertClaim(claim, delivered).catch((releaseError: unknown) =>
      deps.logger.warn('could not release the alert claim', {
        ...where,
        error: errorMessage(releaseError),
      }),
    );
    return error;
  }
  try {
    if (!(await deps.store.markAlerted(claim))) {
      deps.logger.warn('alert claim was superseded before it could be cleared', where);
    }
  } catch (error) {
    // The alert is out; failing the invocation would only resend it sooner. The flag stays, so a later run
    // resends once the lease expires: the at-least-once side of the trade-off (state/state-store.ts).
    deps.logger.warn('alert sent but its pending flag could not be cleared', {
      ...where,
      error: errorMessage(error),
    });
  }
  return undefined;
}

function isAlertChannel(value: string): value is AlertChannel {
  return (ALERT_CHANNELS as readonly string[]).includes(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const ACTOR_FIELDS = ['userIdentityArn', 'sourceIPAddress', 'eventName', 'eventTime', 'eventID'] as const;

/** The actor stored with a pending alert; anything unreadable means "no actor" rather than a lost alert. */
function actorOfDetail(detail: string | undefined): Actor | undefined {
  if (detail === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  if (!ACTOR_FIELDS.every((field) => typeof record[field] === 'string')) return undefined;
  return Object.fromEntries(ACTOR_FIELDS.map((field) => [field, record[field]])) as unknown as Actor;
}

function toTransition(
  deps: DriftDeps,
  view: SnapshotView,
  finding: Finding,
  kind: 'NEW_VIOLATION' | 'RESOLVED',
  actor: Actor | undefined,
): Transition {
  return {
    kind,
    accountId: view.accountId,
    region: view.region,
    partition: view.partition as Partition,
    clusterName: finding.resourceId,
    clusterArn: finding.clusterArn,
    ...ruleFacts(finding.ruleId),
    configRuleName: deployedConfigRuleName(finding.ruleId, deps.configRuleNamePrefix),
    annotation: finding.annotation,
    ...(actor ? { actor } : {}),
  };
}

/** StartConfigRulesEvaluation for the changed rules; what Config refuses for now goes back on the delayed queue. */
async function reevaluate(
  deps: DriftDeps,
  request: DriftRequest,
  ruleNames: ReadonlySet<string>,
  outcome: DriftOutcome,
): Promise<void> {
  if (ruleNames.size === 0) return;
  const result = await startConfigRulesEvaluation(deps.config, [...ruleNames]);
  outcome.configRulesStarted = result.started;
  outcome.configRulesDeferred = result.deferred;
  if (result.unknown.length > 0) {
    deps.logger.warn('Config rules not deployed under these names', { configRules: result.unknown });
  }
  if (result.deferred.length === 0) return;
  const enqueued = await deps.recheckQueue.enqueue({
    // Only Config is retried: the state these names come from is already recorded.
    vpcIds: [],
    attempt: request.attempt + 1,
    reason: 'StartConfigRulesEvaluation: LimitExceededException',
    ...(request.actor ? { actor: request.actor } : {}),
    configRules: result.deferred,
  });
  if (!enqueued) {
    // The periodic Config run still re-evaluates them; only the console's promptness is lost.
    deps.logger.warn('giving up on starting Config rule evaluations', { configRules: result.deferred });
  }
}
