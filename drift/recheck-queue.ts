/**
 * The delayed SQS queue of the drift path (wiring contract): a re-check of some VPCs (or the whole Region) after
 * something settles, or a StartConfigRulesEvaluation that AWS Config refused for now. Attempts are bounded so a
 * resource stuck in an intermediate state cannot keep a message circulating forever.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import * as z from 'zod';
import type { Actor } from '../alerts/transition';
import type { GuardMetrics } from '../telemetry/metrics';

export const MAX_RECHECK_ATTEMPTS = 5;
/** SQS allows 0–900 s; the contract keeps re-checks between one minute and the SQS maximum. */
export const MIN_DELAY_SECONDS = 60;
export const MAX_DELAY_SECONDS = 900;

const ActorSchema = z.object({
  userIdentityArn: z.string(),
  sourceIPAddress: z.string(),
  eventName: z.string(),
  eventTime: z.string(),
  eventID: z.string(),
});

export const RecheckMessageSchema = z.object({
  kind: z.literal('recheck'),
  /** null = the whole Region. */
  vpcIds: z.array(z.string()).nullable(),
  attempt: z.number().int().min(1),
  reason: z.string(),
  event: ActorSchema.nullable(),
  configRules: z.array(z.string()).nullable(),
  /**
   * The member account of an Organization hub's re-check (the event's `account`); absent or null = the Lambda's own.
   * Optional, so messages queued before it existed still parse.
   */
  account: z
    .string()
    .regex(/^\d{12}$/)
    .nullable()
    .optional(),
});

export type RecheckMessage = z.infer<typeof RecheckMessageSchema>;

/** Parses an SQS body; throws (so the record fails and is retried or dead-lettered) when it is not ours. */
export function parseRecheckMessage(body: string): RecheckMessage {
  return RecheckMessageSchema.parse(JSON.parse(body));
}

/** Back-off: 60 s, 120 s, 240 s, … capped at 900 s, so a slow EKS update is not polled every minute. */
export function recheckDelaySeconds(attempt: number): number {
  return Math.min(MAX_DELAY_SECONDS, MIN_DELAY_SECONDS * 2 ** Math.max(0, attempt - 1));
}

export interface RecheckRequest {
  vpcIds: readonly string[] | null;
  attempt: number;
  reason: string;
  actor?: Actor;
  configRules?: readonly string[];
  /** A member account of an Organization hub; absent = the Lambda's own. */
  accountId?: string;
}

export class RecheckQueue {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /**
   * Sends one delayed re-check. Returns false (sending nothing) when `attempt` is past the bound: the caller then
   * evaluates what it has rather than waiting forever.
   */
  async enqueue(request: RecheckRequest): Promise<boolean> {
    if (request.attempt > MAX_RECHECK_ATTEMPTS) return false;
    const message: RecheckMessage = {
      kind: 'recheck',
      vpcIds: request.vpcIds === null ? null : [...request.vpcIds],
      attempt: request.attempt,
      reason: request.reason.slice(0, 1_000),
      event: request.actor ?? null,
      configRules: request.configRules && request.configRules.length > 0 ? [...request.configRules] : null,
      // Only a member's re-check names an account: the own account's messages stay as they were.
      ...(request.accountId ? { account: request.accountId } : {}),
    };
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: JSON.stringify(message),
        DelaySeconds: recheckDelaySeconds(request.attempt),
      }),
    );
    return true;
  }
}

/** Enqueues through the drift deps' queue and counts what was scheduled. */
export async function scheduleRecheck(
  deps: { recheckQueue: Pick<RecheckQueue, 'enqueue'>; metrics?: GuardMetrics },
  request: RecheckRequest,
): Promise<boolean> {
  const enqueued = await deps.recheckQueue.enqueue(request);
  if (enqueued) deps.metrics?.count('RechecksScheduled');
  return enqueued;
}
