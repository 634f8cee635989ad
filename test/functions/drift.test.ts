import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { DriftOutcome } from '../../drift/drift-deps';
import type { ScheduledEvent, SQSEvent } from 'aws-lambda';
import { makeHandler, type DriftEvent } from '../../functions/drift';
import { makeHandler as makeSweepHandler } from '../../functions/sweep';
import { addPrivateCluster, emptySnapshot, type ClusterIds } from '../../testkit/private-cluster';
import { SAMPLE_IDS, sample } from '../config-rules/helpers';
import {
  REGION,
  harness,
  recheckMessages,
  resetMocks,
  sampleEvent,
  sampleEventNames,
  sqsRecord,
  type Harness,
} from '../drift/drift-harness';
import { StateStore } from '../../state/state-store';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';

let local: LocalDynamo;
let h: Harness;
let cluster: ClusterIds;

beforeAll(async () => {
  local = await startDynalite();
  h = harness(local);
  const snapshot = emptySnapshot(REGION);
  cluster = addPrivateCluster(snapshot, { name: 'prod-private' });
  h.serve(snapshot);
});

afterAll(async () => {
  h.close();
  await local.close();
});

beforeEach(() => resetMocks());

describe('drift handler', () => {
  it('finds the sample events', () => {
    expect(sampleEventNames().length).toBeGreaterThanOrEqual(25);
  });

  it.each(sampleEventNames())('runs %s through the drift path', async (file) => {
    const handler = makeHandler(h.deps, REGION);
    const outcome = (await handler(sampleEvent(file) as unknown as DriftEvent)) as DriftOutcome;
    // The samples' ids are not in the fake account, so each is either placed in its named VPC or the whole Region.
    expect(['vpcs', 'region']).toContain(outcome.scope);
    expect(outcome.alerts).toEqual([]);
  });

  it('processes SQS re-check records and reports only the bad one as failed', async () => {
    const handler = makeHandler(h.deps, REGION);
    const good = { kind: 'recheck', vpcIds: null, attempt: 1, reason: 'x', event: null, configRules: null };
    const response = await handler({
      Records: [sqsRecord('ok', JSON.stringify(good)), sqsRecord('bad', '{"kind":"something else"}')],
    });
    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(h.warnings).toContain('re-check message failed');
  });
});

describe('events/ samples of the other triggers', () => {
  it('sqs-recheck.json: re-checks the named VPC, attributes the result to the queued event, fails nothing', async () => {
    const event = sample('sqs-recheck.json', cluster) as { Records: { body: string }[] };
    const queued = JSON.parse(event.Records[0]!.body) as { vpcIds: string[]; event: { eventID: string } };
    expect(queued.vpcIds).toEqual([cluster.vpcId]);
    expect(JSON.stringify(event)).not.toContain(SAMPLE_IDS.vpc);

    const response = await makeHandler(h.deps, REGION)(event as unknown as SQSEvent);
    expect(response).toEqual({ batchItemFailures: [] });
    const rows = await new StateStore(local.client, local.tableName).listCluster('prod-private');
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => r.lastEventId))).toEqual(new Set([queued.event.eventID]));
  });

  it('schedule-sweep.json: the scheduled event starts a whole-Region sweep', async () => {
    const outcome = await makeSweepHandler(
      h.deps,
      REGION,
    )(sample('schedule-sweep.json') as unknown as ScheduledEvent);
    expect(outcome.scope).toBe('region');
    expect(outcome.judgedClusters).toEqual(['prod-private']);
  });
});

describe('sweep handler', () => {
  it('checks the whole Region with no actor', async () => {
    const outcome = await makeSweepHandler(h.deps, REGION)();
    expect(outcome.scope).toBe('region');
    expect(outcome.judgedClusters).toEqual(['prod-private']);
    expect(recheckMessages()).toEqual([]);
  });
});
