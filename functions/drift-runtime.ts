/**
 * What the drift and sweep handlers build once per cold start from real clients and the environment (wiring
 * contract). Kept apart from the handlers so both share one construction and tests never touch it.
 */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecurityHubClient } from '@aws-sdk/client-securityhub';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SnsAlertPublisher } from '../alerts/sns-publisher';
import { createClients } from '../aws/clients';
import { AwsReader } from '../aws/reader';
import type { DriftDeps } from '../drift/drift-deps';
import { parseGuardConfig } from '../drift/guard-config';
import { CONFIG_RULE_NAME_PREFIX } from '../engine/config-rule-names';
import { RecheckQueue } from '../drift/recheck-queue';
import { loggerPort, metricsPort, type Powertools } from '../lambda/powertools';
import { StateStore } from '../state/state-store';
import type { MetricName } from '../telemetry/metrics';
import { memberAccessFromEnvironment } from '../aws/member-access';
import { memberScopes } from '../aws/member-scopes';

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * Set to `true` for the drift and sweep functions of a hub stage (deploy/resources.js, the stage's
 * `organization.hub`): the sweep then queues the Organization's members, and both publish MemberAccountFailures.
 */
export const ORGANIZATION_HUB_VARIABLE = 'ORGANIZATION_HUB';

export const isOrganizationHub = (env: NodeJS.ProcessEnv): boolean =>
  env[ORGANIZATION_HUB_VARIABLE] === 'true';

/** The metrics drift and the sweep publish on every invocation: a hub stage's also MemberAccountFailures. */
export function reportsOf(common: readonly MetricName[], env: NodeJS.ProcessEnv): MetricName[] {
  return isOrganizationHub(env) ? [...common, 'MemberAccountFailures'] : [...common];
}

export function lambdaRegion(env: NodeJS.ProcessEnv = process.env): string {
  return required(env, 'AWS_REGION');
}

/**
 * SECURITY_HUB_PRODUCT_ARN, set only when the stage imports transitions into Security Hub: the account's default
 * product in this Region, which the role may import under and nothing else.
 */
export function securityHubFromEnvironment(region: string, env: NodeJS.ProcessEnv): DriftDeps['securityHub'] {
  const productArn = env.SECURITY_HUB_PRODUCT_ARN;
  if (productArn === undefined || productArn === '') return undefined;
  return { client: new SecurityHubClient({ region }), productArn };
}

/**
 * `accountId`: the Lambda's own account (from its ARN, accountOfFunctionArn). With it, an event of another account
 * (an Organization member's, forwarded to the hub's bus) is read through that account's member role and recorded
 * under that account's state keys; a single-account deployment only ever sees its own account's events.
 */
export function driftDepsFromEnvironment(
  tools: Powertools,
  env: NodeJS.ProcessEnv = process.env,
  accountId?: string,
): DriftDeps {
  const region = lambdaRegion(env);
  const readers = new Map<string, AwsReader>();
  const members = memberScopes(memberAccessFromEnvironment(region, env));
  const securityHub = securityHubFromEnvironment(region, env);
  const store = new StateStore(new DynamoDBClient({ region }), required(env, 'STATE_TABLE_NAME'));
  return {
    readerFor(member, eventRegion) {
      if (member !== undefined) return members(member, eventRegion).reader;
      let reader = readers.get(eventRegion);
      if (!reader) {
        reader = new AwsReader(createClients({ region: eventRegion }), eventRegion);
        readers.set(eventRegion, reader);
      }
      return reader;
    },
    store,
    ...(accountId !== undefined
      ? {
          accountId,
          member: (member: string, memberRegion: string) => ({
            store: store.forScope({ accountId: member, region: memberRegion }),
            config: members(member, memberRegion).config,
          }),
        }
      : {}),
    publisher: new SnsAlertPublisher(new SNSClient({ region }), {
      chatTopicArn: required(env, 'CHAT_TOPIC_ARN'),
      emailTopicArn: required(env, 'EMAIL_TOPIC_ARN'),
    }),
    recheckQueue: new RecheckQueue(new SQSClient({ region }), required(env, 'RECHECK_QUEUE_URL')),
    config: new ConfigServiceClient({ region }),
    guard: parseGuardConfig(env.GUARD_CONFIG),
    configRuleNamePrefix: env.CONFIG_RULE_NAME_PREFIX || CONFIG_RULE_NAME_PREFIX,
    now: () => new Date(),
    logger: loggerPort(tools.logger),
    metrics: metricsPort(tools.metrics),
    ...(securityHub ? { securityHub } : {}),
  };
}
