/**
 * The drift path with the stage's Security Hub import on (DriftDeps.securityHub): the real state store on dynalite,
 * the fake AWS account, aws-sdk-client-mock for Security Hub. A NEW_VIOLATION imports FAILED and a RESOLVED imports
 * PASSED with Workflow RESOLVED, each exactly once per transition, duplicates, quiet runs and retries included.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  AwsSecurityFinding$,
  BatchImportFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import type { DriftDeps } from '../../drift/drift-deps';
import { processCloudTrailEvent, processSweep } from '../../drift/triggers';
import { securityHubFromEnvironment } from '../../functions/drift-runtime';
import { asffFindingId } from '../../securityhub/asff';
import { StateStore } from '../../state/state-store';
import {
  addPrivateCluster,
  emptySnapshot,
  type ClusterIds,
  type RawSnapshot,
} from '../../testkit/private-cluster';
import { group } from '../../testkit/snapshot-edits';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';
import { modelProblems } from '../securityhub/asff-model';
import {
  CHAT_TOPIC,
  REGION,
  chatAlerts,
  harness,
  resetMocks,
  sampleEvent,
  snsMock,
  type Harness,
} from './drift-harness';

const ACCOUNT = '111122223333';
const PRODUCT_ARN = `arn:aws:securityhub:${REGION}:${ACCOUNT}:product/${ACCOUNT}/default`;
const RULE = 'VPC_ENDPOINTS_SECURITY_GROUPS';
const securityHub = mockClient(SecurityHubClient);

let local: LocalDynamo;
let h: Harness;
let deps: DriftDeps;
let clusterCounter = 0;
let eventCounter = 0;

beforeAll(async () => {
  local = await startDynalite();
  h = harness(local);
  deps = {
    ...h.deps,
    securityHub: { client: new SecurityHubClient({ region: REGION }), productArn: PRODUCT_ARN },
  };
});

afterAll(async () => {
  h.close();
  await local.close();
});

function resetAll(): void {
  resetMocks();
  securityHub.reset();
  securityHub.on(BatchImportFindingsCommand).callsFake((input: { Findings: AwsSecurityFinding[] }) => ({
    FailedCount: 0,
    SuccessCount: input.Findings.length,
    FailedFindings: [],
  }));
}

beforeEach(resetAll);

/** Every finding imported since the last reset, in order. */
function imported(): AwsSecurityFinding[] {
  return securityHub
    .commandCalls(BatchImportFindingsCommand)
    .flatMap((call) => call.args[0].input.Findings ?? []);
}

function account(): { snapshot: RawSnapshot; ids: ClusterIds } {
  clusterCounter += 1;
  const snapshot = emptySnapshot(REGION, ACCOUNT);
  const ids = addPrivateCluster(snapshot, { index: clusterCounter, name: `hub-${clusterCounter}` });
  h.serve(snapshot);
  return { snapshot, ids };
}

function sgEvent(file: string, groupId: string) {
  eventCounter += 1;
  const event = sampleEvent(file);
  (event.detail.requestParameters as Record<string, unknown>).groupId = groupId;
  event.detail.responseElements = null;
  event.detail.eventID = `00000000-0000-4000-9000-${String(eventCounter).padStart(12, '0')}`;
  return event;
}
const revoke = (groupId: string) => sgEvent('cloudtrail-RevokeSecurityGroupIngress.json', groupId);
const authorize = (groupId: string) => sgEvent('cloudtrail-AuthorizeSecurityGroupIngress.json', groupId);

/** Nodes can no longer reach the interface endpoints on tcp/443; returns what to put back. */
function breakEndpointGroup(snapshot: RawSnapshot, ids: ClusterIds): unknown[] {
  const sg = group(snapshot, ids.endpointSecurityGroupId);
  const before = sg.IpPermissions;
  sg.IpPermissions = [];
  return before;
}

