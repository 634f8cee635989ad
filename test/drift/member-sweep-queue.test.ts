import { beforeEach, describe, expect, it } from '@jest/globals';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import * as fc from 'fast-check';
import {
  MAX_DELAY_SECONDS,
  RecheckQueue,
  memberSweepDelaySeconds,
  parseQueueMessage,
} from '../../drift/recheck-queue';
import { QUEUE_URL, REGION, acceptEveryEntry, resetMocks, sqsMock, sweepMessages } from './drift-harness';

/*
 * The hub sweep's fan-out (drift/recheck-queue.ts, enqueueMemberSweeps): one `sweep` message per member account,
 * ten to a SendMessageBatch call, delays spread one a second up to SQS's 900 s, entries SQS failed through no fault
 * of ours sent once more. SQS is aws-sdk-client-mock answering in the API reference's shapes.
 */

const accounts = (n: number) => Array.from({ length: n }, (_, i) => String(300000000000 + i));
const queue = () => new RecheckQueue(new SQSClient({ region: REGION }), QUEUE_URL);
const entriesOf = (call: number) =>
  (sqsMock.commandCalls(SendMessageBatchCommand)[call]!.args[0].input.Entries ?? []).map((e) => ({
    id: e.Id,
    account: (JSON.parse(e.MessageBody!) as { account: string }).account,
    delay: e.DelaySeconds,
  }));

/** Fails the entries `fails` names on their first sending only, then takes them (as a 5xx on one entry would). */
function failingOnce(fails: (account: string) => { SenderFault: boolean; Code: string } | undefined) {
  const seen = new Set<string>();
  return (input: SendMessageBatchCommandInput) => {
    const accepted = acceptEveryEntry(input);
    const failed = [];
    for (const entry of input.Entries ?? []) {
      const account = (JSON.parse(entry.MessageBody!) as { account: string }).account;
      const failure = seen.has(account) ? undefined : fails(account);
      seen.add(account);
      if (failure) failed.push({ Id: entry.Id, ...failure, Message: `${failure.Code} for ${account}` });
    }
    const failedIds = new Set(failed.map((f) => f.Id));
    return { Successful: accepted.Successful.filter((s) => !failedIds.has(s.Id)), Failed: failed };
  };
}

beforeEach(() => resetMocks());

