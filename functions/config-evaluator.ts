/** AWS Config custom-rule Lambda (SPEC §7): one function serves every private-eks-* Config rule. */
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { Logger } from '@aws-lambda-powertools/logger';
import { createClients } from '../aws/clients';
import { AwsReader } from '../aws/reader';
import { sharedCollectionCache } from '../config-rules/collection-cache';
import {
  handleConfigRuleEvent,
  type EvaluatorDeps,
  type EvaluatorLog,
  type InvocationSummary,
} from '../config-rules/evaluator';
import { DEFAULT_RULE_NAME_PREFIX } from '../config-rules/rule-selection';

export function makeHandler(deps: EvaluatorDeps): (event: unknown) => Promise<InvocationSummary> {
  return (event) => handleConfigRuleEvent(event, deps);
}

function powertoolsLog(logger: Logger): EvaluatorLog {
  return {
    info: (message, details) => logger.info(message, details ?? {}),
    warn: (message, details) => logger.warn(message, details ?? {}),
  };
}

let built: ((event: unknown) => Promise<InvocationSummary>) | undefined;

/** Built on the first invocation, then reused by the warm container (clients, reader pacing and the cache). */
export const handler = (event: unknown): Promise<InvocationSummary> => {
  if (!built) {
    const region = process.env.AWS_REGION;
    if (!region) throw new Error('AWS_REGION is not set');
    built = makeHandler({
      reader: new AwsReader(createClients({ region }), region),
      config: new ConfigServiceClient({ region, retryMode: 'adaptive' }),
      cache: sharedCollectionCache,
      log: powertoolsLog(new Logger()),
      ruleNamePrefix: process.env.CONFIG_RULE_NAME_PREFIX || DEFAULT_RULE_NAME_PREFIX,
    });
  }
  return built(event);
};
