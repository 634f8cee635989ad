import { describe, expect, it, beforeAll, afterAll } from '@jest/globals';
import { DynamoDBClient, PutItemCommand } from '@aws-sdk/client-dynamodb';
import {
  InvalidObservationError,
  StateStore,
  type Observation,
  type RecordResult,
} from '../../state/state-store';
import type { StoredCompliance } from '../../state/transitions';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';

let local: LocalDynamo;
let store: StateStore;
let keyCounter = 0;
/** Conditional writes the engine refused: evidence that concurrent tests really raced. */
let conflicts = 0;

beforeAll(async () => {
  local = await startDynalite();
  local.client.middlewareStack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if ((error as Error).name === 'ConditionalCheckFailedException') conflicts += 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'countConflicts' },
  );
  store = new StateStore(local.client, local.tableName, { now: () => new Date('2030-01-01T00:00:00Z') });
});

afterAll(async () => {
  await local.close();
});

/** A fresh cluster per test keeps tests independent while sharing one engine. */
function freshCluster(): string {
  keyCounter += 1;
  return `cluster-${keyCounter}`;
}

const T0 = Date.parse('2025-06-01T10:00:00Z');
function at(minute: number): string {
  return new Date(T0 + minute * 60_000).toISOString();
}

function observation(clusterName: string, overrides: Partial<Observation> = {}): Observation {
  return {
    clusterName,
    ruleId: 'VPC_ENDPOINTS_PRESENT',
    compliance: 'NON_COMPLIANT',
    annotation: 'missing: sts',
    eventId: 'evt-1',
    observedAt: at(0),
    ...overrides,
  };
}

