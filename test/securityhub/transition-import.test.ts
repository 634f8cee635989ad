/**
 * securityhub/transition-import.ts: the ASFF of a recorded transition in every partition, and the status it states
 * whatever the rule now says; the publisher that imports it and, for a RESOLVED, sets Workflow RESOLVED, each once,
 * naming what it reached. The drift path around it: test/drift/securityhub-import.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AwsSecurityFinding$,
  BatchImportFindingsCommand,
  BatchUpdateFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type AwsSecurityFindingIdentifier,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { AlertPublishError } from '../../alerts/sns-publisher';
import type { Transition } from '../../alerts/transition';
import { evaluateSnapshot } from '../../engine/evaluate';
import { parseParams } from '../../engine/params';
import { RULES, ruleById } from '../../rules';
import { productArn } from '../../securityhub/asff';
import {
  SECURITY_HUB_CHANNEL,
  SECURITY_HUB_WORKFLOW_CHANNEL,
  publisherWithSecurityHub,
  transitionFinding,
} from '../../securityhub/transition-import';
import { parseSnapshotText } from '../../snapshot/load';
import { SnapshotView } from '../../snapshot/view';
import { modelProblems } from './asff-model';

const file = join(__dirname, '..', '..', 'examples', 'china-region.json');
const view = new SnapshotView(parseSnapshotText(readFileSync(file, 'utf8'), file));
const failed = evaluateSnapshot(view, RULES, parseParams({})).find((f) => f.compliance === 'NON_COMPLIANT')!;
const meta = ruleById(failed.ruleId)!.meta;
const scope = { accountId: view.accountId, region: view.region, partition: view.partition };
const product = productArn(view.partition, view.region, view.accountId);

describe('transitionFinding', () => {
  it('a NEW_VIOLATION in a China Region: FAILED, aws-cn product and resource ARNs, dated by its observation', () => {
    const f = transitionFinding(
      failed,
      meta,
      scope,
      { kind: 'NEW_VIOLATION', observedAt: '2030-01-01T00:00:01.000Z' },
      product,
    );
    expect(modelProblems(f, AwsSecurityFinding$)).toEqual([]);
    expect(view.partition).toBe('aws-cn');
    expect(f.ProductArn).toBe(
      `arn:aws-cn:securityhub:${view.region}:${view.accountId}:product/${view.accountId}/default`,
    );
    expect(f.Resources!.every((r) => r.Partition === 'aws-cn' && r.Id!.startsWith('arn:aws-cn:'))).toBe(true);
    expect(f).toMatchObject({
      Compliance: { Status: 'FAILED' },
      Workflow: { Status: 'NEW' },
      CreatedAt: '2030-01-01T00:00:01.000Z',
      UpdatedAt: '2030-01-01T00:00:01.000Z',
    });
  });

  it('a RESOLVED is PASSED with Workflow RESOLVED even when the rule now says NOT_APPLICABLE', () => {
    const f = transitionFinding(
      { ...failed, compliance: 'NOT_APPLICABLE', details: [], offenders: [] },
      meta,
      scope,
      { kind: 'RESOLVED', observedAt: '2030-01-02T00:00:00.000Z', previousSince: '2030-01-01T00:00:01.000Z' },
      product,
    );
    expect(f).toMatchObject({
      Compliance: { Status: 'PASSED' },
      Workflow: { Status: 'RESOLVED' },
      RecordState: 'ACTIVE',
      CreatedAt: '2030-01-01T00:00:01.000Z',
      UpdatedAt: '2030-01-02T00:00:00.000Z',
    });
  });

  it('a RESOLVED without a known start is dated by its observation', () => {
    const f = transitionFinding(
      failed,
      meta,
      scope,
      { kind: 'RESOLVED', observedAt: '2030-01-02T00:00:00.000Z' },
      product,
    );
    expect(f.CreatedAt).toBe('2030-01-02T00:00:00.000Z');
  });
});

describe('publisherWithSecurityHub', () => {
  const securityHub = mockClient(SecurityHubClient);
  const target = { client: new SecurityHubClient({ region: view.region }), productArn: product };
  const resolvedFinding = () =>
    transitionFinding(
      failed,
      meta,
      scope,
      { kind: 'RESOLVED', observedAt: '2030-01-02T00:00:00.000Z', previousSince: '2030-01-01T00:00:01.000Z' },
      product,
    );
  const violationFinding = () =>
    transitionFinding(
      failed,
      meta,
      scope,
      { kind: 'NEW_VIOLATION', observedAt: '2030-01-01T00:00:01.000Z' },
      product,
    );
  const transition = (kind: Transition['kind']) =>
    ({ kind, clusterName: failed.resourceId, ruleId: failed.ruleId }) as Transition;
  const pages: Transition['kind'][] = [];
  const topics = { publish: async (t: Transition) => void pages.push(t.kind) };

  beforeEach(() => {
    pages.length = 0;
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
  });

  const order = () =>
    securityHub
      .calls()
      .map((call) => (call.args[0] instanceof BatchUpdateFindingsCommand ? 'update' : 'import'));
  const updates = () => securityHub.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input);

  it('a RESOLVED: the page, the PASSED import, then Workflow RESOLVED on that finding', async () => {
    const finding = resolvedFinding();
    await publisherWithSecurityHub(topics, target, {}, () => finding).publish(transition('RESOLVED'));
    expect(pages).toEqual(['RESOLVED']);
    expect(order()).toEqual(['import', 'update']);
    expect(updates()).toEqual([
      { FindingIdentifiers: [{ Id: finding.Id, ProductArn: product }], Workflow: { Status: 'RESOLVED' } },
    ]);
  });

  it('a NEW_VIOLATION: the FAILED import alone (Security Hub itself resets RESOLVED to NEW on PASSED → FAILED)', async () => {
    await publisherWithSecurityHub(topics, target, {}, violationFinding).publish(transition('NEW_VIOLATION'));
    expect(order()).toEqual(['import']);
  });

  it('a refused import: no workflow update, the error says so, the topics count as reached', async () => {
    securityHub.on(BatchImportFindingsCommand).resolves({
      FailedCount: 1,
      SuccessCount: 0,
      FailedFindings: [{ Id: 'x', ErrorCode: 'InvalidAccess', ErrorMessage: 'not subscribed' }],
    });
    const error = (await publisherWithSecurityHub(topics, target, {}, resolvedFinding)
      .publish(transition('RESOLVED'))
      .catch((e: unknown) => e)) as AlertPublishError;
    expect(error).toBeInstanceOf(AlertPublishError);
    expect(error.message).toMatch(/^importing the RESOLVED finding for .* into Security Hub failed: /);
    expect(error.delivered).toEqual(['chat', 'email']);
    expect(order()).toEqual(['import']);
  });

  it('an unprocessed workflow update: the import counts as reached, the update does not', async () => {
    const finding = resolvedFinding();
    securityHub.on(BatchUpdateFindingsCommand).resolves({
      ProcessedFindings: [],
      UnprocessedFindings: [
        {
          FindingIdentifier: { Id: finding.Id, ProductArn: product },
          ErrorCode: 'ConcurrentUpdateError',
          ErrorMessage: 'Concurrent finding updates detected',
        },
      ],
    });
    const error = (await publisherWithSecurityHub(topics, target, {}, () => finding)
      .publish(transition('RESOLVED'))
      .catch((e: unknown) => e)) as AlertPublishError;
    expect(error.message).toBe(
      `setting Workflow.Status RESOLVED on the RESOLVED finding for ${failed.resourceId}/${failed.ruleId} in ` +
        `Security Hub failed: Security Hub did not set Workflow.Status RESOLVED on 1 of 1 finding(s): ${finding.Id} ` +
        '(ConcurrentUpdateError: Concurrent finding updates detected)',
    );
    expect(error.delivered).toEqual(['chat', 'email', SECURITY_HUB_CHANNEL]);
  });

  it('a resend after the import: only the workflow update; after both: nothing', async () => {
    const finding = resolvedFinding();
    await publisherWithSecurityHub(
      topics,
      target,
      { delivered: ['chat', 'email', SECURITY_HUB_CHANNEL] },
      () => finding,
    ).publish(transition('RESOLVED'), { skip: ['chat', 'email'] });
    expect(order()).toEqual(['update']);
    expect(updates()[0]!.FindingIdentifiers).toEqual([{ Id: finding.Id, ProductArn: product }]);

    securityHub.resetHistory();
    await publisherWithSecurityHub(
      topics,
      target,
      { delivered: [SECURITY_HUB_CHANNEL, SECURITY_HUB_WORKFLOW_CHANNEL] },
      () => finding,
    ).publish(transition('RESOLVED'), { skip: [] });
    expect(order()).toEqual([]);
  });
});
