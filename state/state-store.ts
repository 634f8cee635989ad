import {
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { Compliance } from '../engine/findings';
import { PARTITION_KEY, REGISTRY_PK, SORT_KEY } from './table-schema';
import { classifyTransition, isStoredCompliance, type StoredCompliance } from './transitions';

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
}

/**
 * Why nothing deserves an alert: FIRST_SIGHTING (a new key that is not violating),
 * SILENT_CHANGE (COMPLIANT ↔ NOT_APPLICABLE), UNCHANGED (same compliance; annotation and
 * event id refreshed), DUPLICATE (nothing new, nothing written), STALE (older than what is
 * stored, nothing written). Losing a race shows up as whichever of these the re-read gives.
 */
export type QuietReason = 'FIRST_SIGHTING' | 'SILENT_CHANGE' | 'UNCHANGED' | 'DUPLICATE' | 'STALE';

export type RecordResult =
  | { transition: 'NEW_VIOLATION' | 'RESOLVED'; previous?: StateRecord; current: StateRecord }
  | { transition: 'NONE'; reason: QuietReason; current: StateRecord };

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
}

/** EKS cluster names: a letter or digit, then letters, digits, `-`, `_`; at most 100 chars. */
const EKS_CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/;

export class StateStore {
  private readonly maxAttempts: number;
  private readonly now: () => Date;

  constructor(
    private readonly dynamoDb: DynamoDBClient,
    private readonly tableName: string,
    options: StateStoreOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 8;
    this.now = options.now ?? (() => new Date());
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
      const decision = decide(current, obs, this.now().toISOString());
      if (decision.write === undefined) return decision.result;
      try {
        if (current === undefined) await this.register(obs.clusterName);
        await this.put(decision.write, current?.version);
        return decision.result;
      } catch (error) {
        if (!isConditionalCheckFailure(error)) throw error;
      }
    }
    throw new StateContentionError(
      `state of ${obs.clusterName}/${obs.ruleId} kept changing under ${this.maxAttempts} attempts`,
    );
  }

  async get(clusterName: string, ruleId: string): Promise<StateRecord | undefined> {
    const response = await this.dynamoDb.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: { S: clusterName }, [SORT_KEY]: { S: ruleId } },
        // A decision taken on an eventually-consistent read could re-report a transition.
        ConsistentRead: true,
      }),
    );
    return response.Item === undefined ? undefined : fromItem(response.Item);
  }

  /** Every rule's state for one cluster (one Query; the cluster is the partition). */
  async listCluster(clusterName: string): Promise<StateRecord[]> {
    const items = await this.queryPartition(clusterName);
    return items.map(fromItem);
  }

  /**
   * Cluster names that have (or had, until forgetCluster) state. The sweep compares these
   * with the clusters that exist and forgets the rest, so a re-created cluster of the same
   * name starts fresh instead of inheriting a deleted cluster's violation.
   */
  async listClusters(): Promise<string[]> {
    const items = await this.queryPartition(REGISTRY_PK);
    return items.map((item) => requireString(item, SORT_KEY));
  }

  /**
   * Deletes a cluster's state and registry entry. Returns only the rows THIS call deleted
   * (DeleteItem's ALL_OLD), so two racing sweeps cannot both announce the same removal.
   */
  async forgetCluster(clusterName: string): Promise<StateRecord[]> {
    // Rows first, registry entry last: a crash in between leaves the entry, so the next
    // sweep lists the cluster again and finishes the job instead of orphaning rows.
    const removed: StateRecord[] = [];
    for (const item of await this.queryPartition(clusterName)) {
      const response = await this.dynamoDb.send(
        new DeleteItemCommand({
          TableName: this.tableName,
          Key: { [PARTITION_KEY]: item[PARTITION_KEY]!, [SORT_KEY]: item[SORT_KEY]! },
          ReturnValues: 'ALL_OLD',
        }),
      );
      if (response.Attributes !== undefined) removed.push(fromItem(response.Attributes));
    }
    await this.dynamoDb.send(
      new DeleteItemCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: { S: REGISTRY_PK }, [SORT_KEY]: { S: clusterName } },
      }),
    );
    return removed;
  }

  /** Idempotent; written before a cluster's first row so no row is ever unlisted. */
  private async register(clusterName: string): Promise<void> {
    await this.dynamoDb.send(
      new UpdateItemCommand({
        TableName: this.tableName,
        Key: { [PARTITION_KEY]: { S: REGISTRY_PK }, [SORT_KEY]: { S: clusterName } },
        UpdateExpression: 'SET firstSeenAt = if_not_exists(firstSeenAt, :now)',
        ExpressionAttributeValues: { ':now': { S: this.now().toISOString() } },
      }),
    );
  }

  private async put(record: StateRecord, expectedVersion: number | undefined): Promise<void> {
    await this.dynamoDb.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: toItem(record),
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
  };
}

type Decision = { write?: StateRecord; result: RecordResult };

function decide(current: StateRecord | undefined, obs: ValidObservation, nowIso: string): Decision {
  if (current !== undefined) {
    // A slower handler that read AWS earlier must not overwrite (and alert on) older truth.
    if (obs.observedAtMs < Date.parse(current.observedAt)) {
      return { result: { transition: 'NONE', reason: 'STALE', current } };
    }
    if (
      current.compliance === obs.compliance &&
      current.annotation === obs.annotation &&
      current.lastEventId === obs.eventId &&
      current.observedAt === obs.observedAt
    ) {
      return { result: { transition: 'NONE', reason: 'DUPLICATE', current } };
    }
  }
  const changed = current?.compliance !== obs.compliance;
  const write: StateRecord = {
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
    return {
      write,
      result: { transition, ...(current === undefined ? {} : { previous: current }), current: write },
    };
  }
  const reason: QuietReason =
    current === undefined ? 'FIRST_SIGHTING' : changed ? 'SILENT_CHANGE' : 'UNCHANGED';
  return { write, result: { transition: 'NONE', reason, current: write } };
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
  };
}

function fromItem(item: Record<string, AttributeValue>): StateRecord {
  const compliance = requireString(item, 'compliance');
  if (!isStoredCompliance(compliance)) {
    throw new Error(`state item ${describeKey(item)} holds compliance ${compliance}`);
  }
  const version = Number(item['version']?.N);
  if (!Number.isInteger(version)) throw new Error(`state item ${describeKey(item)} has no numeric version`);
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