describe('StateStore.record transitions', () => {
  type Row = [StoredCompliance | 'nothing', StoredCompliance, RecordResult['transition'], string];
  const rows: Row[] = [
    ['nothing', 'NON_COMPLIANT', 'NEW_VIOLATION', 'alert'],
    ['nothing', 'COMPLIANT', 'NONE', 'FIRST_SIGHTING'],
    ['nothing', 'NOT_APPLICABLE', 'NONE', 'FIRST_SIGHTING'],
    ['NON_COMPLIANT', 'COMPLIANT', 'RESOLVED', 'alert'],
    ['NON_COMPLIANT', 'NOT_APPLICABLE', 'RESOLVED', 'alert'],
    ['COMPLIANT', 'NON_COMPLIANT', 'NEW_VIOLATION', 'alert'],
    ['NOT_APPLICABLE', 'NON_COMPLIANT', 'NEW_VIOLATION', 'alert'],
    ['COMPLIANT', 'NOT_APPLICABLE', 'NONE', 'SILENT_CHANGE'],
    ['NOT_APPLICABLE', 'COMPLIANT', 'NONE', 'SILENT_CHANGE'],
    ['COMPLIANT', 'COMPLIANT', 'NONE', 'UNCHANGED'],
    ['NON_COMPLIANT', 'NON_COMPLIANT', 'NONE', 'UNCHANGED'],
  ];

  it.each(rows)('%s → %s gives %s (%s)', async (previous, next, transition, reason) => {
    const cluster = freshCluster();
    if (previous !== 'nothing') {
      await store.record(observation(cluster, { compliance: previous, annotation: 'before', eventId: 'e0' }));
    }
    const result = await store.record(
      observation(cluster, { compliance: next, annotation: 'after', eventId: 'e1', observedAt: at(5) }),
    );

    expect(result.transition).toBe(transition);
    if (result.transition === 'NONE') expect(result.reason).toBe(reason);
    else expect(result.previous?.compliance).toBe(previous === 'nothing' ? undefined : previous);
    const stored = await store.get(cluster, 'VPC_ENDPOINTS_PRESENT');
    expect(stored).toMatchObject({
      compliance: next,
      annotation: 'after',
      lastEventId: 'e1',
      observedAt: at(5),
    });
    expect(stored?.since).toBe(previous === next ? at(0) : at(5));
    expect(result.current).toEqual(stored);
  });

  it('stores a new annotation while staying NON_COMPLIANT without alerting or moving `since`', async () => {
    const cluster = freshCluster();
    await store.record(observation(cluster, { annotation: 'missing: sts' }));
    const result = await store.record(
      observation(cluster, { annotation: 'missing: sts, ecr.api', eventId: 'e2', observedAt: at(3) }),
    );

    expect(result).toMatchObject({ transition: 'NONE', reason: 'UNCHANGED' });
    expect(await store.get(cluster, 'VPC_ENDPOINTS_PRESENT')).toMatchObject({
      annotation: 'missing: sts, ecr.api',
      since: at(0),
      lastEventId: 'e2',
      version: 2,
    });
  });

  it('returns the previous record with a RESOLVED so the alert can say how long it lasted', async () => {
    const cluster = freshCluster();
    await store.record(observation(cluster, { annotation: 'missing: sts', eventId: 'e-bad' }));
    const result = await store.record(
      observation(cluster, { compliance: 'COMPLIANT', annotation: '', eventId: 'e-fix', observedAt: at(9) }),
    );

    expect(result.transition).toBe('RESOLVED');
    if (result.transition === 'NONE') throw new Error('unreachable');
    expect(result.previous).toMatchObject({ annotation: 'missing: sts', since: at(0), lastEventId: 'e-bad' });
    expect(result.current).toMatchObject({ compliance: 'COMPLIANT', annotation: '', since: at(9) });
  });

  it('writes nothing for an exact duplicate delivery', async () => {
    const cluster = freshCluster();
    await store.record(observation(cluster));
    const again = await store.record(observation(cluster));

    expect(again).toMatchObject({ transition: 'NONE', reason: 'DUPLICATE' });
    expect((await store.get(cluster, 'VPC_ENDPOINTS_PRESENT'))?.version).toBe(1);
  });

  it('ignores an observation older than the stored one (a slow handler must not undo newer truth)', async () => {
    const cluster = freshCluster();
    await store.record(observation(cluster, { compliance: 'NON_COMPLIANT', observedAt: at(10) }));
    const stale = await store.record(
      observation(cluster, { compliance: 'COMPLIANT', eventId: 'old', observedAt: at(5) }),
    );

    expect(stale).toMatchObject({ transition: 'NONE', reason: 'STALE' });
    expect(await store.get(cluster, 'VPC_ENDPOINTS_PRESENT')).toMatchObject({
      compliance: 'NON_COMPLIANT',
      observedAt: at(10),
      version: 1,
    });
  });

  it('accepts a Date as observedAt and normalizes it to ISO', async () => {
    const cluster = freshCluster();
    const result = await store.record(observation(cluster, { observedAt: new Date(T0) }));
    expect(result.current.observedAt).toBe(at(0));
  });
});

describe('StateStore.record rejects what must never be stored', () => {
  it('throws on INSUFFICIENT_DATA for a new key and writes nothing', async () => {
    const cluster = freshCluster();
    await expect(
      store.record(observation(cluster, { compliance: 'INSUFFICIENT_DATA' })),
    ).rejects.toBeInstanceOf(InvalidObservationError);

    expect(await store.get(cluster, 'VPC_ENDPOINTS_PRESENT')).toBeUndefined();
    expect(await store.listClusters()).not.toContain(cluster);
  });

  it('throws on INSUFFICIENT_DATA for an existing key and leaves the stored state alone', async () => {
    const cluster = freshCluster();
    await store.record(observation(cluster));
    await expect(
      store.record(observation(cluster, { compliance: 'INSUFFICIENT_DATA', observedAt: at(1) })),
    ).rejects.toBeInstanceOf(InvalidObservationError);

    expect(await store.get(cluster, 'VPC_ENDPOINTS_PRESENT')).toMatchObject({
      compliance: 'NON_COMPLIANT',
      version: 1,
    });
  });

  it.each([
    ['a cluster name that could collide with the registry', { clusterName: '#CLUSTERS' }],
    ['an empty rule id', { ruleId: '' }],
    ['an empty event id', { eventId: '' }],
    ['an unparseable observedAt', { observedAt: 'yesterday' }],
  ])('throws on %s', async (_label, overrides) => {
    await expect(store.record(observation(freshCluster(), overrides))).rejects.toBeInstanceOf(
      InvalidObservationError,
    );
  });
});

