/**
 * The drift path with the stage's Security Hub import on (DriftDeps.securityHub): the real state store on dynalite,
 * the fake AWS account, aws-sdk-client-mock for Security Hub. A NEW_VIOLATION imports FAILED; a RESOLVED imports
 * PASSED and then sets Workflow RESOLVED with BatchUpdateFindings (BatchImportFindings ignores Workflow once the
 * finding exists); each exactly once per transition, duplicates, quiet runs and retries included. Last, a whole
 * violation → fix → violation cycle against a model of what Security Hub documents doing with those calls.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { PublishCommand } from '@aws-sdk/client-sns';
import {
  AwsSecurityFinding$,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type AwsSecurityFindingIdentifier,
  type BatchUpdateFindingsRequest,
  type WorkflowStatus,
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
  securityHub
    .on(BatchUpdateFindingsCommand)
    .callsFake((input: { FindingIdentifiers: AwsSecurityFindingIdentifier[] }) => ({
      ProcessedFindings: input.FindingIdentifiers,
      UnprocessedFindings: [],
    }));
}

beforeEach(resetAll);

/** Every BatchUpdateFindings request since the last reset, in order. */
function workflowUpdates(): BatchUpdateFindingsRequest[] {
  return securityHub.commandCalls(BatchUpdateFindingsCommand).map((call) => call.args[0].input);
}

/** The Security Hub calls since the last reset, in order: `import` or `update`. */
function hubCalls(): string[] {
  return securityHub
    .calls()
    .map((call) => (call.args[0] instanceof BatchUpdateFindingsCommand ? 'update' : 'import'));
}

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
    // No workflow call: a new finding takes the import's Workflow NEW, and Security Hub itself resets a RESOLVED one
    // to NEW when its Compliance.Status goes from PASSED to FAILED.
    expect(workflowUpdates()).toEqual([]);
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

  it('a RESOLVED imports PASSED once, then sets Workflow RESOLVED once, dated from when the violation began', async () => {
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
    // The import's Workflow counts only for a new finding: the existing one is resolved by BatchUpdateFindings,
    // after the import, on that finding alone, and nothing else about it is changed.
    expect(hubCalls()).toEqual(['import', 'update']);
    expect(workflowUpdates()).toEqual([
      {
        FindingIdentifiers: [{ Id: violation!.Id, ProductArn: PRODUCT_ARN }],
        Workflow: { Status: 'RESOLVED' },
      },
    ]);
  });

  it('a workflow update Security Hub leaves unprocessed fails the run; the retry updates once, importing and paging no one again', async () => {
    const { snapshot, ids } = await baseline();
    const removed = breakEndpointGroup(snapshot, ids);
    await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);
    resetAll();
    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = removed as never;
    const event = authorize(ids.endpointSecurityGroupId);
    const id = asffFindingId(ACCOUNT, REGION, ids.name, RULE);
    securityHub.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: id, ProductArn: PRODUCT_ARN },
          ErrorCode: 'ConcurrentUpdateError',
          ErrorMessage: 'Concurrent finding updates detected',
        },
      ],
    });

    const failed = await processCloudTrailEvent(deps, event, REGION).catch((e: unknown) => e);

    expect(failed).toBeInstanceOf(AggregateError);
    expect(String((failed as AggregateError).errors[0])).toContain(
      `setting Workflow.Status RESOLVED on the RESOLVED finding for ${ids.name}/${RULE} in Security Hub failed: ` +
        `Security Hub did not set Workflow.Status RESOLVED on 1 of 1 finding(s): ${id} (ConcurrentUpdateError: ` +
        'Concurrent finding updates detected)',
    );
    expect(h.warnings).toContain('alert publish failed');
    expect(chatAlerts()).toHaveLength(1);
    expect(hubCalls()).toEqual(['import', 'update']);

    // Lambda's retry of the same event: Security Hub answers now.
    resetAll();
    const retried = await processCloudTrailEvent(deps, event, REGION);
    expect(retried.alerts).toEqual([{ clusterName: ids.name, ruleId: RULE, kind: 'RESOLVED', resent: true }]);
    expect(hubCalls()).toEqual(['update']);
    expect(workflowUpdates()).toEqual([
      { FindingIdentifiers: [{ Id: id, ProductArn: PRODUCT_ARN }], Workflow: { Status: 'RESOLVED' } },
    ]);
    expect(snsMock.commandCalls(PublishCommand)).toEqual([]);

    // Nothing is left pending.
    resetAll();
    await processSweep(deps, REGION);
    expect(hubCalls()).toEqual([]);
    expect(snsMock.commandCalls(PublishCommand)).toEqual([]);
  });

  it('a refused RESOLVED import sets no workflow; the retry imports, then resolves, once each', async () => {
    const { snapshot, ids } = await baseline();
    const removed = breakEndpointGroup(snapshot, ids);
    await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);
    resetAll();
    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = removed as never;
    const event = authorize(ids.endpointSecurityGroupId);
    securityHub
      .on(BatchImportFindingsCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'LimitExceededException' }));

    await expect(processCloudTrailEvent(deps, event, REGION)).rejects.toBeInstanceOf(AggregateError);
    expect(hubCalls()).toEqual(['import']);

    resetAll();
    await processCloudTrailEvent(deps, event, REGION);
    expect(hubCalls()).toEqual(['import', 'update']);
    expect(imported()).toMatchObject([{ Compliance: { Status: 'PASSED' } }]);
    expect(snsMock.commandCalls(PublishCommand)).toEqual([]);
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
    expect(securityHub.calls()).toEqual([]);
  });
});

