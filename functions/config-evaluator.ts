/** AWS Config custom-rule Lambda (SPEC §7): one function serves every private-eks-* Config rule. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { Context } from 'aws-lambda';
import { createClients, type AwsClients } from '../aws/clients';
import {
  accountOfFunctionArn,
  memberAccessFromEnvironment,
  memberCredentials,
  type MemberAccessOptions,
} from '../aws/member-access';
import { AwsReader } from '../aws/reader';
import { sharedCollectionCache } from '../config-rules/collection-cache';
import {
  handleConfigRuleEvent,
  type EvaluatorDeps,
  type InvocationSummary,
  type MemberEvaluatorScope,
} from '../config-rules/evaluator';
import type { ConfigRuleEvent } from '../config-rules/notification';
import { DEFAULT_RULE_NAME_PREFIX } from '../config-rules/rule-selection';
import { withPowertools } from '../lambda/middleware';
import { createPowertools, loggerPort, metricsPort } from '../lambda/powertools';

// @types/aws-lambda has no type for the AWS Config rule invocation event: ConfigRuleEvent is the project's own,
// from the Config developer guide's example events (config-rules/notification.ts).
export function makeHandler(deps: EvaluatorDeps): (event: ConfigRuleEvent) => Promise<InvocationSummary> {
  return (event) => handleConfigRuleEvent(event, deps);
}

type ReaderOptions = ConstructorParameters<typeof AwsReader>[2];

export interface MemberScopeOptions {
  /** Attempts per call (the SDK's default mode's 8 otherwise). */
  maxAttempts?: number;
  reader?: ReaderOptions;
  /** Called once per member account × Region with its new clients (the tests answer them through it). */
  onClients?: (
    clients: AwsClients & { config: ConfigServiceClient },
    accountId: string,
    region: string,
  ) => void;
}

/**
 * An Organization hub's evaluator in member accounts (deploy/org): per account × Region, a reader over the member's
 * read-only role and a Config client with its config-reporter role's credentials, both kept by the warm container
 * (the credentials are assumed on first use and refreshed before they expire).
 */
export function memberEvaluatorScopes(
  access: MemberAccessOptions,
  options: MemberScopeOptions = {},
): (accountId: string, region: string) => MemberEvaluatorScope {
  const scopes = new Map<string, MemberEvaluatorScope>();
  return (accountId, region) => {
    const key = `${accountId}/${region}`;
    let scope = scopes.get(key);
    if (!scope) {
      const clients = createClients({
        region,
        credentials: memberCredentials(access, accountId, 'reader'),
        accountId,
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      });
      const config = new ConfigServiceClient({
        region,
        retryMode: 'adaptive',
        credentials: memberCredentials(access, accountId, 'config-reporter'),
        ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
      });
      options.onClients?.({ ...clients, config }, accountId, region);
      scope = { reader: new AwsReader(clients, region, options.reader), config };
      scopes.set(key, scope);
    }
    return scope;
  };
}

const tools = createPowertools('private-eks-guard-config');
let built: ReturnType<typeof makeHandler> | undefined;

/**
 * Clients, reader pacing and the collection cache are built on the first invocation and kept by the warm container.
 * The Lambda's own account comes from its ARN: an organization rule of another account is evaluated in that account.
 */
export const handler = withPowertools(
  (event: ConfigRuleEvent, context: Context): Promise<InvocationSummary> => {
    if (!built) {
      const region = process.env.AWS_REGION;
      if (!region) throw new Error('AWS_REGION is not set');
      const accountId = accountOfFunctionArn(context?.invokedFunctionArn);
      built = makeHandler({
        reader: new AwsReader(createClients({ region }), region),
        config: new ConfigServiceClient({ region, retryMode: 'adaptive' }),
        cache: sharedCollectionCache,
        log: loggerPort(tools.logger),
        metrics: metricsPort(tools.metrics),
        ruleNamePrefix: process.env.CONFIG_RULE_NAME_PREFIX || DEFAULT_RULE_NAME_PREFIX,
        ...(accountId === undefined
          ? {}
          : { accountId, member: memberEvaluatorScopes(memberAccessFromEnvironment(region)) }),
      });
    }
    return built(event);
  },
  tools,
  // The Config event carries no id of its own but the resultToken, which is a write credential and is not logged.
  { reports: ['EvaluationsWritten', 'AwsReadErrors'] },
);
