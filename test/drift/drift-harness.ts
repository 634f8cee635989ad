/**
 * The drift path wired for tests: real SDK clients answered by the fake AWS account (EC2/EKS/STS), a real DynamoDB
 * engine (dynalite) for the state store, and aws-sdk-client-mock for SQS, SNS and Config.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigServiceClient, StartConfigRulesEvaluationCommand } from '@aws-sdk/client-config-service';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
  type SendMessageBatchCommandInput,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { SnsAlertPublisher } from '../../alerts/sns-publisher';
import { createClients, destroyClients, type AwsClients } from '../../aws/clients';
import { AwsReader } from '../../aws/reader';
import type { DriftDeps, DriftLogger } from '../../drift/drift-deps';
import { parseGuardConfig } from '../../drift/guard-config';
import { RecheckQueue, type MemberSweepMessage, type RecheckMessage } from '../../drift/recheck-queue';
import { StateStore } from '../../state/state-store';
import type { MetricName } from '../../telemetry/metrics';
import { installFakeAws, useFakeCredentials, type FakeAwsServer } from '../../testkit/fake-aws';
import type { RawSnapshot } from '../../testkit/private-cluster';
import type { LocalDynamo } from '../../testkit/dynalite';

export const REGION = 'eu-west-1';
export const CHAT_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:chat';
export const EMAIL_TOPIC = 'arn:aws:sns:eu-west-1:111122223333:email';
export const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/111122223333/recheck';
const NO_PACING = { ec2: { concurrency: 8 }, eks: { concurrency: 8 }, sts: { concurrency: 1 } };
const UNLIMITED = { ec2: undefined, eks: undefined, sts: undefined };

export const sqsMock = mockClient(SQSClient);
export const snsMock = mockClient(SNSClient);
export const configMock = mockClient(ConfigServiceClient);

useFakeCredentials();

export interface Harness {
  deps: DriftDeps;
  clients: AwsClients;
  /** (Re)serves `account` from the fake AWS; call again after changing it. */
  serve(account: RawSnapshot): FakeAwsServer;
  warnings: string[];
  /** What the run counted (telemetry/metrics.ts), summed per name; clear it between checks. */
  counts: Map<MetricName, number>;
  close(): void;
}

export function resetMocks(): void {
  sqsMock.reset();
  snsMock.reset();
  configMock.reset();
  sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  sqsMock.on(SendMessageBatchCommand).callsFake(acceptEveryEntry);
  snsMock.on(PublishCommand).resolves({ MessageId: 'p-1' });
  configMock.on(StartConfigRulesEvaluationCommand).resolves({});
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

/** SendMessageBatch as SQS answers when it takes every entry (API reference, SendMessageBatchResultEntry). */
export function acceptEveryEntry(input: SendMessageBatchCommandInput) {
  return {
    Successful: (input.Entries ?? []).map((entry, i) => ({
      Id: entry.Id,
      MessageId: `5fea7756-0ea4-451a-a703-a558b933e${String(i).padStart(3, '0')}`,
      MD5OfMessageBody: md5(entry.MessageBody ?? ''),
    })),
    Failed: [],
  };
}

export function harness(local: LocalDynamo, guardConfig?: string): Harness {
  const clients = createClients({ region: REGION, maxAttempts: 1 });
  const reader = new AwsReader(clients, REGION, { limits: NO_PACING });
  const warnings: string[] = [];
  const counts = new Map<MetricName, number>();
  const logger: DriftLogger = { info: () => undefined, warn: (message) => warnings.push(message) };
  let clock = Date.parse('2030-01-01T00:00:00Z');
  const deps: DriftDeps = {
    readerFor: (account, region) => {
      if (account !== undefined) throw new Error(`no reader for account ${account}`);
      if (region !== REGION) throw new Error(`no reader for ${region}`);
      return reader;
    },
    store: new StateStore(local.client, local.tableName),
    publisher: new SnsAlertPublisher(new SNSClient({ region: REGION }), {
      chatTopicArn: CHAT_TOPIC,
      emailTopicArn: EMAIL_TOPIC,
    }),
    recheckQueue: new RecheckQueue(new SQSClient({ region: REGION }), QUEUE_URL),
    config: new ConfigServiceClient({ region: REGION }),
    guard: parseGuardConfig(guardConfig),
    // Each call a millisecond later, so successive runs are ordered for the store's staleness check.
    now: () => new Date((clock += 1)),
    logger,
    metrics: { count: (name, value = 1) => void counts.set(name, (counts.get(name) ?? 0) + value) },
  };
  return {
    deps,
    clients,
    serve: (account) => installFakeAws(clients, account, { buckets: UNLIMITED }),
    warnings,
    counts,
    close: () => destroyClients(clients),
  };
}

/** Chat-topic publishes: one per alert. */
export function chatAlerts(): { attributes: Record<string, string>; body: Record<string, unknown> }[] {
  return snsMock
    .commandCalls(PublishCommand)
    .map((call) => call.args[0].input)
    .filter((input) => input.TopicArn === CHAT_TOPIC)
    .map((input) => ({
      attributes: Object.fromEntries(
        Object.entries(input.MessageAttributes ?? {}).map(([k, v]) => [k, v.StringValue ?? '']),
      ),
      body: JSON.parse(input.Message ?? '{}') as Record<string, unknown>,
    }));
}

export function recheckMessages(): { body: RecheckMessage; delaySeconds: number | undefined }[] {
  return sqsMock.commandCalls(SendMessageCommand).map((call) => ({
    body: JSON.parse(call.args[0].input.MessageBody ?? '{}') as RecheckMessage,
    delaySeconds: call.args[0].input.DelaySeconds,
  }));
}

/** Every entry of every SendMessageBatch call, in order: the hub sweep's member messages. */
export function sweepMessages(): {
  body: MemberSweepMessage;
  delaySeconds: number | undefined;
  call: number;
}[] {
  return sqsMock.commandCalls(SendMessageBatchCommand).flatMap((call, index) =>
    (call.args[0].input.Entries ?? []).map((entry) => ({
      body: JSON.parse(entry.MessageBody ?? '{}') as MemberSweepMessage,
      delaySeconds: entry.DelaySeconds,
      call: index,
    })),
  );
}

/** An SQS record of the re-check queue in the shape Lambda delivers it (events/sqs-recheck.json). */
export function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `AQEB${messageId}`,
    body,
    attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1795165811000',
      SenderId: 'AROAEXAMPLE7ROLEID:private-eks-guard-dev-drift',
      ApproximateFirstReceiveTimestamp: '1795165931000',
    },
    messageAttributes: {},
    md5OfBody: md5(body),
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:eu-west-1:111122223333:private-eks-guard-dev-RecheckQueue',
    awsRegion: REGION,
  };
}

export function configRulesStarted(): string[][] {
  return configMock
    .commandCalls(StartConfigRulesEvaluationCommand)
    .map((call) => call.args[0].input.ConfigRuleNames ?? []);
}

const EVENTS_DIR = join(__dirname, '..', '..', 'events');

export function sampleEventNames(): string[] {
  return readdirSync(EVENTS_DIR).filter((f) => /^cloudtrail-.*\.json$/.test(f));
}

export function sampleEvent(file: string): Record<string, unknown> & { detail: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8')) as Record<string, unknown> & {
    detail: Record<string, unknown>;
  };
}