describe('enqueueMemberSweeps', () => {
  it('25 members: three calls of 10, 10 and 5, in order, each message a sweep of its account, delays 0–24 s', async () => {
    const ids = accounts(25);
    const result = await queue().enqueueMemberSweeps(ids);
    expect(sqsMock.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length)).toEqual(
      [10, 10, 5],
    );
    expect(sweepMessages().map((m) => m.body)).toEqual(ids.map((account) => ({ kind: 'sweep', account })));
    expect(sweepMessages().map((m) => m.delaySeconds)).toEqual(ids.map((_, i) => i));
    expect(result).toEqual(ids.map((accountId, i) => ({ accountId, delaySeconds: i })));
    for (const call of [0, 1, 2]) {
      const batchIds = entriesOf(call).map((e) => e.id);
      expect(new Set(batchIds).size).toBe(batchIds.length);
      // Ids are what SQS allows: alphanumerics, hyphens and underscores, at most 80 characters.
      expect(batchIds.every((id) => /^[A-Za-z0-9_-]{1,80}$/.test(id!))).toBe(true);
    }
    for (const message of sweepMessages()) {
      expect(parseQueueMessage(JSON.stringify(message.body))).toEqual(message.body);
    }
  });

  it('no members: no call', async () => {
    expect(await queue().enqueueMemberSweeps([])).toEqual([]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toEqual([]);
  });

  it('an entry SQS failed on its side (SenderFault false) is sent once more, with the same body and delay', async () => {
    const ids = accounts(12);
    sqsMock
      .on(SendMessageBatchCommand)
      .callsFake(
        failingOnce((account) =>
          account === ids[3] ? { SenderFault: false, Code: 'InternalError' } : undefined,
        ),
      );
    const result = await queue().enqueueMemberSweeps(ids);
    expect(result).toEqual(ids.map((accountId, i) => ({ accountId, delaySeconds: i })));
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
    expect(entriesOf(2)).toEqual([{ id: '3', account: ids[3], delay: 3 }]);
  });

  it('an entry failed through our fault (SenderFault true) is not sent again and is reported', async () => {
    const ids = accounts(3);
    sqsMock
      .on(SendMessageBatchCommand)
      .callsFake(
        failingOnce((account) =>
          account === ids[1] ? { SenderFault: true, Code: 'InvalidParameterValue' } : undefined,
        ),
      );
    const result = await queue().enqueueMemberSweeps(ids);
    expect(result).toEqual([
      { accountId: ids[0], delaySeconds: 0 },
      { accountId: ids[1], error: `InvalidParameterValue: InvalidParameterValue for ${ids[1]}` },
      { accountId: ids[2], delaySeconds: 2 },
    ]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
  });

  it('an entry that fails on SQS’s side twice is reported with the second answer', async () => {
    const ids = accounts(2);
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
      Successful: [],
      Failed: (input.Entries ?? []).map((e) => ({
        Id: e.Id,
        SenderFault: false,
        Code: 'ServiceUnavailable',
        Message: 'try later',
      })),
    }));
    const result = await queue().enqueueMemberSweeps(ids);
    expect(result).toEqual(ids.map((accountId) => ({ accountId, error: 'ServiceUnavailable: try later' })));
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });

  it('an entry SQS answers neither way is sent once more', async () => {
    const ids = accounts(2);
    let calls = 0;
    sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      calls += 1;
      const answer = acceptEveryEntry(input);
      return calls === 1 ? { Successful: answer.Successful.slice(0, 1), Failed: [] } : answer;
    });
    const result = await queue().enqueueMemberSweeps(ids);
    expect(result).toEqual(ids.map((accountId, i) => ({ accountId, delaySeconds: i })));
    expect(entriesOf(1)).toEqual([{ id: '1', account: ids[1], delay: 1 }]);
  });

  it('a call that throws fails its ten and no others; nothing is thrown', async () => {
    const ids = accounts(15);
    sqsMock
      .on(SendMessageBatchCommand)
      .rejectsOnce(Object.assign(new Error('Access to the resource is denied.'), { name: 'AccessDenied' }))
      .callsFake(acceptEveryEntry);
    const result = await queue().enqueueMemberSweeps(ids);
    expect(result.slice(0, 10)).toEqual(
      ids.slice(0, 10).map((accountId) => ({ accountId, error: 'Access to the resource is denied.' })),
    );
    expect(result.slice(10)).toEqual(
      ids.slice(10).map((accountId, i) => ({ accountId, delaySeconds: 10 + i })),
    );
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(2);
  });
});

describe('memberSweepDelaySeconds', () => {
  it('one a second up to 900 members, then spread evenly over 0–899 s; never past SQS’s 900 s', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), (count) => {
        const delays = Array.from({ length: count }, (_, i) => memberSweepDelaySeconds(i, count));
        const perSecond = new Map<number, number>();
        for (const d of delays) perSecond.set(d, (perSecond.get(d) ?? 0) + 1);
        expect({
          first: delays[0],
          ordered: delays.every((d, i) => i === 0 || d >= delays[i - 1]!),
          integers: delays.every(Number.isInteger),
          belowSqsMaximum: delays.every((d) => d >= 0 && d < MAX_DELAY_SECONDS),
          oneASecond: count > MAX_DELAY_SECONDS || delays.every((d, i) => d === i),
          // Spread evenly: every second of the window has members, and none more than its share rounded up.
          secondsUsed: perSecond.size,
          mostInOneSecond: Math.max(...perSecond.values()) <= Math.ceil(count / MAX_DELAY_SECONDS),
        }).toEqual({
          first: 0,
          ordered: true,
          integers: true,
          belowSqsMaximum: true,
          oneASecond: true,
          secondsUsed: Math.min(count, MAX_DELAY_SECONDS),
          mostInOneSecond: true,
        });
      }),
      { numRuns: 60 },
    );
  });
});

describe('parseQueueMessage', () => {
  it('takes sweep and re-check messages, and refuses a sweep without a 12-digit account', () => {
    expect(parseQueueMessage('{"kind":"sweep","account":"222233334444"}')).toEqual({
      kind: 'sweep',
      account: '222233334444',
    });
    expect(
      parseQueueMessage(
        '{"kind":"recheck","vpcIds":null,"attempt":1,"reason":"x","event":null,"configRules":null}',
      ),
    ).toMatchObject({ kind: 'recheck', vpcIds: null });
    for (const bad of [
      '{"kind":"sweep"}',
      '{"kind":"sweep","account":"2222"}',
      '{"kind":"sweep","account":222233334444}',
      '{"kind":"sweep","account":null}',
      '{"kind":"other","account":"222233334444"}',
    ]) {
      expect(() => parseQueueMessage(bad)).toThrow();
    }
  });
});