describe('StateStore.record under concurrency', () => {
  function alerts(results: RecordResult[]): RecordResult[] {
    return results.filter((r) => r.transition !== 'NONE');
  }

  it('reports one NEW_VIOLATION for two concurrent deliveries of the same observation', async () => {
    const cluster = freshCluster();
    const results = await Promise.all([
      store.record(observation(cluster)),
      store.record(observation(cluster)),
    ]);

    expect(alerts(results).map((r) => r.transition)).toEqual(['NEW_VIOLATION']);
    expect((await store.get(cluster, 'VPC_ENDPOINTS_PRESENT'))?.compliance).toBe('NON_COMPLIANT');
  });

  it.each([
    ['a fresh key', undefined],
    ['a COMPLIANT key', 'COMPLIANT' as const],
  ])('reports one NEW_VIOLATION for ten concurrent mixed duplicates on %s', async (_label, seed) => {
    const cluster = freshCluster();
    if (seed !== undefined) await store.record(observation(cluster, { compliance: seed, eventId: 'seed' }));
    // Exact redeliveries, re-evaluations of the same event and other events' evaluations.
    const batch = Array.from({ length: 10 }, (_, i) =>
      observation(cluster, {
        eventId: `evt-${i % 3}`,
        observedAt: at(1 + (i % 2)),
        annotation: i % 4 === 0 ? 'missing: sts' : 'missing: sts, ecr.api',
      }),
    );
    const conflictsBefore = conflicts;
    const results = await Promise.all(batch.map((o) => store.record(o)));

    expect(alerts(results).map((r) => r.transition)).toEqual(['NEW_VIOLATION']);
    // Proves the writers really collided, i.e. the conditional path was exercised.
    expect(conflicts).toBeGreaterThan(conflictsBefore);
    expect((await store.get(cluster, 'VPC_ENDPOINTS_PRESENT'))?.compliance).toBe('NON_COMPLIANT');
  });

  /**
   * Replays the alerts in write order (version) from the seed: they must alternate
   * violation/resolution and end where the table ends — no lost and no doubled alert.
   */
  function expectAlertsConsistent(
    seed: StoredCompliance,
    results: RecordResult[],
    stored: StoredCompliance,
  ): void {
    const ordered = alerts(results).sort((a, b) => a.current.version - b.current.version);
    let violating = seed === 'NON_COMPLIANT';
    for (const alert of ordered) {
      expect(alert.transition).toBe(violating ? 'RESOLVED' : 'NEW_VIOLATION');
      violating = !violating;
    }
    expect(violating).toBe(stored === 'NON_COMPLIANT');
  }

  it('keeps alerts consistent with the stored state when COMPLIANT and NON_COMPLIANT race at the same time', async () => {
    for (let round = 0; round < 12; round++) {
      const cluster = freshCluster();
      const seed: StoredCompliance = round % 2 === 0 ? 'COMPLIANT' : 'NON_COMPLIANT';
      await store.record(observation(cluster, { compliance: seed, eventId: 'seed' }));
      const racers: StoredCompliance[] = ['COMPLIANT', 'NON_COMPLIANT', 'NON_COMPLIANT', 'COMPLIANT'];
      const results = await Promise.all(
        racers.map((compliance, i) =>
          store.record(observation(cluster, { compliance, eventId: `r${i}`, observedAt: at(1) })),
        ),
      );

      const stored = await store.get(cluster, 'VPC_ENDPOINTS_PRESENT');
      expect(stored).toBeDefined();
      // The last successful write is the one with the highest version among the results.
      const lastWrite = results
        .filter((r) => r.transition !== 'NONE' || (r.reason !== 'DUPLICATE' && r.reason !== 'STALE'))
        .reduce((a, b) => (a.current.version > b.current.version ? a : b));
      expect(stored).toEqual(lastWrite.current);
      expectAlertsConsistent(seed, results, stored!.compliance);
    }
  });

  it('lets the newest observation win a race of different observation times', async () => {
    for (let round = 0; round < 6; round++) {
      const cluster = freshCluster();
      await store.record(observation(cluster, { compliance: 'COMPLIANT', eventId: 'seed' }));
      const racers = [
        observation(cluster, { compliance: 'NON_COMPLIANT', eventId: 'older', observedAt: at(1) }),
        observation(cluster, { compliance: 'COMPLIANT', eventId: 'newer', observedAt: at(2) }),
      ];
      const results = await Promise.all((round % 2 ? racers.reverse() : racers).map((o) => store.record(o)));

      const stored = await store.get(cluster, 'VPC_ENDPOINTS_PRESENT');
      expect(stored).toMatchObject({ compliance: 'COMPLIANT', lastEventId: 'newer' });
      expectAlertsConsistent('COMPLIANT', results, 'COMPLIANT');
    }
  });
});

