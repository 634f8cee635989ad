/**
 * Drift Lambda (SPEC §8): EventBridge CloudTrail events from the drift rule, and records of the delayed re-check
 * queue. An SQS record that fails is reported alone (ReportBatchItemFailures), so one bad message neither blocks nor
 * repeats the others.
 */
import {
  processCloudTrailEvent,
  processRecheckMessage,
  type DriftDeps,
  type DriftOutcome,
} from '../drift/process-event';
import { parseRecheckMessage } from '../drift/recheck-queue';
import { driftDepsFromEnvironment, lambdaRegion } from './drift-runtime';

interface SqsRecord {
  messageId: string;
  body: string;
  awsRegion?: string;
  eventSource?: string;
}

export interface SqsEvent {
  Records: SqsRecord[];
}

export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

function isSqsEvent(event: unknown): event is SqsEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return (
    Array.isArray(records) &&
    records.every(
      (r) => (r as SqsRecord | null)?.eventSource === 'aws:sqs' && typeof (r as SqsRecord).body === 'string',
    )
  );
}

export function makeHandler(deps: DriftDeps, defaultRegion: string) {
  return async (event: unknown): Promise<DriftOutcome | BatchResponse> => {
    if (!isSqsEvent(event)) return processCloudTrailEvent(deps, event, defaultRegion);
    const batchItemFailures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      try {
        await processRecheckMessage(
          deps,
          parseRecheckMessage(record.body),
          record.awsRegion ?? defaultRegion,
        );
      } catch (error) {
        deps.logger.warn('re-check message failed', {
          messageId: record.messageId,
          error: error instanceof Error ? error.message : String(error),
        });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

let built: ReturnType<typeof makeHandler> | undefined;

export const handler = (event: unknown) => {
  built ??= makeHandler(driftDepsFromEnvironment(), lambdaRegion());
  return built(event);
};
