/**
 * The delayed SQS queue of the drift path (wiring contract): a re-check of some VPCs (or the whole Region) after
 * something settles, or a StartConfigRulesEvaluation that AWS Config refused for now. Attempts are bounded so a
 * resource stuck in an intermediate state cannot keep a message circulating forever.
 */
import {
  SendMessageBatchCommand,
  SendMessageCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
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

/**
 * An Organization hub's hourly sweep of one member account (drift/organization-sweep.ts): the whole Region of that
 * account, as the sweep checks the own account. One message per member, so no invocation holds the whole
 * Organization and each member's failure is retried, then dead-lettered, alone.
 */
export const MemberSweepMessageSchema = z.object({
  kind: z.literal('sweep'),
  account: z.string().regex(/^\d{12}$/),
});

export type MemberSweepMessage = z.infer<typeof MemberSweepMessageSchema>;

export const QueueMessageSchema = z.discriminatedUnion('kind', [
  RecheckMessageSchema,
  MemberSweepMessageSchema,
]);

export type QueueMessage = z.infer<typeof QueueMessageSchema>;

/** Parses an SQS body; throws (so the record fails and is retried or dead-lettered) when it is not ours. */
export function parseQueueMessage(body: string): QueueMessage {
  return QueueMessageSchema.parse(JSON.parse(body));
}

/** As parseQueueMessage, for a body that must be a re-check. */
export function parseRecheckMessage(body: string): RecheckMessage {
  return RecheckMessageSchema.parse(JSON.parse(body));
}

/** SendMessageBatch takes at most ten entries. */
const BATCH_SIZE = 10;

/**
 * When the index-th of `count` member sweeps becomes visible: one a second, spread over at most SQS's 900 s, so an
 * Organization's members do not all land at once and a drift re-check queued meanwhile waits behind few of them.
 */
export function memberSweepDelaySeconds(index: number, count: number): number {
  return Math.floor((index * Math.min(MAX_DELAY_SECONDS, count)) / count);
}

interface BatchEntryFailure {
  error: string;
  /** Not the sender's fault: worth one more try. */
  retryable: boolean;
}

/** One member account's sweep message: sent with its delay, or the reason SQS did not take it. */
export type QueuedMemberSweep =
  { accountId: string; delaySeconds: number } | { accountId: string; error: string };

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

  /**
   * Queues one sweep message per account, in the given order, ten to a SendMessageBatch call. An entry SQS failed
   * through no fault of ours (SenderFault false) is sent once more, as AWS advises for batch entries; a call that
   * throws fails its ten (the SDK has retried what it retries). Never throws: each account's answer is in the
   * result, in order.
   */
  async enqueueMemberSweeps(accountIds: readonly string[]): Promise<QueuedMemberSweep[]> {
    const count = accountIds.length;
    const failures = new Map<number, BatchEntryFailure>();
    let pending = accountIds.map((_, index) => index);
    for (let pass = 0; pass < 2 && pending.length > 0; pass += 1) {
      const again: number[] = [];
      for (let start = 0; start < pending.length; start += BATCH_SIZE) {
        const batch = pending.slice(start, start + BATCH_SIZE);
        const failed = await this.sendSweepBatch(accountIds, batch, count);
        for (const index of batch) {
          const failure = failed.get(index);
          if (failure === undefined) {
            failures.delete(index);
            continue;
          }
          failures.set(index, failure);
          if (failure.retryable) again.push(index);
        }
      }
      pending = again;
    }
    return accountIds.map((accountId, index) => {
      const failure = failures.get(index);
      return failure === undefined
        ? { accountId, delaySeconds: memberSweepDelaySeconds(index, count) }
        : { accountId, error: failure.error };
    });
  }

  /** Sends the sweep messages of the accounts at `indexes`; answers the failed ones, by index. */
  private async sendSweepBatch(
    accountIds: readonly string[],
    indexes: readonly number[],
    count: number,
  ): Promise<Map<number, BatchEntryFailure>> {
    const entries: SendMessageBatchRequestEntry[] = indexes.map((index) => {
      const message: MemberSweepMessage = { kind: 'sweep', account: accountIds[index]! };
      return {
        Id: String(index),
        MessageBody: JSON.stringify(message),
        DelaySeconds: memberSweepDelaySeconds(index, count),
      };
    });
    const failed = new Map<number, BatchEntryFailure>();
    let answer;
    try {
      answer = await this.sqs.send(
        new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }),
      );
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      for (const index of indexes) failed.set(index, { error: reason, retryable: false });
      return failed;
    }
    const succeeded = new Set((answer.Successful ?? []).map((entry) => entry.Id));
    for (const entry of answer.Failed ?? []) {
      const index = Number(entry.Id);
      if (!indexes.includes(index)) continue;
      failed.set(index, {
        error: `${entry.Code ?? 'error'}: ${entry.Message ?? 'SQS did not take the message'}`,
        retryable: entry.SenderFault !== true,
      });
    }
    for (const index of indexes) {
      if (!succeeded.has(String(index)) && !failed.has(index)) {
        failed.set(index, {
          error: 'SQS answered neither success nor failure for the message',
          retryable: true,
        });
      }
    }
    return failed;
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
