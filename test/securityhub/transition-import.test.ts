/**
 * securityhub/transition-import.ts: the ASFF of a recorded transition in every partition, and the status it states
 * whatever the rule now says. The drift path around it: test/drift/securityhub-import.test.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AwsSecurityFinding$ } from '@aws-sdk/client-securityhub';
import { evaluateSnapshot } from '../../engine/evaluate';
import { parseParams } from '../../engine/params';
import { RULES, ruleById } from '../../rules';
import { productArn } from '../../securityhub/asff';
import { transitionFinding } from '../../securityhub/transition-import';
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