describe('StateStore cluster listing and forgetting', () => {
  it('lists one cluster by Query and every known cluster from the registry', async () => {
    const a = freshCluster();
    const b = freshCluster();
    for (const ruleId of ['ENDPOINT_PRIVATE_ACCESS', 'NETWORK_ACLS', 'VPC_DNS_ATTRIBUTES']) {
      await store.record(observation(a, { ruleId, compliance: 'COMPLIANT' }));
    }
    await store.record(observation(b));

    expect((await store.listCluster(a)).map((r) => r.ruleId).sort()).toEqual([
      'ENDPOINT_PRIVATE_ACCESS',
      'NETWORK_ACLS',
      'VPC_DNS_ATTRIBUTES',
    ]);
    expect(await store.listCluster(b)).toHaveLength(1);
    expect(await store.listClusters()).toEqual(expect.arrayContaining([a, b]));
    expect(await store.listCluster(freshCluster())).toEqual([]);
  });

  it('forgets a deleted cluster once, even when two sweeps race, so a re-created one starts fresh', async () => {
    const gone = freshCluster();
    const kept = freshCluster();
    await store.record(observation(gone, { ruleId: 'NETWORK_ACLS' }));
    await store.record(observation(gone, { ruleId: 'VPC_DNS_ATTRIBUTES', compliance: 'COMPLIANT' }));
    await store.record(observation(kept));

    const [first, second] = await Promise.all([store.forgetCluster(gone), store.forgetCluster(gone)]);
    expect([...first!, ...second!].map((r) => r.ruleId).sort()).toEqual([
      'NETWORK_ACLS',
      'VPC_DNS_ATTRIBUTES',
    ]);
    expect(await store.listCluster(gone)).toEqual([]);
    const clusters = await store.listClusters();
    expect(clusters).not.toContain(gone);
    expect(clusters).toContain(kept);

    const again = await store.record(observation(gone, { ruleId: 'NETWORK_ACLS', observedAt: at(60) }));
    expect(again.transition).toBe('NEW_VIOLATION');
    expect(await store.listClusters()).toContain(gone);
  });
});

