import { describe, expect, it } from '@jest/globals';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { AwsReadError } from '../../aws/errors';
import { handler as configEvaluatorHandler } from '../../functions/config-evaluator';
import { driftCorrelationId, handler as driftHandler } from '../../functions/drift';
import { handler as slackHandler } from '../../functions/slack-notifier';
import { handler as sweepHandler } from '../../functions/sweep';
import { isReadFailure, withPowertools } from '../../lambda/middleware';
import { metricsPort, type Powertools } from '../../lambda/powertools';
import { lambdaContext } from '../../testkit/lambda-context';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../telemetry/metrics';

/** Runs `fn` with process.stdout captured (Powertools writes log lines and EMF there); returns the JSON lines. */
async function capturingStdout<T>(
  fn: () => Promise<T>,
): Promise<{ result?: T; error?: unknown; lines: Json[] }> {
  const chunks: string[] = [];
  const original = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    chunks.push(String(chunk));
    return true;
  }) as typeof process.stdout.write;
  try {
    return { result: await fn(), lines: jsonLines(chunks) };
  } catch (error) {
    return { error, lines: jsonLines(chunks) };
  } finally {
    process.stdout.write = original;
  }
}

type Json = Record<string, unknown>;

function jsonLines(chunks: string[]): Json[] {
  return chunks
    .join('')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Json);
}

function tools(): Powertools {
  return {
    logger: new Logger({ serviceName: 'guard-test', logLevel: 'INFO' }),
    metrics: new Metrics({ namespace: METRICS_NAMESPACE, serviceName: 'guard-test' }),
  };
}

const emf = (lines: Json[]) => lines.filter((line) => '_aws' in line);
const logs = (lines: Json[]) => lines.filter((line) => 'message' in line);

const CLOUDTRAIL_EVENT = {
  version: '0',
  id: '0c1d2e3f-eventbridge-id',
  'detail-type': 'AWS API Call via CloudTrail',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2026-11-20T09:10:11Z',
  region: 'eu-west-1',
  resources: [],
  detail: { eventName: 'CreateRoute', eventID: 'e1d5a0c4-7b2f-4f3e-8c61-0d9a4b7e2f55' },
};

describe('the middy stack every handler shares', () => {
  it.each([
    ['config-evaluator', configEvaluatorHandler],
    ['drift', driftHandler],
    ['sweep', sweepHandler],
    ['slack-notifier', slackHandler],
  ])('functions/%s exports a middy handler', (_name, handler) => {
    expect(typeof handler).toBe('function');
    expect(typeof (handler as { use?: unknown }).use).toBe('function');
  });

  it('logs with the Lambda context and the correlation id from the event', async () => {
    const t = tools();
    const handler = withPowertools(
      async () => {
        t.logger.info('inside');
        return 'done';
      },
      t,
      { correlationId: driftCorrelationId, reports: ['Transitions'] },
    );
    const { result, lines } = await capturingStdout(() => handler(CLOUDTRAIL_EVENT, lambdaContext()));
    expect(result).toBe('done');
    const [line] = logs(lines);
    expect(line).toMatchObject({
      message: 'inside',
      correlation_id: 'e1d5a0c4-7b2f-4f3e-8c61-0d9a4b7e2f55',
      function_name: 'private-eks-guard-dev-drift',
      function_request_id: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
      service: 'guard-test',
    });
  });

  it('takes an SQS record’s message id as the correlation id when there is no CloudTrail event id', async () => {
    const t = tools();
    const handler = withPowertools(async () => t.logger.info('inside'), t, {
      correlationId: driftCorrelationId,
      reports: ['Transitions'],
    });
    const { lines } = await capturingStdout(() =>
      handler({ Records: [{ messageId: 'msg-1', eventSource: 'aws:sqs', body: '{}' }] }, lambdaContext()),
    );
    expect(logs(lines)[0]).toMatchObject({ correlation_id: 'msg-1' });
  });

  it('flushes one EMF document per invocation: the counts added, and 0 for every reported metric not added', async () => {
    const t = tools();
    const count = metricsPort(t.metrics).count;
    const handler = withPowertools(
      async () => {
        count('Transitions', 2);
        count('AlertsPublished');
        count('AlertsPublished');
      },
      t,
      { reports: ['Transitions', 'AlertsPublished', 'AlertsFailed'] },
    );
    const { lines } = await capturingStdout(() => handler({}, lambdaContext()));
    const documents = emf(lines);
    expect(documents).toHaveLength(1);
    const [document] = documents;
    const aws = document!._aws as { CloudWatchMetrics: { Namespace: string; Metrics: { Name: string }[] }[] };
    expect(aws.CloudWatchMetrics[0]!.Namespace).toBe('PrivateEksGuard');
    const sum = (name: string) => ([document![name]].flat() as number[]).reduce((a, b) => a + b, 0);
    expect(sum('Transitions')).toBe(2);
    expect(sum('AlertsPublished')).toBe(2);
    expect(sum('AlertsFailed')).toBe(0);
    expect(aws.CloudWatchMetrics[0]!.Metrics.map((m) => m.Name).sort()).toEqual([
      'AlertsFailed',
      'AlertsPublished',
      'Transitions',
    ]);
  });

  it('counts an AWS read error, flushes the metrics and re-throws the error unchanged', async () => {
    const t = tools();
    const denied = new AwsReadError(
      'missing IAM permission ec2:DescribeSubnets in eu-west-1 (UnauthorizedOperation)',
      'ec2:DescribeSubnets',
      'UnauthorizedOperation',
    );
    const handler = withPowertools(
      async () => {
        throw denied;
      },
      t,
      { reports: ['AwsReadErrors'] },
    );
    const { error, lines } = await capturingStdout(() => handler({}, lambdaContext()));
    expect(error).toBe(denied);
    expect(emf(lines)[0]).toMatchObject({ AwsReadErrors: 1 });
    // A second invocation of the same container starts from nothing again.
    const again = await capturingStdout(() => handler({}, lambdaContext()));
    expect(emf(again.lines)[0]).toMatchObject({ AwsReadErrors: 1 });
  });

  it('does not count other errors as read errors', async () => {
    const t = tools();
    const handler = withPowertools(
      async () => {
        throw new Error('bad event');
      },
      t,
      { reports: ['AwsReadErrors'] },
    );
    const { error, lines } = await capturingStdout(() => handler({}, lambdaContext()));
    expect((error as Error).message).toBe('bad event');
    expect(emf(lines)[0]).toMatchObject({ AwsReadErrors: 0 });
  });

  it('a function that reports no metrics prints no EMF and no "no metrics" warning', async () => {
    const t = tools();
    const handler = withPowertools(async () => 'ok', t, { reports: [] });
    const { lines } = await capturingStdout(() => handler({}, lambdaContext()));
    expect(lines).toEqual([]);
  });

  it('recognises read failures inside an AggregateError', () => {
    const read = new AwsReadError('x', 'ec2:DescribeVpcs', 'Throttling');
    expect(isReadFailure(new AggregateError([new Error('a'), read]))).toBe(true);
    expect(isReadFailure(new AggregateError([new Error('a')]))).toBe(false);
    expect(isReadFailure(new Error('a'))).toBe(false);
  });

  it('names only metrics the README documents', () => {
    expect([...METRIC_NAMES].sort()).toEqual([
      'AlertsFailed',
      'AlertsPublished',
      'AwsReadErrors',
      'EvaluationsWritten',
      'MemberAccountFailures',
      'RechecksScheduled',
      'Transitions',
      'WholeRegionFallbacks',
    ]);
  });
});
