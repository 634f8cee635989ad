import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { chatMessageBody } from '../../alerts/chat-message';
import { buildSlackPayload, escapeSlack, type SlackWebhookPayload } from '../../alerts/slack-message';
import {
  retryAfterMs,
  SlackNotifier,
  SlackNotifyError,
  type NotifierLogger,
} from '../../alerts/slack-notifier';
import { startLoopbackServer, type LoopbackServer, type Reply } from '../../testkit/loopback-server';
import { makeHandler } from '../../functions/slack-notifier';
import { detail, resolved, violation } from './fixtures';

/** The part of a real webhook URL that is the credential; it must never leak. */
const SECRET = 'T0SECRET/B0SECRET/XyZsEcReTtOkEn42';
const PARAMETER = '/private-eks-guard/prod/slack-webhook-url';

let server: LoopbackServer;
let origin: string;
let replies: Reply[] = [];
let received: { path: string; contentType: string | undefined; body: unknown }[] = [];

beforeAll(async () => {
  server = await startLoopbackServer((request) => {
    received.push({
      path: request.path,
      contentType: request.headers['content-type'],
      body: JSON.parse(request.body),
    });
    return replies.shift() ?? { status: 200, body: 'ok' };
  });
  origin = server.url;
});

afterAll(async () => {
  await server.close();
});

const ssm = mockClient(SSMClient);

function secureString(value: string, type: 'SecureString' | 'String' = 'SecureString') {
  // GetParameter response shape (SSM API reference): the Parameter object.
  return {
    Parameter: {
      Name: PARAMETER,
      Type: type,
      Value: value,
      Version: 3,
      LastModifiedDate: new Date('2026-11-01T00:00:00Z'),
      ARN: `arn:aws-cn:ssm:cn-northwest-1:111122223333:parameter${PARAMETER}`,
      DataType: 'text',
    },
  };
}

function recordingLogger() {
  const calls: unknown[][] = [];
  const logger: NotifierLogger = { warn: (...args: unknown[]) => void calls.push(args) };
  return { logger, calls };
}

function notifier(
  options: {
    retries?: number;
    logger?: NotifierLogger;
    maxRetryAfterMs?: number;
    requestTimeoutMs?: number;
    urlMaxAgeSeconds?: number;
  } = {},
) {
  const sleeps: number[] = [];
  const n = new SlackNotifier({
    ssmClient: new SSMClient({ region: 'cn-northwest-1' }),
    parameterName: PARAMETER,
    retries: options.retries ?? 3,
    logger: options.logger,
    maxRetryAfterMs: options.maxRetryAfterMs,
    requestTimeoutMs: options.requestTimeoutMs,
    urlMaxAgeSeconds: options.urlMaxAgeSeconds,
    baseDelayMs: 1,
    // Records the delays the notifier asks for and waits 0 ms, so backoff is asserted, not slept.
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 1,
  });
  return { n, sleeps };
}

function expectNoSecret(...things: unknown[]) {
  for (const thing of things) {
    const text =
      thing instanceof Error
        ? `${thing.message}\n${thing.stack}\n${String(thing.cause)}`
        : JSON.stringify(thing);
    expect(text).not.toContain('SECRET');
    expect(text).not.toContain('XyZsEcReTtOkEn42');
  }
}

beforeEach(() => {
  ssm.reset();
  ssm.on(GetParameterCommand).resolves(secureString(`${origin}/services/${SECRET}`));
  replies = [];
  received = [];
});