describe('StateStore: a first row racing forgetCluster', () => {
  /** Seeded, so a failure replays; 0–3 ms before each request shuffles the two callers' steps. */
  function jitteredStore(seed: number): { store: StateStore; client: DynamoDBClient } {
    let state = seed;
    const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const client = new DynamoDBClient({
      endpoint: local.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    });
    client.middlewareStack.add(
      (nextHandler) => async (args) => {
        await new Promise((resolve) => setTimeout(resolve, Math.floor(next() * 4)));
        return nextHandler(args);
      },
      { step: 'initialize', name: 'jitter' },
    );
    return { store: new StateStore(client, local.tableName), client };
  }

  it('never leaves a row the registry does not list (the next sweep could not forget it)', async () => {
    const unlisted: string[] = [];
    for (let seed = 1; seed <= 60; seed++) {
      const { store: racing, client } = jitteredStore(seed);
      try {
        const cluster = freshCluster();
        await racing.record(observation(cluster, { ruleId: 'NETWORK_ACLS' }));
        // A drift run that read the cluster before its deletion writes the first row of another rule
        // while the sweep forgets the deleted cluster.
        await Promise.all([
          racing.record(observation(cluster, { ruleId: 'VPC_DNS_ATTRIBUTES', observedAt: at(1) })),
          racing.forgetCluster(cluster),
        ]);
        const rows = await store.listCluster(cluster);
        if (rows.length > 0 && !(await store.listClusters()).includes(cluster)) unlisted.push(`seed ${seed}`);
        // What the next sweep does for a listed cluster that no longer exists: nothing is left after it.
        if ((await store.listClusters()).includes(cluster)) await store.forgetCluster(cluster);
        expect(await store.listCluster(cluster)).toEqual([]);
      } finally {
        client.destroy();
      }
    }
    expect(unlisted).toEqual([]);
  });
});

