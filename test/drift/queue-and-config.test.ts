import { beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigServiceClient, StartConfigRulesEvaluationCommand } from '@aws-sdk/client-config-service';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { MAX_RULES_PER_CALL, startConfigRulesEvaluation } from '../../drift/config-reevaluation';
import {
  MAX_RECHECK_ATTEMPTS,
  RecheckQueue,
  parseRecheckMessage,
  recheckDelaySeconds,
} from '../../drift/recheck-queue';

const sqs = mockClient(SQSClient);
const config = mockClient(ConfigServiceClient);
const URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/recheck';

beforeEach(() => {
  sqs.reset();
  config.reset();
  sqs.on(SendMessageCommand).resolves({});
  config.on(StartConfigRulesEvaluationCommand).resolves({});
});

const limitExceeded = () => Object.assign(new Error('busy'), { name: 'LimitExceededException' });

describe('RecheckQueue', () => {
  it.each([
    [1, 60],
    [2, 120],
    [4, 480],
    [5, 900],
  ])('delays attempt %d by %d s', (attempt, delay) => {
    expect(recheckDelaySeconds(attempt)).toBe(delay);
  });

  it('sends a message the handler parses back, with the delay of its attempt', async () => {
    const queue = new RecheckQueue(new SQSClient({ region: 'eu-west-1' }), URL);
    expect(await queue.enqueue({ vpcIds: ['vpc-0a'], attempt: 2, reason: 'cluster x is updating' })).toBe(
      true,
    );
    const input = sqs.commandCalls(SendMessageCommand)[0]!.args[0].input;
    expect(input).toMatchObject({ QueueUrl: URL, DelaySeconds: 120 });
    expect(parseRecheckMessage(input.MessageBody!)).toEqual({
      kind: 'recheck',
      vpcIds: ['vpc-0a'],
      attempt: 2,
      reason: 'cluster x is updating',
      event: null,
      configRules: null,
    });
  });

  it('sends nothing past the last attempt', async () => {
    const queue = new RecheckQueue(new SQSClient({ region: 'eu-west-1' }), URL);
    expect(await queue.enqueue({ vpcIds: null, attempt: MAX_RECHECK_ATTEMPTS + 1, reason: 'x' })).toBe(false);
    expect(sqs.calls()).toHaveLength(0);
  });

  it.each([
    '{}',
    '{"kind":"recheck","vpcIds":null,"attempt":0,"reason":"x","event":null,"configRules":null}',
    'not json',
  ])('rejects the body %s', (body) => {
    expect(() => parseRecheckMessage(body)).toThrow();
  });
});

describe('startConfigRulesEvaluation', () => {
  const names = (n: number) =>
    Array.from({ length: n }, (_, i) => `private-eks-rule-${String(i).padStart(2, '0')}`);

  it('starts at most 25 rules a call', async () => {
    const outcome = await startConfigRulesEvaluation(
      new ConfigServiceClient({ region: 'eu-west-1' }),
      names(30),
    );
    const calls = config
      .commandCalls(StartConfigRulesEvaluationCommand)
      .map((c) => c.args[0].input.ConfigRuleNames);
    expect(calls.map((c) => c?.length)).toEqual([MAX_RULES_PER_CALL, 5]);
    expect(outcome).toEqual({ started: names(30), deferred: [], unknown: [] });
  });

  it('defers the refused call and every later one on LimitExceededException', async () => {
    config.on(StartConfigRulesEvaluationCommand).resolvesOnce({}).rejects(limitExceeded());
    const outcome = await startConfigRulesEvaluation(
      new ConfigServiceClient({ region: 'eu-west-1' }),
      names(60),
    );
    expect(outcome.started).toEqual(names(25));
    expect(outcome.deferred).toEqual(names(60).slice(25));
    expect(config.calls()).toHaveLength(2);
  });

  it('reports names Config does not know, and rethrows anything else', async () => {
    const client = new ConfigServiceClient({ region: 'eu-west-1' });
    config
      .on(StartConfigRulesEvaluationCommand)
      .rejects(Object.assign(new Error('no'), { name: 'NoSuchConfigRuleException' }));
    expect(await startConfigRulesEvaluation(client, ['a'])).toEqual({
      started: [],
      deferred: [],
      unknown: ['a'],
    });
    config
      .on(StartConfigRulesEvaluationCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(startConfigRulesEvaluation(client, ['a'])).rejects.toThrow('denied');
  });
});
