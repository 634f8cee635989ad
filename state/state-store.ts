import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import type { Compliance } from '../engine/findings';
import { PARTITION_KEY, SORT_KEY, registryPartition, scopePrefix, type StateScope } from './table-schema';
import { classifyTransition, isStoredCompliance, type StoredCompliance } from './transitions';
import { EKS_CLUSTER_NAME } from '../engine/eks-cluster-name';

/** One evaluation result for one cluster × rule, as the handlers produce it. */
export interface Observation {
  clusterName: string;
  ruleId: string;
  compliance: Compliance;
  /** Config's annotation; empty or absent is stored as absent. */
  annotation?: string;
  /** CloudTrail eventID, or a synthetic id for Config/sweep runs. */
  eventId: string;
  /** When the evaluated AWS state was read (ISO string or Date). */
  observedAt: string | Date;
  /**
   * Opaque text the caller needs to rebuild the alert later (the drift path stores the actor as JSON). Kept only
   * with the pending alert of a transition this observation wins.
   */
  alertDetail?: string;
}

export type AlertKind = 'NEW_VIOLATION' | 'RESOLVED';

/** An alert whose transition is recorded but whose publish has not been confirmed (markAlerted). */
export interface PendingAlert {
  kind: AlertKind;
  /** Compliance and `since` before the transition (absent for a first sighting). */
  previousCompliance?: StoredCompliance;
  previousSince?: string;
  /** Event id and observedAt of the observation that made the transition. */
  eventId: string;
  observedAt: string;
  /** Observation.alertDetail of that observation, if any. */
  detail?: string;
  /**
   * Channels (e.g. `chat`, `email`) an earlier publish of this alert reached before another failed: a resend
   * leaves them out, so each channel gets the alert once.
   */
  delivered?: string[];
  /** The claim of the run publishing it right now, if any; an expired lease is free to take. */
  claimToken?: string;
  leaseUntil?: string;
}

/** The right (and duty) to publish one pending alert, then markAlerted or releaseAlertClaim. */
export interface AlertClaim {
  clusterName: string;
  ruleId: string;
  token: string;
  alert: PendingAlert;
}

/** What the table holds for one cluster × rule. */
export interface StateRecord {
  clusterName: string;
  ruleId: string;
  compliance: StoredCompliance;
  annotation: string;
  /** When the stored compliance last changed (observedAt of that observation). */
  since: string;
  lastEventId: string;
  /** observedAt of the newest observation applied; older ones are ignored as stale. */
  observedAt: string;
  /** Bumped on every write; the optimistic-concurrency token. */
  version: number;
  /** Wall-clock time of the write. */
  updatedAt: string;
  alertPending?: PendingAlert;
}

/**
 * Why nothing deserves an alert: FIRST_SIGHTING (a new key that is not violating),
 * SILENT_CHANGE (COMPLIANT ↔ NOT_APPLICABLE), UNCHANGED (same compliance; annotation and
 * event id refreshed), DUPLICATE (nothing new; written only to claim an orphaned pending
 * alert), STALE (older than what is
 * stored, nothing written). Losing a race shows up as whichever of these the re-read gives.
 */
export type QuietReason = 'FIRST_SIGHTING' | 'SILENT_CHANGE' | 'UNCHANGED' | 'DUPLICATE' | 'STALE';

/**
 * `claim` is present when THIS call must publish an alert: always with a transition, and with NONE when the
 * stored item still holds an alert an earlier run recorded but failed to publish (and no live run holds it).
 */
export type RecordResult =
  | { transition: AlertKind; previous?: StateRecord; current: StateRecord; claim: AlertClaim }
  | { transition: 'NONE'; reason: QuietReason; current: StateRecord; claim?: AlertClaim };

/** A caller bug (e.g. INSUFFICIENT_DATA, which SPEC §4/§7 never lets through): fail loudly. */
export class InvalidObservationError extends Error {
  override name = 'InvalidObservationError';
}