/** A compliant baseline is recorded (a first sighting: no transition, nothing imported). */
async function baseline(): Promise<{ snapshot: RawSnapshot; ids: ClusterIds }> {
  const created = account();
  await processSweep(deps, REGION);
  expect(imported()).toEqual([]);
  resetAll();
  return created;
}

describe('Security Hub import of drift transitions', () => {
  it('a NEW_VIOLATION imports its finding once, FAILED, valid against the SDK model', async () => {
    const { snapshot, ids } = await baseline();
    breakEndpointGroup(snapshot, ids);

    const outcome = await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);

    expect(outcome.alerts).toEqual([{ clusterName: ids.name, ruleId: RULE, kind: 'NEW_VIOLATION' }]);
    expect(securityHub.commandCalls(BatchImportFindingsCommand)).toHaveLength(1);
    const [finding, ...rest] = imported();
    expect(rest).toEqual([]);
    expect(modelProblems(finding, AwsSecurityFinding$)).toEqual([]);
    expect(finding).toMatchObject({
      Id: asffFindingId(ACCOUNT, REGION, ids.name, RULE),
      ProductArn: PRODUCT_ARN,
      AwsAccountId: ACCOUNT,
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      RecordState: 'ACTIVE',
      Severity: { Label: 'CRITICAL', Original: 'critical' },
    });
    expect(finding!.Resources![0]).toMatchObject({
      Type: 'AwsEksCluster',
      Id: `arn:aws:eks:${REGION}:${ACCOUNT}:cluster/${ids.name}`,
      Partition: 'aws',
      Region: REGION,
    });
    expect(finding!.Resources!.map((r) => r.Id)).toContain(
      `arn:aws:ec2:${REGION}:${ACCOUNT}:security-group/${ids.endpointSecurityGroupId}`,
    );
    expect(finding!.Description).toContain(ids.endpointSecurityGroupId);
    // The stored state says when the violation was observed: the import is dated by it.
    const stored = await (deps.store as StateStore).get(ids.name, RULE);
    expect(finding!.UpdatedAt).toBe(stored!.since);
    expect(finding!.CreatedAt).toBe(stored!.since);
    // The pages went out as before.
    expect(chatAlerts()).toHaveLength(1);
  });

  it('a RESOLVED imports PASSED with Workflow RESOLVED, once, dated from when the violation began', async () => {
    const { snapshot, ids } = await baseline();
    const removed = breakEndpointGroup(snapshot, ids);
    await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);
    const [violation] = imported();
    resetAll();

    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = removed as never;
    const fixed = await processCloudTrailEvent(deps, authorize(ids.endpointSecurityGroupId), REGION);

    expect(fixed.alerts).toEqual([{ clusterName: ids.name, ruleId: RULE, kind: 'RESOLVED' }]);
    const [finding, ...rest] = imported();
    expect(rest).toEqual([]);
    expect(modelProblems(finding, AwsSecurityFinding$)).toEqual([]);
    expect(finding).toMatchObject({
      Id: violation!.Id,
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      RecordState: 'ACTIVE',
      Severity: { Label: 'INFORMATIONAL', Original: 'critical' },
      CreatedAt: violation!.UpdatedAt,
    });
    // Security Hub applies an update only when UpdatedAt is later than the stored one.
    expect(Date.parse(finding!.UpdatedAt!)).toBeGreaterThan(Date.parse(violation!.UpdatedAt!));
  });

  it('quiet runs import nothing: the same violation seen again, and a sweep', async () => {
    const { snapshot, ids } = await baseline();
    breakEndpointGroup(snapshot, ids);
    await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);
    resetAll();

    await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);
    await processSweep(deps, REGION);

    expect(imported()).toEqual([]);
    expect(snsMock.commandCalls(PublishCommand)).toEqual([]);
  });

  it('one import when the same event is delivered twice at once', async () => {
    const { snapshot, ids } = await baseline();
    breakEndpointGroup(snapshot, ids);
    const event = revoke(ids.endpointSecurityGroupId);

    const outcomes = await Promise.all([
      processCloudTrailEvent(deps, event, REGION),
      processCloudTrailEvent(deps, structuredClone(event), REGION),
    ]);

    expect(outcomes.flatMap((o) => o.alerts)).toHaveLength(1);
    expect(imported()).toHaveLength(1);
    expect(chatAlerts()).toHaveLength(1);
  });

  it('a refused import fails the run after paging; the retry imports once and pages no one again', async () => {
    const { snapshot, ids } = await baseline();
    breakEndpointGroup(snapshot, ids);
    const event = revoke(ids.endpointSecurityGroupId);
    securityHub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 0,
      FailedFindings: [
        {
          Id: asffFindingId(ACCOUNT, REGION, ids.name, RULE),
          ErrorCode: 'InvalidAccess',
          ErrorMessage: `Account ${ACCOUNT} is not subscribed to AWS Security Hub`,
        },
      ],
    });

    const failed = await processCloudTrailEvent(deps, event, REGION).catch((e: unknown) => e);

    expect(failed).toBeInstanceOf(AggregateError);
    expect(String((failed as AggregateError).errors[0])).toContain('is not subscribed to AWS Security Hub');
    expect(h.warnings).toContain('alert publish failed');
    expect(chatAlerts()).toHaveLength(1);
    expect(imported()).toHaveLength(1);

    // Lambda's retry of the same event: Security Hub answers now.
    resetAll();
    const retried = await processCloudTrailEvent(deps, event, REGION);
    expect(retried.alerts).toEqual([
      { clusterName: ids.name, ruleId: RULE, kind: 'NEW_VIOLATION', resent: true },
    ]);
    const [finding, ...rest] = imported();
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({ Compliance: { Status: 'FAILED' } });
    expect(snsMock.commandCalls(PublishCommand)).toEqual([]);

    // Nothing is left pending.
    resetAll();
    await processSweep(deps, REGION);
    expect(imported()).toEqual([]);
    expect(snsMock.commandCalls(PublishCommand)).toEqual([]);
  });

  it('a failed page is resent on retry without importing again', async () => {
    const { snapshot, ids } = await baseline();
    breakEndpointGroup(snapshot, ids);
    const event = revoke(ids.endpointSecurityGroupId);
    snsMock.on(PublishCommand, { TopicArn: CHAT_TOPIC }).rejects(new Error('chat topic unavailable'));

    await expect(processCloudTrailEvent(deps, event, REGION)).rejects.toBeInstanceOf(AggregateError);
    expect(imported()).toHaveLength(1);

    resetAll();
    const retried = await processCloudTrailEvent(deps, event, REGION);
    expect(retried.alerts.map((a) => a.resent)).toEqual([true]);
    expect(imported()).toEqual([]);
    // Only the channel that had failed.
    expect(snsMock.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([CHAT_TOPIC]);
  });

  it('imports nothing when the stage leaves the import off', async () => {
    const { snapshot, ids } = account();
    await processSweep(h.deps, REGION);
    breakEndpointGroup(snapshot, ids);

    const outcome = await processCloudTrailEvent(h.deps, revoke(ids.endpointSecurityGroupId), REGION);

    expect(outcome.alerts).toHaveLength(1);
    expect(securityHub.commandCalls(BatchImportFindingsCommand)).toEqual([]);
  });
});

describe('the drift Lambdas’ wiring', () => {
  it('imports only when SECURITY_HUB_PRODUCT_ARN is set, under that product', () => {
    expect(securityHubFromEnvironment(REGION, {})).toBeUndefined();
    expect(securityHubFromEnvironment(REGION, { SECURITY_HUB_PRODUCT_ARN: '' })).toBeUndefined();
    const target = securityHubFromEnvironment(REGION, { SECURITY_HUB_PRODUCT_ARN: PRODUCT_ARN });
    expect(target?.productArn).toBe(PRODUCT_ARN);
    expect(target?.client).toBeInstanceOf(SecurityHubClient);
  });
});