describe('StateStore pending alerts (outbox for publishes that fail after the write)', () => {
  const RULE = 'VPC_ENDPOINTS_PRESENT';
  const LEASE_MS = 60_000;
  let clock = Date.parse('2030-06-01T00:00:00Z');
  let clocked: StateStore;

  beforeAll(() => {
    clocked = new StateStore(local.client, local.tableName, {
      now: () => new Date(clock),
      alertLeaseMs: LEASE_MS,
    });
  });

  it('claims the alert with the winning write and clears it with markAlerted, once', async () => {
    const cluster = freshCluster();
    const won = await clocked.record(observation(cluster, { alertDetail: '{"who":"alice"}' }));

    expect(won.transition).toBe('NEW_VIOLATION');
    expect(won.claim?.alert).toMatchObject({
      kind: 'NEW_VIOLATION',
      eventId: 'evt-1',
      observedAt: at(0),
      detail: '{"who":"alice"}',
    });
    expect((await clocked.get(cluster, RULE))?.alertPending?.kind).toBe('NEW_VIOLATION');

    expect(await clocked.markAlerted(won.claim!)).toBe(true);
    expect((await clocked.get(cluster, RULE))?.alertPending).toBeUndefined();
    expect(await clocked.markAlerted(won.claim!)).toBe(false);
    // Cleared: a later observation has nothing to resend.
    const later = await clocked.record(observation(cluster, { eventId: 'e2', observedAt: at(1) }));
    expect(later.claim).toBeUndefined();
  });

  it.each([
    ['an UNCHANGED observation (a retry re-reads AWS)', { eventId: 'evt-1', observedAt: at(1) }, 'UNCHANGED'],
    ['an exact DUPLICATE delivery', {}, 'DUPLICATE'],
  ])('hands a released alert to %s, with the data to resend it', async (_label, retry, reason) => {
    const cluster = freshCluster();
    await clocked.record(
      observation(cluster, { compliance: 'COMPLIANT', eventId: 'e0', observedAt: at(-5) }),
    );
    const won = await clocked.record(observation(cluster));
    // The publish failed: the run gives the claim back.
    expect(await clocked.releaseAlertClaim(won.claim!)).toBe(true);

    const retried = await clocked.record(observation(cluster, retry));

    expect(retried).toMatchObject({ transition: 'NONE', reason });
    expect(retried.claim?.alert).toMatchObject({
      kind: 'NEW_VIOLATION',
      previousCompliance: 'COMPLIANT',
      previousSince: at(-5),
      eventId: 'evt-1',
    });
    expect(retried.claim?.token).not.toBe(won.claim?.token);
    expect(await clocked.markAlerted(retried.claim!)).toBe(true);
    expect((await clocked.get(cluster, RULE))?.alertPending).toBeUndefined();
  });

  it('remembers the channels a failed publish reached until the alert is cleared or replaced', async () => {
    const cluster = freshCluster();
    const won = await clocked.record(observation(cluster));
    expect(won.claim?.alert.delivered).toBeUndefined();
    expect(await clocked.releaseAlertClaim(won.claim!, ['email'])).toBe(true);

    const retried = await clocked.record(observation(cluster, { observedAt: at(1) }));
    expect(retried.claim?.alert.delivered).toEqual(['email']);
    // A second partial failure adds to the set; a repeated channel is not doubled.
    expect(await clocked.releaseAlertClaim(retried.claim!, ['chat', 'email'])).toBe(true);
    expect((await clocked.get(cluster, RULE))?.alertPending?.delivered).toEqual(['chat', 'email']);

    // A newer transition is a new alert: every channel gets it.
    const fixed = await clocked.record(
      observation(cluster, { compliance: 'COMPLIANT', eventId: 'fix', observedAt: at(2) }),
    );
    expect(fixed.transition).toBe('RESOLVED');
    expect(fixed.claim?.alert.delivered).toBeUndefined();
    expect(await clocked.releaseAlertClaim(fixed.claim!, ['chat'])).toBe(true);
    const again = await clocked.record(
      observation(cluster, { compliance: 'COMPLIANT', eventId: 'fix', observedAt: at(3) }),
    );
    expect(await clocked.markAlerted(again.claim!)).toBe(true);
    const cleared = await clocked.get(cluster, RULE);
    expect(cleared?.alertPending).toBeUndefined();
  });

  it('does not hand out an alert whose claim is live (a concurrent duplicate is still publishing)', async () => {
    const cluster = freshCluster();
    const results = await Promise.all([
      clocked.record(observation(cluster)),
      clocked.record(observation(cluster, { observedAt: at(0) })),
      clocked.record(observation(cluster, { eventId: 'evt-1', observedAt: at(1) })),
    ]);

    expect(results.filter((r) => r.claim !== undefined)).toHaveLength(1);
    // Whoever refreshed the row after the winner kept its claim, so the winner can still clear it.
    const winner = results.find((r) => r.claim !== undefined)!;
    expect(await clocked.markAlerted(winner.claim!)).toBe(true);
  });

  it('gives a released alert to exactly one of many concurrent retries', async () => {
    for (let round = 0; round < 5; round++) {
      const cluster = freshCluster();
      const won = await clocked.record(observation(cluster));
      await clocked.releaseAlertClaim(won.claim!);

      const retries = await Promise.all(
        Array.from({ length: 4 }, (_, i) =>
          clocked.record(observation(cluster, { observedAt: at(i % 2), eventId: 'evt-1' })),
        ),
      );

      expect(retries.filter((r) => r.claim !== undefined)).toHaveLength(1);
    }
  });

  it('lets a later run take over a claim whose holder died, and the dead claim can no longer clear it', async () => {
    const cluster = freshCluster();
    const won = await clocked.record(observation(cluster));
    const early = await clocked.record(observation(cluster, { eventId: 'e2', observedAt: at(1) }));
    expect(early.claim).toBeUndefined();

    clock += LEASE_MS;
    const late = await clocked.record(observation(cluster, { eventId: 'e3', observedAt: at(2) }));

    expect(late.claim?.alert.kind).toBe('NEW_VIOLATION');
    expect(await clocked.markAlerted(won.claim!)).toBe(false);
    expect(await clocked.markAlerted(late.claim!)).toBe(true);
  });

  it('replaces a still-pending alert with a newer transition of the same key', async () => {
    const cluster = freshCluster();
    const violated = await clocked.record(observation(cluster));
    await clocked.releaseAlertClaim(violated.claim!);

    const fixed = await clocked.record(
      observation(cluster, { compliance: 'COMPLIANT', eventId: 'fix', observedAt: at(3) }),
    );

    expect(fixed.transition).toBe('RESOLVED');
    expect(fixed.claim?.alert).toMatchObject({
      kind: 'RESOLVED',
      previousCompliance: 'NON_COMPLIANT',
      eventId: 'fix',
    });
    expect(await clocked.markAlerted(violated.claim!)).toBe(false);
    expect((await clocked.get(cluster, RULE))?.alertPending?.kind).toBe('RESOLVED');
  });

  it('never hands a pending alert to a stale observation', async () => {
    const cluster = freshCluster();
    const won = await clocked.record(observation(cluster, { observedAt: at(5) }));
    await clocked.releaseAlertClaim(won.claim!);

    const stale = await clocked.record(observation(cluster, { eventId: 'old', observedAt: at(1) }));

    expect(stale).toMatchObject({ transition: 'NONE', reason: 'STALE' });
    expect(stale.claim).toBeUndefined();
  });
});