/** Every attempt lost a race; the caller should fail so the invocation is retried later. */
export class StateContentionError extends Error {
  override name = 'StateContentionError';
}

export interface StateStoreOptions {
  /** Read-decide-write rounds before giving up (each lost round means another writer won). */
  maxAttempts?: number;
  now?: () => Date;
  /**
   * How long a claim on a pending alert keeps other runs from publishing it. Default 15 minutes, the Lambda
   * timeout ceiling: a run cannot still be publishing after that, so an expired lease means it died.
   */
  alertLeaseMs?: number;
  /**
   * A member account × Region of an Organization hub (state/table-schema.ts's scopePrefix); absent = the
   * deployment's own account, under the single-account keys.
   */
  scope?: StateScope;
}

/**
 * Alert delivery guarantee. SNS Publish cannot join a DynamoDB transaction, so the store keeps an outbox flag:
 * the write that wins a transition also stores `alertPending` together with a leased claim; the winner publishes
 * and then clears the flag (markAlerted, conditional on its claim token). A failed publish releases the claim
 * (releaseAlertClaim), so the retried invocation — whose own record() only sees UNCHANGED/DUPLICATE — claims the
 * still-pending alert and resends it. A run that dies without releasing leaves a lease that expires after
 * `alertLeaseMs`; the next observation of that key (at the latest the hourly sweep) then resends.
 *
 * Claims are conditional writes on the item version, so among concurrent runs (duplicate deliveries, concurrent
 * retries) exactly one holds a live claim: duplicates of an event still give ONE alert. The honest guarantee is
 * therefore AT LEAST ONCE, and exactly once unless a publish succeeds but its acknowledgement is lost (or the run
 * dies between publish and markAlerted): then the flag survives and the alert is sent again. We prefer a rare
 * repeat to a lost alert.
 *
 * A newer transition of the same key replaces a still-pending one: the newer alert describes the current truth,
 * and a RESOLVED for a violation nobody heard of is still accurate.
 */
export class StateStore {
  private readonly maxAttempts: number;
  private readonly now: () => Date;
  private readonly alertLeaseMs: number;
  private readonly prefix: string;
  private readonly registryPk: string;

  constructor(
    private readonly dynamoDb: DynamoDBClient,
    private readonly tableName: string,
    private readonly options: StateStoreOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.now = options.now ?? (() => new Date());
    this.alertLeaseMs = options.alertLeaseMs ?? 15 * 60_000;
    this.prefix = scopePrefix(options.scope);
    this.registryPk = registryPartition(options.scope);
  }

  /** The same table, for a member account × Region of an Organization hub (undefined = the own account's). */
  forScope(scope: StateScope | undefined): StateStore {
    const options: StateStoreOptions = { ...this.options };
    delete options.scope;
    return new StateStore(
      this.dynamoDb,
      this.tableName,
      scope === undefined ? options : { ...options, scope },
    );
  }

  private key(clusterName: string, ruleId: string): Record<string, AttributeValue> {
    return { [PARTITION_KEY]: { S: this.prefix + clusterName }, [SORT_KEY]: { S: ruleId } };
  }

  /**
   * Stores `observation` and says whether THIS call made an alert-worthy transition.
   * Each write is conditional on the version it read (or on the item not existing), so
   * concurrent callers for the same key serialize: exactly one wins each change, and a
   * loser re-reads and sees the change as already made, never reporting it again.
   */
  async record(observation: Observation): Promise<RecordResult> {
    const obs = validate(observation);
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      const current = await this.get(obs.clusterName, obs.ruleId);
      const now = this.now();
      const decision = decide(current, obs, {
        nowIso: now.toISOString(),
        leaseUntil: new Date(now.getTime() + this.alertLeaseMs).toISOString(),
        token: randomUUID(),
      });
      if (decision.write === undefined) return decision.result;
      try {
        if (current === undefined) await this.register(obs.clusterName);
        await this.put(decision.write, current?.version);
        // A forgetCluster running meanwhile may have deleted the entry between the two writes;
        // registering again keeps the new row listed, so the next sweep can still forget it.
        if (current === undefined) await this.register(obs.clusterName);
        return decision.result;
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    }
    throw new StateContentionError(
      `state of ${obs.clusterName}/${obs.ruleId} kept changing under ${this.maxAttempts} attempts`,
    );
  }

