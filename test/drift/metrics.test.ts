import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { StartConfigRulesEvaluationCommand } from '@aws-sdk/client-config-service';
import { PublishCommand } from '@aws-sdk/client-sns';
import { processCloudTrailEvent, processSweep } from '../../drift/triggers';
import {
  addPrivateCluster,
  emptySnapshot,
  type ClusterIds,
  type RawSnapshot,
} from '../../testkit/private-cluster';
import { group } from '../../testkit/snapshot-edits';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';
import {
  CHAT_TOPIC,
  REGION,
  configMock,
  harness,
  resetMocks,
  sampleEvent,
  snsMock,
  type Harness,
} from './drift-harness';

let local: LocalDynamo;
let h: Harness;
let counter = 0;

beforeAll(async () => {
  local = await startDynalite();
  h = harness(local);
});

afterAll(async () => {
  h.close();
  await local.close();
});

beforeEach(() => {
  resetMocks();
  h.counts.clear();
});

function account(): { snapshot: RawSnapshot; ids: ClusterIds } {
  counter += 1;
  const snapshot = emptySnapshot(REGION);
  const ids = addPrivateCluster(snapshot, { index: 40 + counter, name: `metrics-${counter}` });
  h.serve(snapshot);
  return { snapshot, ids };
}

function revoke(groupId: string) {
  const event = sampleEvent('cloudtrail-RevokeSecurityGroupIngress.json');
  (event.detail.requestParameters as Record<string, unknown>).groupId = groupId;
  event.detail.responseElements = null;
  event.detail.eventID = `00000000-0000-4000-9000-${String(++counter).padStart(12, '0')}`;
  return event;
}

const counted = () => Object.fromEntries([...h.counts].filter(([, value]) => value > 0));

describe('what the drift path counts for operators', () => {
  it('a first sighting counts nothing; a breaking change counts one transition and one published alert', async () => {
    const { snapshot, ids } = account();
    await processSweep(h.deps, REGION);
    expect(counted()).toEqual({});

    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = [];
    await processCloudTrailEvent(h.deps, revoke(ids.endpointSecurityGroupId), REGION);
    expect(counted()).toEqual({ Transitions: 1, AlertsPublished: 1 });
  });

  it('a failed publish counts the transition and the failure, not a published alert', async () => {
    const { snapshot, ids } = account();
    await processSweep(h.deps, REGION);
    h.counts.clear();
    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = [];
    snsMock
      .on(PublishCommand, { TopicArn: CHAT_TOPIC })
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }));
    await expect(processCloudTrailEvent(h.deps, revoke(ids.endpointSecurityGroupId), REGION)).rejects.toThrow(
      'could not be published',
    );
    expect(counted()).toEqual({ Transitions: 1, AlertsFailed: 1 });
  });

  it('a settling cluster counts one scheduled re-check', async () => {
    const { snapshot, ids } = account();
    snapshot.eks.clusters[0]!.status = 'UPDATING';
    await processCloudTrailEvent(h.deps, revoke(ids.endpointSecurityGroupId), REGION);
    expect(counted()).toEqual({ RechecksScheduled: 1 });
  });

  it('a refused Config re-evaluation counts one scheduled re-check', async () => {
    account();
    configMock
      .on(StartConfigRulesEvaluationCommand)
      .rejects(Object.assign(new Error('busy'), { name: 'LimitExceededException' }));
    // The first sighting changes every rule's state, so Config is asked and refuses.
    await processSweep(h.deps, REGION);
    expect(counted()).toEqual({ RechecksScheduled: 1 });
  });

  it('an event that cannot be placed in a VPC counts one whole-Region fallback', async () => {
    account();
    await processCloudTrailEvent(h.deps, revoke('sg-0ffffffffffffffff'), REGION);
    expect(h.counts.get('WholeRegionFallbacks')).toBe(1);
  });
});
