import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { StartConfigRulesEvaluationCommand } from '@aws-sdk/client-config-service';
import { PublishCommand } from '@aws-sdk/client-sns';
import { processCloudTrailEvent, processRecheckMessage, processSweep } from '../../drift/triggers';
import { MAX_RECHECK_ATTEMPTS } from '../../drift/recheck-queue';
import { StateStore } from '../../state/state-store';
import {
  addPrivateCluster,
  emptySnapshot,
  type ClusterIds,
  type RawSnapshot,
} from '../../testkit/private-cluster';
import { endpoint, group } from '../../testkit/snapshot-edits';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';
import {
  CHAT_TOPIC,
  EMAIL_TOPIC,
  REGION,
  chatAlerts,
  configMock,
  configRulesStarted,
  snsMock,
  harness,
  recheckMessages,
  resetMocks,
  sampleEvent,
  type Harness,
} from './drift-harness';

let local: LocalDynamo;
let h: Harness;
let clusterCounter = 0;

beforeAll(async () => {
  local = await startDynalite();
  h = harness(local);
});

afterAll(async () => {
  h.close();
  await local.close();
});

beforeEach(() => resetMocks());

/** A fresh account holding one compliant private cluster with a name no other test used. */
function account(): { snapshot: RawSnapshot; ids: ClusterIds } {
  clusterCounter += 1;
  const snapshot = emptySnapshot(REGION);
  const ids = addPrivateCluster(snapshot, { index: clusterCounter, name: `drift-${clusterCounter}` });
  h.serve(snapshot);
  return { snapshot, ids };
}

let eventCounter = 0;
/** The sample security-group event, aimed at `groupId`, with a unique CloudTrail event id. */
function sgEvent(file: string, groupId: string) {
  eventCounter += 1;
  const event = sampleEvent(file);
  const detail = event.detail;
  (detail.requestParameters as Record<string, unknown>).groupId = groupId;
  detail.responseElements = null;
  detail.eventID = `00000000-0000-4000-8000-${String(eventCounter).padStart(12, '0')}`;
  return event;
}

const revoke = (groupId: string) => sgEvent('cloudtrail-RevokeSecurityGroupIngress.json', groupId);
const authorize = (groupId: string) => sgEvent('cloudtrail-AuthorizeSecurityGroupIngress.json', groupId);

/** Breaks the endpoint security group: nodes can no longer reach the interface endpoints on tcp/443. */
function revokeEndpointIngress(snapshot: RawSnapshot, ids: ClusterIds): unknown[] {
  const sg = group(snapshot, ids.endpointSecurityGroupId);
  const before = sg.IpPermissions;
  sg.IpPermissions = [];
  return before;
}