  /**
   * Clears the pending alert after its publish succeeded. Conditional on the claim token, so a claim that was
   * superseded (lease expired and re-claimed, or a newer transition) cannot clear someone else's alert.
   * Returns false when the claim was no longer current.
   */
  async markAlerted(claim: AlertClaim): Promise<boolean> {
    return this.updateClaimed(claim, 'REMOVE alertPending, alertDelivered, alertClaimToken, alertLeaseUntil');
  }

  /**
   * Gives up a claim after a failed publish, so a retry can claim the alert at once instead of after the lease.
   * `delivered` names the channels the failed attempt did reach; they are added to the alert's `delivered`.
   */
  async releaseAlertClaim(claim: AlertClaim, delivered: readonly string[] = []): Promise<boolean> {
    if (delivered.length === 0) return this.updateClaimed(claim, 'REMOVE alertClaimToken, alertLeaseUntil');
    return this.updateClaimed(
      claim,
      'ADD alertDelivered :delivered REMOVE alertClaimToken, alertLeaseUntil',
      {
        ':delivered': { SS: [...new Set(delivered)] },
      },
    );
  }

  private async updateClaimed(
    claim: AlertClaim,
    clauses: string,
    values: Record<string, AttributeValue> = {},
  ): Promise<boolean> {
    try {
      await this.dynamoDb.send(
        new UpdateItemCommand({
          TableName: this.tableName,
          Key: this.key(claim.clusterName, claim.ruleId),
          // The version bump makes record()'s read-decide-put notice this change instead of overwriting it.
          UpdateExpression: `SET #version = #version + :one, updatedAt = :now ${clauses}`,
          ConditionExpression: 'alertClaimToken = :token',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: {
            ':one': { N: '1' },
            ':now': { S: this.now().toISOString() },
            ':token': { S: claim.token },
            ...values,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailure(error)) return false;
      throw error;
    }
  }

  async get(clusterName: string, ruleId: string): Promise<StateRecord | undefined> {
    const response = await this.dynamoDb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: this.key(clusterName, ruleId),
        // A decision taken on an eventually-consistent read could re-report a transition.
        ConsistentRead: true,
      }),
    );
    return response.Item === undefined ? undefined : this.fromItem(response.Item);
  }

  /** Every rule's state for one cluster (one Query; the cluster is the partition). */
  async listCluster(clusterName: string): Promise<StateRecord[]> {
    const items = await this.queryPartition(this.prefix + clusterName);
    return items.map((item) => this.fromItem(item));
  }

  /**
   * Cluster names that have (or had, until forgetCluster) state. The sweep compares these
   * with the clusters that exist and forgets the rest, so a re-created cluster of the same
   * name starts fresh instead of inheriting a deleted cluster's violation.
   */
  async listClusters(): Promise<string[]> {
    const items = await this.queryPartition(this.registryPk);
    return items.map((item) => requireString(item, SORT_KEY));
  }

