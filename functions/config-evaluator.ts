/** AWS Config custom-rule Lambda (SPEC §7): one function serves every private-eks-* Config rule. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { Context } from 'aws-lambda';
import { createClients } from '../aws/clients';
import { accountOfFunctionArn, memberAccessFromEnvironment } from '../aws/member-access';
import { memberScopes } from '../aws/member-scopes';
import { AwsReader } from '../aws/reader';
import { sharedCollectionCache } from '../config-rules/collection-cache';
import { handleConfigRuleEvent, type EvaluatorDeps, type InvocationSummary } from '../config-rules/evaluator';
import type { ConfigRuleEvent } from '../config-rules/notification';
import { DEFAULT_RULE_NAME_PREFIX } from '../config-rules/rule-selection';
import { withPowertools } from '../lambda/middleware';
import { createPowertools, loggerPort, metricsPort } from '../lambda/powertools';

// @types/aws-lambda has no type for the AWS Config rule invocation event: ConfigRuleEvent is the project's own,
// from the Config developer guide's example events (config-rules/notification.ts).
export function makeHandler(deps: EvaluatorDeps): (event: ConfigRuleEvent) => Promise<InvocationSummary> {
  return (event) => handleConfigRuleEvent(event, deps);
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
          : { accountId, member: memberScopes(memberAccessFromEnvironment(region)) }),
      });
    }
    return built(event);
  },
  tools,
  // The Config event carries no id of its own but the resultToken, which is a write credential and is not logged.
  { reports: ['EvaluationsWritten', 'AwsReadErrors'] },
);
