/**
 * Drift Lambda (SPEC §8): EventBridge CloudTrail events from the drift rule, and records of the delayed re-check
 * queue. An SQS record that fails is reported alone (Powertools Batch → ReportBatchItemFailures), so one bad message
 * neither blocks nor repeats the others.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DriftDeps, DriftOutcome } from '../drift/drift-deps';
import { accountOfFunctionArn } from '../aws/member-access';
import { parseQueueMessage } from '../drift/recheck-queue';
import { processCloudTrailEvent, processQueueMessage } from '../drift/triggers';
import type { CloudTrailApiCallEvent } from '../event-schemas/cloudtrail-event';
import { readField } from '../event-schemas/read-field';
import { firstRecord, isReadFailure, withPowertools } from '../lambda/middleware';
import { createPowertools } from '../lambda/powertools';
import type { MetricName } from '../telemetry/metrics';
import { driftDepsFromEnvironment, lambdaRegion, reportsOf } from './drift-runtime';

export type DriftEvent = CloudTrailApiCallEvent | SQSEvent;

function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.every(
      (r) => (r as SQSRecord | null)?.eventSource === 'aws:sqs' && typeof (r as SQSRecord).body === 'string',
    )
  );
}

export function makeHandler(deps: DriftDeps, defaultRegion: string) {
  const recheck = async (record: SQSRecord): Promise<DriftOutcome> => {
    try {
      return await processQueueMessage(
        deps,
        parseQueueMessage(record.body),
        record.awsRegion || defaultRegion,
      );
    } catch (error) {
      if (isReadFailure(error)) deps.metrics?.count('AwsReadErrors');
      deps.logger.warn('re-check message failed', {
        messageId: record.messageId,
        error: error instanceof Error ? error.message : String(error),
      });
      throw error;
    }
  };
  return async (event: DriftEvent, context?: Context): Promise<DriftOutcome | SQSBatchResponse> => {
    if (!isSqsEvent(event)) return processCloudTrailEvent(deps, event, defaultRegion);
    // Sequential (Powertools' default is parallel): each re-check collects a VPC under the reader's shared pacing.
    // A batch whose every record failed is answered like any other: the mapping's batch size is 1, so reporting
    // the one record is the same retry as throwing, and keeps the failure in the response.
    return processPartialResponse(event, recheck, new BatchProcessor(EventType.SQS), {
      ...(context ? { context } : {}),
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  };
}

/** What the drift Lambda publishes on every invocation (reportsOf: a hub stage's also MemberAccountFailures). */
export const driftReports = (env: NodeJS.ProcessEnv = process.env): MetricName[] =>
  reportsOf(
    [
      'Transitions',
      'AlertsPublished',
      'AlertsFailed',
      'RechecksScheduled',
      'WholeRegionFallbacks',
      'AwsReadErrors',
    ],
    env,
  );

/** The CloudTrail event id ties every log line to the API call; a re-check is known by its SQS message id. */
export const driftCorrelationId = (event: unknown): unknown =>
  readField(event, 'detail', 'eventID') ?? readField(firstRecord(event), 'messageId');

const tools = createPowertools('private-eks-guard-drift');
let built: ReturnType<typeof makeHandler> | undefined;

export const handler = withPowertools(
  (event: DriftEvent, context: Context) => {
    built ??= makeHandler(
      driftDepsFromEnvironment(tools, process.env, accountOfFunctionArn(context?.invokedFunctionArn)),
      lambdaRegion(),
    );
    return built(event, context);
  },
  tools,
  {
    correlationId: driftCorrelationId,
    reports: driftReports(),
  },
);