  /**
   * Deletes a cluster's state and registry entry. Returns only the rows THIS call deleted
   * (DeleteItem's ALL_OLD), so two racing sweeps cannot both announce the same removal.
   */
  async forgetCluster(clusterName: string): Promise<StateRecord[]> {
    // Rows first, registry entry last: a crash in between leaves the entry, so the next
    // sweep lists the cluster again and finishes the job instead of orphaning rows.
    const removed = await this.deleteRows(clusterName);
    await this.dynamoDb.send(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: { S: this.registryPk }, [SORT_KEY]: { S: clusterName } },
      }),
    );
    // A record() that read no row before our query may have put one since. Each such writer
    // registers again after its put; a row that landed before this second query is ours to
    // delete, one that lands after it is listed again by its writer.
    removed.push(...(await this.deleteRows(clusterName)));
    return removed;
  }

  /** Deletes the cluster's rows; returns those this call deleted (DeleteItem's ALL_OLD). */
  private async deleteRows(clusterName: string): Promise<StateRecord[]> {
    const removed: StateRecord[] = [];
    for (const item of await this.queryPartition(this.prefix + clusterName)) {
      const response = await this.dynamoDb.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [PARTITION_KEY]: item[PARTITION_KEY]!, [SORT_KEY]: item[SORT_KEY]! },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (response.Attributes !== undefined) removed.push(this.fromItem(response.Attributes));
    }
    return removed;
  }

  /** Idempotent; written before a cluster's first row so no row is ever unlisted. */
  private async register(clusterName: string): Promise<void> {
    await this.dynamoDb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: { S: this.registryPk }, [SORT_KEY]: { S: clusterName } },
        UpdateExpression: 'SET firstSeenAt = if_not_exists(firstSeenAt, :now)',
        ExpressionAttributeValues: { ':now': { S: this.now().toISOString() } },
      }),
    );
  }

  private async put(record: StateRecord, expectedVersion: number | undefined): Promise<void> {
    await this.dynamoDb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: { ...toItem(record), [PARTITION_KEY]: { S: this.prefix + record.clusterName } },
        ...(expectedVersion === undefined
          ? {
              ConditionExpression: 'attribute_not_exists(#pk)',
              ExpressionAttributeNames: { '#pk': PARTITION_KEY },
            }
          : {
              ConditionExpression: '#version = :expected',
              ExpressionAttributeNames: { '#version': 'version' },
              ExpressionAttributeValues: { ':expected': { N: String(expectedVersion) } },
            }),
      }),
    );
  }

  /** A row of this store's scope, its cluster name without the scope's key prefix. */
  private fromItem(item: Record<string, AttributeValue>): StateRecord {
    const record = fromItem(item);
    if (!record.clusterName.startsWith(this.prefix)) {
      throw new Error(`state item ${describeKey(item)} is not of this store's scope`);
    }
    return { ...record, clusterName: record.clusterName.slice(this.prefix.length) };
  }

  private async queryPartition(pk: string): Promise<Record<string, AttributeValue>[]> {
    const items: Record<string, AttributeValue>[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    do {
      const page = await this.dynamoDb.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': PARTITION_KEY },
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey !== undefined);
    return items;
  }
}

interface ValidObservation {
  clusterName: string;
  ruleId: string;
  compliance: StoredCompliance;
  annotation: string;
  eventId: string;
  observedAt: string;
  observedAtMs: number;
  alertDetail?: string;
}

function validate(observation: Observation): ValidObservation {
  const { clusterName, ruleId, compliance, eventId } = observation;
  const where = `${clusterName}/${ruleId}`;
  if (!EKS_CLUSTER_NAME.test(clusterName)) {
    throw new InvalidObservationError(`"${clusterName}" is not an EKS cluster name`);
  }
  if (ruleId === '') throw new InvalidObservationError(`observation of ${clusterName} has no ruleId`);
  if (eventId === '') throw new InvalidObservationError(`observation of ${where} has no eventId`);
  if (!isStoredCompliance(compliance)) {
    throw new InvalidObservationError(`${compliance} for ${where} must not be stored`);
  }
  const observedAtMs = new Date(observation.observedAt).getTime();
  if (Number.isNaN(observedAtMs)) {
    throw new InvalidObservationError(
      `observedAt of ${where} is not a time: ${String(observation.observedAt)}`,
    );
  }
  return {
    clusterName,
    ruleId,
    compliance,
    annotation: observation.annotation ?? '',
    eventId,
    observedAt: new Date(observedAtMs).toISOString(),
    observedAtMs,
    // Empty is absent: not every local engine stores empty strings.
    ...(observation.alertDetail ? { alertDetail: observation.alertDetail } : {}),
  };
}

type Decision = { write?: StateRecord; result: RecordResult };