/**
 * What Security Hub documents doing with our two calls, as a model: BatchImportFindings creates a finding with the
 * Workflow it is given (NEW by default), and later applies only imports whose UpdatedAt is later, never their
 * Workflow (User Guide "BatchImportFindings for finding providers"); it resets a NOTIFIED or RESOLVED workflow to NEW
 * when Compliance.Status goes from PASSED to FAILED, WARNING or NOT_AVAILABLE, or RecordState from ARCHIVED to ACTIVE
 * (API reference, Workflow `Status`). BatchUpdateFindings sets the workflow of existing findings (FindingNotFound for
 * any other).
 */
function documentedSecurityHub() {
  interface Stored {
    compliance: string | undefined;
    recordState: string;
    workflow: WorkflowStatus;
    updatedAt: string;
  }
  const stored = new Map<string, Stored>();
  const key = (productArn: string | undefined, id: string | undefined) => `${productArn} ${id}`;
  securityHub.on(BatchImportFindingsCommand).callsFake((input: { Findings: AwsSecurityFinding[] }) => {
    for (const f of input.Findings) {
      const old = stored.get(key(f.ProductArn, f.Id));
      if (old === undefined) {
        stored.set(key(f.ProductArn, f.Id), {
          compliance: f.Compliance?.Status,
          recordState: f.RecordState ?? 'ACTIVE',
          workflow: f.Workflow?.Status ?? 'NEW',
          updatedAt: f.UpdatedAt!,
        });
        continue;
      }
      if (Date.parse(f.UpdatedAt!) <= Date.parse(old.updatedAt)) continue;
      const compliance = f.Compliance?.Status;
      const recordState = f.RecordState ?? old.recordState;
      const reopened =
        (old.compliance === 'PASSED' && ['FAILED', 'WARNING', 'NOT_AVAILABLE'].includes(compliance ?? '')) ||
        (old.recordState === 'ARCHIVED' && recordState === 'ACTIVE');
      stored.set(key(f.ProductArn, f.Id), {
        compliance,
        recordState,
        updatedAt: f.UpdatedAt!,
        workflow: reopened && ['NOTIFIED', 'RESOLVED'].includes(old.workflow) ? 'NEW' : old.workflow,
      });
    }
    return { FailedCount: 0, SuccessCount: input.Findings.length, FailedFindings: [] };
  });
  const update = (input: BatchUpdateFindingsRequest) => {
    const found = input.FindingIdentifiers!.filter((i) => stored.has(key(i.ProductArn, i.Id)));
    for (const i of found) stored.get(key(i.ProductArn, i.Id))!.workflow = input.Workflow!.Status!;
    return {
      ProcessedFindings: found,
      UnprocessedFindings: input
        .FindingIdentifiers!.filter((i) => !found.includes(i))
        .map((i) => ({
          FindingIdentifier: i,
          ErrorCode: 'FindingNotFound',
          ErrorMessage: 'Finding Not Found',
        })),
    };
  };
  securityHub.on(BatchUpdateFindingsCommand).callsFake(update);
  return {
    finding: (id: string) => stored.get(key(PRODUCT_ARN, id)),
    /** A person's own BatchUpdateFindings, e.g. from the console. */
    personSets: (id: string, status: WorkflowStatus) =>
      update({ FindingIdentifiers: [{ Id: id, ProductArn: PRODUCT_ARN }], Workflow: { Status: status } }),
  };
}

describe('against what Security Hub documents', () => {
  it('violation → fix → violation: Workflow NEW, RESOLVED (over a person’s NOTIFIED), NEW again, with one update', async () => {
    const { snapshot, ids } = await baseline();
    const hub = documentedSecurityHub();
    const id = asffFindingId(ACCOUNT, REGION, ids.name, RULE);

    const removed = breakEndpointGroup(snapshot, ids);
    await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);
    expect(hub.finding(id)).toMatchObject({ compliance: 'FAILED', workflow: 'NEW' });
    hub.personSets(id, 'NOTIFIED');

    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = removed as never;
    await processCloudTrailEvent(deps, authorize(ids.endpointSecurityGroupId), REGION);
    expect(hub.finding(id)).toMatchObject({ compliance: 'PASSED', workflow: 'RESOLVED' });

    breakEndpointGroup(snapshot, ids);
    await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);
    expect(hub.finding(id)).toMatchObject({ compliance: 'FAILED', workflow: 'NEW' });

    // Three imports, and the one workflow call of the RESOLVED (the person's own is not ours).
    expect(hubCalls()).toEqual(['import', 'import', 'update', 'import']);
  });

  it('without the workflow call the fix would leave the finding as the person left it: the import alone cannot resolve it', async () => {
    const { snapshot, ids } = await baseline();
    const hub = documentedSecurityHub();
    const id = asffFindingId(ACCOUNT, REGION, ids.name, RULE);
    const removed = breakEndpointGroup(snapshot, ids);
    await processCloudTrailEvent(deps, revoke(ids.endpointSecurityGroupId), REGION);
    hub.personSets(id, 'NOTIFIED');
    // Security Hub has the update refused: only the import lands, and it does not touch the workflow.
    securityHub.on(BatchUpdateFindingsCommand).rejects(
      Object.assign(new Error('not authorized to perform: securityhub:BatchUpdateFindings'), {
        name: 'AccessDeniedException',
      }),
    );

    group(snapshot, ids.endpointSecurityGroupId).IpPermissions = removed as never;
    await expect(
      processCloudTrailEvent(deps, authorize(ids.endpointSecurityGroupId), REGION),
    ).rejects.toBeInstanceOf(AggregateError);
    expect(hub.finding(id)).toMatchObject({ compliance: 'PASSED', workflow: 'NOTIFIED' });
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