describe('SlackNotifier', () => {
  it('posts the Slack payload to the webhook URL read from the SecureString, read once per container', async () => {
    const { n } = notifier();
    await n.notify(violation());
    await n.notify(resolved());

    expect(received.map((r) => r.path)).toEqual([`/services/${SECRET}`, `/services/${SECRET}`]);
    expect(received[0]!.contentType).toBe('application/json');
    expect(received[0]!.body).toEqual(buildSlackPayload(violation()));
    expect(received[1]!.body).toEqual(buildSlackPayload(resolved()));
    const reads = ssm.commandCalls(GetParameterCommand);
    expect(reads).toHaveLength(1);
    expect(reads[0]!.args[0].input).toEqual({ Name: PARAMETER, WithDecryption: true });
  });

  it("posts a violation's fix details, from the chat topic's message, over the wire", async () => {
    const details = [detail(1), detail(2, { problem: 'admits <all> & more' })];
    const t = violation({ details });
    const { n } = notifier();
    // The notifier Lambda's path: the chat topic's message, rebuilt into a transition, posted.
    await makeHandler({ notifier: n })({ Records: [{ Sns: { Message: chatMessageBody(t) } }] });

    expect(received).toHaveLength(1);
    const body = received[0]!.body as SlackWebhookPayload;
    expect(body).toEqual(buildSlackPayload(t));
    const sections = body.blocks.map((block) => (block as { text: { text: string } }).text.text);
    expect(sections).toHaveLength(5);
    expect(sections[2]).toContain(details[0]!.fix.commands[0]);
    expect(sections[3]).toContain(details[1]!.fix.commands[0]);
    expect(sections[3]).toContain('admits &lt;all&gt; &amp; more');
    for (const section of sections) expect(section).not.toContain('Not shown here');
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    replies = [{ status: 429, headers: { 'retry-after': '2' }, body: 'rate_limited' }];
    const { logger, calls } = recordingLogger();
    const { n, sleeps } = notifier({ logger });
    await n.notify(violation());
    expect(received).toHaveLength(2);
    expect(sleeps).toEqual([2000]);
    expect(calls).toHaveLength(1);
    expect(calls[0]![1]).toMatchObject({
      reason: 'Slack webhook answered HTTP 429 (rate_limited)',
      attempt: 1,
    });
    expectNoSecret(calls);
  });

  it('caps a long Retry-After', async () => {
    replies = [{ status: 429, headers: { 'retry-after': '3600' } }];
    const { n, sleeps } = notifier({ maxRetryAfterMs: 1500 });
    await n.notify(violation());
    expect(sleeps).toEqual([1500]);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    replies = [{ status: 500 }];
    const { n, sleeps } = notifier();
    await n.notify(violation());
    expect(received).toHaveLength(2);
    expect(sleeps).toEqual([1]);
  });

  it('fails after retries + 1 attempts of 5xx, with doubling backoff, never naming the URL', async () => {
    replies = Array.from({ length: 10 }, () => ({ status: 503, body: `upstream ${SECRET} broke` }));
    const { logger, calls } = recordingLogger();
    const { n, sleeps } = notifier({ retries: 2, logger });
    const error = await n.notify(violation()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SlackNotifyError);
    expect((error as SlackNotifyError).message).toBe('Slack webhook answered HTTP 503 after 3 attempts');
    expect((error as SlackNotifyError).status).toBe(503);
    expect(received).toHaveLength(3);
    expect(sleeps).toEqual([1, 2]);
    expectNoSecret(error, calls);
  });

  it.each([
    [404, 'no_service'],
    [400, 'invalid_payload'],
    [403, 'action_prohibited'],
  ])('fails at once on %i', async (status, code) => {
    replies = [{ status, body: code }];
    const { logger, calls } = recordingLogger();
    const { n, sleeps } = notifier({ logger });
    const error = await n.notify(violation()).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`Slack webhook answered HTTP ${status} (${code})`);
    expect(received).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(calls).toEqual([]);
    expectNoSecret(error);
  });

  it('re-reads the parameter after a 404 (the webhook may have been rotated)', async () => {
    replies = [{ status: 404, body: 'no_service' }];
    const { n } = notifier();
    await expect(n.notify(violation())).rejects.toThrow(/404/);
    await n.notify(violation());
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('retries an unreachable webhook and reports only the error code', async () => {
    // A listener that was closed: connection refused on a loopback port.
    const closed = await startLoopbackServer(() => ({ status: 200 }));
    await closed.close();
    ssm.on(GetParameterCommand).resolves(secureString(`${closed.url}/services/${SECRET}`));
    const { logger, calls } = recordingLogger();
    const { n, sleeps } = notifier({ retries: 1, logger });
    const error = await n.notify(violation()).catch((e: unknown) => e);
    expect((error as Error).message).toBe('Slack webhook unreachable: ECONNREFUSED after 2 attempts');
    expect(sleeps).toHaveLength(1);
    expectNoSecret(error, calls);
  });

  it('times out a webhook that does not answer, and retries', async () => {
    replies = [{ status: 0, hang: true }];
    const { logger, calls } = recordingLogger();
    const { n } = notifier({ logger, requestTimeoutMs: 100 });
    await n.notify(violation());
    expect(received).toHaveLength(2);
    expect(calls[0]![1]).toMatchObject({ reason: 'Slack webhook unreachable: timeout' });
  });

  it.each([
    [
      'a plain String parameter',
      secureString(`${origin}/services/${SECRET}`, 'String'),
      /must be a SecureString/,
    ],
    ['a value that is not a URL', secureString(`not a url ${SECRET}`), /does not hold a URL/],
    ['a non-http URL', secureString(`ftp://example.com/${SECRET}`), /does not hold an https URL/],
    [
      'a plain-http URL to a host that is not loopback',
      secureString(`http://hooks.slack.com/services/${SECRET}`),
      /does not hold an https URL/,
    ],
  ])('refuses %s without echoing the value', async (_, response, message) => {
    ssm.on(GetParameterCommand).resolves(response);
    const { n } = notifier();
    const error = await n.notify(violation()).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(PARAMETER);
    expect(received).toHaveLength(0);
    expectNoSecret(error);
  });

  it('reads the parameter again once its max age has passed', async () => {
    const { n } = notifier({ urlMaxAgeSeconds: 0 });
    await n.notify(violation());
    await n.notify(violation());
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
    expect(received).toHaveLength(2);
  });

  it('does not keep a refused value: the next notify reads SSM again', async () => {
    ssm
      .on(GetParameterCommand)
      .resolvesOnce(secureString(`${origin}/services/${SECRET}`, 'String'))
      .resolvesOnce(secureString(`ftp://example.com/${SECRET}`))
      .resolves(secureString(`${origin}/services/${SECRET}`));
    const { n } = notifier();
    await expect(n.notify(violation())).rejects.toThrow(/must be a SecureString/);
    await expect(n.notify(violation())).rejects.toThrow(/does not hold an https URL/);
    await n.notify(violation());
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(3);
    expect(received).toHaveLength(1);
  });

  it('does not cache a failed parameter read', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves(secureString(`${origin}/services/${SECRET}`));
    const { n } = notifier();
    await expect(n.notify(violation())).rejects.toThrow(
      `reading SSM parameter ${PARAMETER} failed: ThrottlingException`,
    );
    await n.notify(violation());
    expect(received).toHaveLength(1);
  });
});