interface ClaimTerms {
  nowIso: string;
  leaseUntil: string;
  token: string;
}

function isClaimable(pending: PendingAlert | undefined, nowIso: string): pending is PendingAlert {
  return (
    pending !== undefined &&
    (pending.claimToken === undefined || pending.leaseUntil === undefined || pending.leaseUntil <= nowIso)
  );
}

function claimOf(record: StateRecord): AlertClaim {
  const alert = record.alertPending!;
  return { clusterName: record.clusterName, ruleId: record.ruleId, token: alert.claimToken!, alert };
}

function decide(current: StateRecord | undefined, obs: ValidObservation, terms: ClaimTerms): Decision {
  const { nowIso } = terms;
  const claimed = (pending: PendingAlert): PendingAlert => ({
    ...pending,
    claimToken: terms.token,
    leaseUntil: terms.leaseUntil,
  });
  if (current !== undefined) {
    const pending = current.alertPending;
    // A stale observation never claims: the caller would rebuild the alert from outdated findings.
    if (obs.observedAtMs < Date.parse(current.observedAt)) {
      return { result: { transition: 'NONE', reason: 'STALE', current } };
    }
    if (
      current.compliance === obs.compliance &&
      current.annotation === obs.annotation &&
      current.lastEventId === obs.eventId &&
      current.observedAt === obs.observedAt
    ) {
      if (!isClaimable(pending, nowIso))
        return { result: { transition: 'NONE', reason: 'DUPLICATE', current } };
      // Nothing new to store, but an earlier run's alert is orphaned: take it over.
      const write = {
        ...current,
        version: current.version + 1,
        updatedAt: nowIso,
        alertPending: claimed(pending),
      };
      return {
        write,
        result: { transition: 'NONE', reason: 'DUPLICATE', current: write, claim: claimOf(write) },
      };
    }
  }
  const changed = current?.compliance !== obs.compliance;
  const base: StateRecord = {
    clusterName: obs.clusterName,
    ruleId: obs.ruleId,
    compliance: obs.compliance,
    annotation: obs.annotation,
    since: changed || current === undefined ? obs.observedAt : current.since,
    lastEventId: obs.eventId,
    observedAt: obs.observedAt,
    version: (current?.version ?? 0) + 1,
    updatedAt: nowIso,
  };
  const transition = classifyTransition(current?.compliance, obs.compliance);
  if (transition !== 'NONE') {
    const write: StateRecord = {
      ...base,
      alertPending: claimed({
        kind: transition,
        ...(current === undefined
          ? {}
          : { previousCompliance: current.compliance, previousSince: current.since }),
        eventId: obs.eventId,
        observedAt: obs.observedAt,
        ...(obs.alertDetail === undefined ? {} : { detail: obs.alertDetail }),
      }),
    };
    return {
      write,
      result: {
        transition,
        ...(current === undefined ? {} : { previous: current }),
        current: write,
        claim: claimOf(write),
      },
    };
  }
  const reason: QuietReason =
    current === undefined ? 'FIRST_SIGHTING' : changed ? 'SILENT_CHANGE' : 'UNCHANGED';
  const pending = current?.alertPending;
  if (pending === undefined) return { write: base, result: { transition: 'NONE', reason, current: base } };
  if (!isClaimable(pending, nowIso)) {
    // Carried over untouched: the run holding the claim is still publishing it.
    const write = { ...base, alertPending: pending };
    return { write, result: { transition: 'NONE', reason, current: write } };
  }
  const write = { ...base, alertPending: claimed(pending) };
  return { write, result: { transition: 'NONE', reason, current: write, claim: claimOf(write) } };
}