describe('processCloudTrailEvent', () => {
  it('alerts once, naming the actor, when a revoked endpoint-SG rule breaks a cluster', async () => {
    const { snapshot, ids } = account();
    // The compliant baseline: state recorded, nothing to alert.
    const baseline = await processCloudTrailEvent(h.deps, revoke(ids.endpointSecurityGroupId), REGION);
    expect(baseline.alerts).toEqual([]);
    expect(baseline.judgedClusters).toEqual([ids.name]);
    expect(baseline.vpcIds).toEqual([ids.vpcId]);
    resetMocks();

    revokeEndpointIngress(snapshot, ids);
    const event = revoke(ids.endpointSecurityGroupId);
    const outcome = await processCloudTrailEvent(h.deps, event, REGION);

    expect(outcome.alerts).toEqual([
      { clusterName: ids.name, ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS', kind: 'NEW_VIOLATION' },
    ]);
    const [alert, ...rest] = chatAlerts();
    expect(rest).toEqual([]);
    expect(alert?.attributes).toMatchObject({
      transition: 'NEW_VIOLATION',
      ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS',
      clusterName: ids.name,
      region: REGION,
    });
    const description = JSON.stringify(alert?.body);
    expect(description).toContain('arn:aws:sts::111122223333:assumed-role/NetworkAdmin/alice');
    expect(description).toContain('198.51.100.24');
    expect(description).toContain(String(event.detail.eventID));
    expect(description).toContain(ids.endpointSecurityGroupId);
    // Issue 11: the next steps carry the finding's fix, with the account's real ids.
    expect(description).toContain(
      `aws ec2 authorize-security-group-ingress --region ${REGION} --group-id ${ids.endpointSecurityGroupId}`,
    );
    expect(configRulesStarted()).toEqual([['private-eks-vpc-endpoints-security-groups']]);
    expect(recheckMessages()).toEqual([]);
  });

  it('sends one alert when the same event is delivered twice at once', async () => {
    const { snapshot, ids } = account();
    await processSweep(h.deps, REGION);
    resetMocks();
    revokeEndpointIngress(snapshot, ids);
    const event = revoke(ids.endpointSecurityGroupId);

    const outcomes = await Promise.all([
      processCloudTrailEvent(h.deps, event, REGION),
      processCloudTrailEvent(h.deps, structuredClone(event), REGION),
    ]);

    expect(outcomes.flatMap((o) => o.alerts)).toHaveLength(1);
    expect(chatAlerts()).toHaveLength(1);
  });

  it('sends one RESOLVED when the fix arrives', async () => {
    const { snapshot, ids } = account();
    const removed = revokeEndpointIngress(snapshot, ids);
    const broken = await processCloudTrailEvent(h.deps, revoke(ids.endpointSecurityGroupId), REGION);
    expect(broken.alerts.map((a) => a.kind)).toEqual(['NEW_VIOLATION']);
    resetMocks();

    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = removed as never;
    const fixed = await processCloudTrailEvent(h.deps, authorize(ids.endpointSecurityGroupId), REGION);

    expect(fixed.alerts).toEqual([
      { clusterName: ids.name, ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS', kind: 'RESOLVED' },
    ]);
    expect(chatAlerts().map((a) => a.attributes.transition)).toEqual(['RESOLVED']);
  });

  it('holds back an UPDATING cluster: no alert, no state, one delayed re-check', async () => {
    const { snapshot, ids } = account();
    revokeEndpointIngress(snapshot, ids);
    snapshot.eks.clusters[0]!.status = 'UPDATING';
    const event = revoke(ids.endpointSecurityGroupId);

    const outcome = await processCloudTrailEvent(h.deps, event, REGION);

    expect(outcome.alerts).toEqual([]);
    expect(outcome.settlingClusters).toEqual([ids.name]);
    expect(chatAlerts()).toEqual([]);
    expect(await h.deps.store.listClusters()).not.toContain(ids.name);
    const messages = recheckMessages();
    expect(messages).toHaveLength(1);
    expect(messages[0]!.delaySeconds).toBeGreaterThanOrEqual(60);
    expect(messages[0]!.delaySeconds).toBeLessThanOrEqual(900);
    expect(messages[0]!.body).toMatchObject({
      kind: 'recheck',
      vpcIds: [ids.vpcId],
      attempt: 1,
      configRules: null,
      event: { eventID: event.detail.eventID, userIdentityArn: expect.stringContaining('alice') },
    });
    expect(messages[0]!.body.reason).toContain('updating');

    // The re-check after the update finished alerts, still naming who made the change.
    resetMocks();
    snapshot.eks.clusters[0]!.status = 'ACTIVE';
    const recheck = await processRecheckMessage(h.deps, messages[0]!.body, REGION);
    expect(recheck.alerts.map((a) => a.kind)).toEqual(['NEW_VIOLATION']);
    expect(JSON.stringify(chatAlerts()[0]?.body)).toContain('alice');
  });

  it('evaluates anyway after the last re-check attempt, and logs it', async () => {
    const { snapshot, ids } = account();
    revokeEndpointIngress(snapshot, ids);
    snapshot.eks.clusters[0]!.status = 'UPDATING';

    const outcome = await processRecheckMessage(
      h.deps,
      {
        kind: 'recheck',
        vpcIds: [ids.vpcId],
        attempt: MAX_RECHECK_ATTEMPTS,
        reason: 'test',
        event: null,
        configRules: null,
      },
      REGION,
    );

    expect(recheckMessages()).toEqual([]);
    expect(outcome.alerts.map((a) => a.ruleId)).toEqual(['VPC_ENDPOINTS_SECURITY_GROUPS']);
    expect(h.warnings).toContain('still settling after the last re-check; evaluating anyway');
  });

  it.each(['pendingAcceptance', 'pending', 'deleting'])(
    're-checks while an endpoint is %s',
    async (state) => {
      const { snapshot, ids } = account();
      endpoint(snapshot, ids.interfaceEndpointIds['sts']!).State = state;

      const outcome = await processCloudTrailEvent(h.deps, revoke(ids.endpointSecurityGroupId), REGION);

      expect(outcome.judgedClusters).toEqual([]);
      expect(chatAlerts()).toEqual([]);
      const [message, ...rest] = recheckMessages();
      expect(rest).toEqual([]);
      expect(message?.body.reason).toContain(`${ids.interfaceEndpointIds['sts']} is ${state.toLowerCase()}`);
    },
  );

  it('puts refused Config re-evaluations on the delayed queue', async () => {
    const { snapshot, ids } = account();
    revokeEndpointIngress(snapshot, ids);
    configMock
      .on(StartConfigRulesEvaluationCommand)
      .rejects(Object.assign(new Error('evaluation in progress'), { name: 'LimitExceededException' }));

    const outcome = await processCloudTrailEvent(h.deps, revoke(ids.endpointSecurityGroupId), REGION);

    expect(outcome.alerts).toHaveLength(1);
    const [message, ...rest] = recheckMessages();
    expect(rest).toEqual([]);
    expect(message?.body).toMatchObject({ vpcIds: [], attempt: 1 });
    expect(message?.body.configRules).toContain('private-eks-vpc-endpoints-security-groups');

    // Delivered later, the message only retries Config: nothing is collected or alerted again.
    resetMocks();
    const retried = await processRecheckMessage(h.deps, message!.body, REGION);
    expect(retried.judgedClusters).toEqual([]);
    expect(configRulesStarted()).toEqual([message!.body.configRules]);
    expect(chatAlerts()).toEqual([]);
  });

  it('collects the whole Region when the event cannot be placed in a VPC', async () => {
    const { snapshot, ids } = account();
    revokeEndpointIngress(snapshot, ids);
    const server = h.serve(snapshot);

    // A security group the account does not hold: DescribeSecurityGroups cannot place it.
    const outcome = await processCloudTrailEvent(h.deps, revoke('sg-0ffffffffffffffff'), REGION);

    expect(outcome.scope).toBe('region');
    expect(server.get('eks:ListClusters').served).toBe(1);
    expect(server.get('ec2:DescribeSubnets').served).toBeGreaterThan(0);
    expect(outcome.alerts.map((a) => a.clusterName)).toEqual([ids.name]);
  });

  it('forgets the state of a cluster deleted by a DeleteCluster event', async () => {
    const { snapshot, ids } = account();
    await processSweep(h.deps, REGION);
    expect(await h.deps.store.listClusters()).toContain(ids.name);
    snapshot.eks.clusters = [];
    h.serve(snapshot);
    const event = sampleEvent('cloudtrail-DeleteCluster.json');
    (event.detail.requestParameters as Record<string, unknown>).name = ids.name;
    event.detail.responseElements = null;

    const outcome = await processCloudTrailEvent(h.deps, event, REGION);

    expect(outcome.forgottenClusters).toContain(ids.name);
    expect(await h.deps.store.listClusters()).not.toContain(ids.name);
    expect(chatAlerts()).toEqual([]);
  });
});

describe('processSweep', () => {
  it('forgets clusters that no longer exist and attributes alerts to nobody', async () => {
    const { snapshot, ids } = account();
    await h.deps.store.record({
      clusterName: 'deleted-long-ago',
      ruleId: 'SUBNETS_MULTI_AZ',
      compliance: 'NON_COMPLIANT',
      eventId: 'e-1',
      observedAt: '2029-01-01T00:00:00Z',
    });
    revokeEndpointIngress(snapshot, ids);

    const outcome = await processSweep(h.deps, REGION);

    expect(outcome.forgottenClusters).toContain('deleted-long-ago');
    expect(await h.deps.store.listClusters()).not.toContain('deleted-long-ago');
    expect(await h.deps.store.listClusters()).toContain(ids.name);
    expect(outcome.alerts).toEqual([
      { clusterName: ids.name, ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS', kind: 'NEW_VIOLATION' },
    ]);
    expect(JSON.stringify(chatAlerts()[0]?.body)).toContain('scheduled sweep');
    // The deleted cluster's violation is gone silently: no RESOLVED for a cluster that no longer exists.
    expect(chatAlerts()).toHaveLength(1);
  });
});

describe('alerts whose publish failed after the state was recorded', () => {
  const RULE = 'VPC_ENDPOINTS_SECURITY_GROUPS';
  const emailAlertCount = () => snsMock.commandCalls(PublishCommand, { TopicArn: EMAIL_TOPIC }).length;

  /** A cluster whose endpoint SG is broken, the breaking event, and a chat topic that fails the next publish. */
  async function brokenWithFailingChat() {
    const { snapshot, ids } = account();
    await processSweep(h.deps, REGION);
    resetMocks();
    revokeEndpointIngress(snapshot, ids);
    const event = revoke(ids.endpointSecurityGroupId);
    snsMock
      .on(PublishCommand, { TopicArn: CHAT_TOPIC })
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottledException' }))
      .resolves({ MessageId: 'p-2' });
    await expect(processCloudTrailEvent(h.deps, event, REGION)).rejects.toThrow('could not be published');
    // The email topic got its message; only the chat one is owed.
    expect(emailAlertCount()).toBe(1);
    const reader = new StateStore(local.client, local.tableName);
    const pending = (await reader.get(ids.name, RULE))?.alertPending;
    expect(pending).toMatchObject({
      kind: 'NEW_VIOLATION',
      eventId: event.detail.eventID,
      delivered: ['email'],
    });
    // Released on failure, so the retry need not wait for the lease.
    expect(pending?.claimToken).toBeUndefined();
    return { ids, event, reader };
  }

  it('resends the alert exactly once on the retry and clears the pending flag', async () => {
    const { ids, event, reader } = await brokenWithFailingChat();
    resetMocks();

    const retry = await processCloudTrailEvent(h.deps, structuredClone(event), REGION);

    expect(retry.alerts).toEqual([
      { clusterName: ids.name, ruleId: RULE, kind: 'NEW_VIOLATION', resent: true },
    ]);
    const [alert, ...rest] = chatAlerts();
    expect(rest).toEqual([]);
    expect(JSON.stringify(alert?.body)).toContain('alice');
    // SPEC §9, one message per transition on each topic: the email is not sent again.
    expect(emailAlertCount()).toBe(0);
    expect((await reader.get(ids.name, RULE))?.alertPending).toBeUndefined();

    // A further redelivery finds nothing left to send.
    resetMocks();
    const again = await processCloudTrailEvent(h.deps, structuredClone(event), REGION);
    expect(again.alerts).toEqual([]);
    expect(chatAlerts()).toEqual([]);
  });

  it('sends one alert when two retries run at once', async () => {
    const { event, ids, reader } = await brokenWithFailingChat();
    resetMocks();

    const outcomes = await Promise.all([
      processCloudTrailEvent(h.deps, structuredClone(event), REGION),
      processCloudTrailEvent(h.deps, structuredClone(event), REGION),
    ]);

    expect(outcomes.flatMap((o) => o.alerts)).toHaveLength(1);
    expect(chatAlerts()).toHaveLength(1);
    expect((await reader.get(ids.name, RULE))?.alertPending).toBeUndefined();
  });

  it('lets the sweep deliver an alert no retry delivered, still naming who made the change', async () => {
    const { ids } = await brokenWithFailingChat();
    resetMocks();

    const sweep = await processSweep(h.deps, REGION);

    expect(sweep.alerts).toContainEqual({
      clusterName: ids.name,
      ruleId: RULE,
      kind: 'NEW_VIOLATION',
      resent: true,
    });
    const body = JSON.stringify(chatAlerts().find((a) => a.attributes.clusterName === ids.name)?.body);
    expect(body).toContain('arn:aws:sts::111122223333:assumed-role/NetworkAdmin/alice');
    expect(body).not.toContain('scheduled sweep');
  });
});