describe('retryAfterMs', () => {
  it.each<[string | null, number | undefined]>([
    ['3', 3000],
    [' 0 ', 0],
    [null, undefined],
    ['', undefined],
    ['soon', undefined],
    ['Wed, 21 Oct 2015 07:28:05 GMT', 5000],
  ])('%p → %p', (header, expected) => {
    expect(retryAfterMs(header, Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(expected);
  });
});

describe('buildSlackPayload', () => {
  it('has fallback text and blocks with the facts, escaped for Slack, and the console link', () => {
    const t = violation({ annotation: 'sg-1 <allows> & denies' });
    const payload = buildSlackPayload(t);
    expect(payload.text).toBe(`:rotating_light: NEW_VIOLATION: ${t.title} (prod-a)`);
    const text = JSON.stringify(payload.blocks);
    expect(text).toContain('sg-1 &lt;allows&gt; &amp; denies');
    expect(text).toContain(escapeSlack(t.remediation).slice(0, 40));
    expect(text).toContain(
      '<https://console.amazonaws.cn/config/home?region=cn-northwest-1#/rules/details?configRuleName=private-eks-vpc-endpoints-present|',
    );
    expect(text).toContain('DeleteVpcEndpoints by arn:aws-cn:sts::111122223333:assumed-role/ops/alice');
  });

  it('stays inside the Block Kit text limits with huge input', () => {
    const huge = '😀&'.repeat(100_000);
    const payload = buildSlackPayload(violation({ title: huge, annotation: huge, remediation: huge }));
    const [header, details, next] = payload.blocks as { text: { text: string } }[];
    expect(Array.from(header!.text.text).length).toBeLessThanOrEqual(150);
    expect(Array.from(details!.text.text).length).toBeLessThanOrEqual(3000);
    expect(Array.from(next!.text.text).length).toBeLessThanOrEqual(3000);
    expect(next!.text.text).toMatch(/\|Open the AWS Config rule private-eks-vpc-endpoints-present>$/);
  });
});