function toItem(record: StateRecord): Record<string, AttributeValue> {
  return {
    [PARTITION_KEY]: { S: record.clusterName },
    [SORT_KEY]: { S: record.ruleId },
    compliance: { S: record.compliance },
    // DynamoDB has accepted empty strings since 2020, but not every local engine does.
    ...(record.annotation === '' ? {} : { annotation: { S: record.annotation } }),
    since: { S: record.since },
    lastEventId: { S: record.lastEventId },
    observedAt: { S: record.observedAt },
    version: { N: String(record.version) },
    updatedAt: { S: record.updatedAt },
    ...(record.alertPending === undefined ? {} : pendingToItem(record.alertPending)),
  };
}

/**
 * Flat attributes rather than a map: markAlerted/releaseAlertClaim condition on and remove the claim by name,
 * and the item stays readable in the console.
 */
function pendingToItem(p: PendingAlert): Record<string, AttributeValue> {
  const optional = (name: string, value: string | undefined) =>
    value === undefined ? {} : { [name]: { S: value } };
  return {
    alertPending: { S: p.kind },
    ...optional('alertPreviousCompliance', p.previousCompliance),
    ...optional('alertPreviousSince', p.previousSince),
    alertEventId: { S: p.eventId },
    alertObservedAt: { S: p.observedAt },
    ...optional('alertDetail', p.detail),
    ...(p.delivered === undefined || p.delivered.length === 0 ? {} : { alertDelivered: { SS: p.delivered } }),
    ...optional('alertClaimToken', p.claimToken),
    ...optional('alertLeaseUntil', p.leaseUntil),
  };
}

function pendingFromItem(item: Record<string, AttributeValue>): PendingAlert | undefined {
  const kind = item['alertPending']?.S;
  if (kind === undefined) return undefined;
  if (kind !== 'NEW_VIOLATION' && kind !== 'RESOLVED') {
    throw new Error(`state item ${describeKey(item)} holds pending alert ${kind}`);
  }
  const previousCompliance = item['alertPreviousCompliance']?.S;
  const optional = <K extends keyof PendingAlert>(key: K, value: PendingAlert[K] | undefined) =>
    value === undefined ? {} : { [key]: value };
  return {
    kind,
    ...optional(
      'previousCompliance',
      isStoredCompliance(previousCompliance) ? previousCompliance : undefined,
    ),
    ...optional('previousSince', item['alertPreviousSince']?.S),
    eventId: requireString(item, 'alertEventId'),
    observedAt: requireString(item, 'alertObservedAt'),
    ...optional('detail', item['alertDetail']?.S),
    ...optional('delivered', item['alertDelivered']?.SS?.slice().sort()),
    ...optional('claimToken', item['alertClaimToken']?.S),
    ...optional('leaseUntil', item['alertLeaseUntil']?.S),
  };
}

function fromItem(item: Record<string, AttributeValue>): StateRecord {
  const compliance = requireString(item, 'compliance');
  if (!isStoredCompliance(compliance)) {
    throw new Error(`state item ${describeKey(item)} holds compliance ${compliance}`);
  }
  const version = Number(item['version']?.N);
  if (!Number.isInteger(version)) throw new Error(`state item ${describeKey(item)} has no numeric version`);
  const alertPending = pendingFromItem(item);
  return {
    clusterName: requireString(item, PARTITION_KEY),
    ruleId: requireString(item, SORT_KEY),
    compliance,
    annotation: item['annotation']?.S ?? '',
    since: requireString(item, 'since'),
    lastEventId: requireString(item, 'lastEventId'),
    observedAt: requireString(item, 'observedAt'),
    version,
    updatedAt: requireString(item, 'updatedAt'),
    ...(alertPending === undefined ? {} : { alertPending }),
  };
}

function requireString(item: Record<string, AttributeValue>, name: string): string {
  const value = item[name]?.S;
  if (value === undefined) throw new Error(`state item ${describeKey(item)} has no string ${name}`);
  return value;
}

function describeKey(item: Record<string, AttributeValue>): string {
  return `${item[PARTITION_KEY]?.S ?? '?'}/${item[SORT_KEY]?.S ?? '?'}`;
}

function isConditionalCheckFailure(error: unknown): boolean {
  return (error as { name?: unknown } | null)?.name === 'ConditionalCheckFailedException';
}