describe('state per account and Region (Organization hub)', () => {
  const B = { accountId: '222233334444', region: 'eu-west-1' };
  const C = { accountId: '555566667777', region: 'eu-west-1' };

  it('keeps two accounts’ clusters of one name apart, each with its own transitions and registry', async () => {
    const name = freshCluster();
    const own = store;
    const memberB = store.forScope(B);
    const memberC = store.forScope(C);
    const first = await own.record(observation(name));
    const inB = await memberB.record(observation(name));
    const inC = await memberC.record(observation(name, { compliance: 'COMPLIANT', annotation: '' }));
    // One alert per account: B's violation is B's own transition, not a duplicate of the hub's.
    expect(first.transition).toBe('NEW_VIOLATION');
    expect(inB.transition).toBe('NEW_VIOLATION');
    expect(inC.transition).toBe('NONE');
    expect(inB.claim?.clusterName).toBe(name);
    expect(await memberB.markAlerted(inB.claim!)).toBe(true);
    expect((await own.get(name, 'VPC_ENDPOINTS_PRESENT'))?.alertPending?.kind).toBe('NEW_VIOLATION');
    expect((await memberB.get(name, 'VPC_ENDPOINTS_PRESENT'))?.alertPending).toBeUndefined();
    expect(await memberB.listClusters()).toEqual([name]);
    expect(await memberC.listClusters()).toEqual([name]);
    expect(await own.listClusters()).toContain(name);
    expect((await memberB.listCluster(name)).map((r) => r.clusterName)).toEqual([name]);

    // Forgetting B's cluster leaves the hub's and C's.
    expect(await memberB.forgetCluster(name)).toHaveLength(1);
    expect(await memberB.listClusters()).toEqual([]);
    expect(await own.get(name, 'VPC_ENDPOINTS_PRESENT')).toBeDefined();
    expect(await memberC.get(name, 'VPC_ENDPOINTS_PRESENT')).toBeDefined();
  });

  it('a single-account item written under the old key still reads, for the own account only', async () => {
    const name = freshCluster();
    // As a deployment from before the Organization change wrote it: pk = the cluster name, registry #CLUSTERS.
    await local.client.send(
      new PutItemCommand({
        TableName: local.tableName,
        Item: {
          pk: { S: name },
          sk: { S: 'VPC_ENDPOINTS_PRESENT' },
          compliance: { S: 'NON_COMPLIANT' },
          annotation: { S: 'missing: sts' },
          since: { S: at(0) },
          lastEventId: { S: 'evt-old' },
          observedAt: { S: at(0) },
          version: { N: '3' },
          updatedAt: { S: at(0) },
        },
      }),
    );
    await local.client.send(
      new PutItemCommand({ TableName: local.tableName, Item: { pk: { S: '#CLUSTERS' }, sk: { S: name } } }),
    );
    expect((await store.get(name, 'VPC_ENDPOINTS_PRESENT'))?.version).toBe(3);
    expect(await store.listClusters()).toContain(name);
    const again = await store.record(observation(name, { eventId: 'evt-2', observedAt: at(1) }));
    expect(again).toMatchObject({ transition: 'NONE', reason: 'UNCHANGED' });
    expect(await store.forScope(B).get(name, 'VPC_ENDPOINTS_PRESENT')).toBeUndefined();
    expect(await store.forScope(B).listClusters()).not.toContain(name);
  });
});
