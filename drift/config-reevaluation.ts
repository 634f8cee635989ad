/**
 * Asks AWS Config to re-evaluate the rules whose state the drift path changed (SPEC §8), so the Config console shows
 * the change within minutes instead of at the next periodic run. StartConfigRulesEvaluation takes at most 25 rule
 * names a call and answers LimitExceededException while an evaluation of a rule runs or when called more than once a
 * minute: those names are handed back for a later attempt through the delayed queue.
 */
import { StartConfigRulesEvaluationCommand, type ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { DriftDeps, DriftOutcome, DriftRequest } from './drift-deps';
import { scheduleRecheck } from './recheck-queue';

export const MAX_RULES_PER_CALL = 25;

export interface ReevaluationOutcome {
  started: string[];
  /** Refused for now (LimitExceededException): retry later. */
  deferred: string[];
  /** Not deployed under these names (NoSuchConfigRuleException): retrying cannot help. */
  unknown: string[];
}

function errorName(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  return typeof name === 'string' ? name : undefined;
}

export async function startConfigRulesEvaluation(
  config: ConfigServiceClient,
  ruleNames: readonly string[],
): Promise<ReevaluationOutcome> {
  const names = [...new Set(ruleNames)].sort();
  const outcome: ReevaluationOutcome = { started: [], deferred: [], unknown: [] };
  for (let i = 0; i < names.length; i += MAX_RULES_PER_CALL) {
    const chunk = names.slice(i, i + MAX_RULES_PER_CALL);
    try {
      await config.send(new StartConfigRulesEvaluationCommand({ ConfigRuleNames: chunk }));
      outcome.started.push(...chunk);
    } catch (error) {
      const name = errorName(error);
      if (name === 'LimitExceededException') {
        // Calls are rate limited per account, so the rest would be refused too: defer them all at once.
        outcome.deferred.push(...names.slice(i));
        break;
      }
      if (name === 'NoSuchConfigRuleException') {
        outcome.unknown.push(...chunk);
        continue;
      }
      throw error;
    }
  }
  return outcome;
}

/** StartConfigRulesEvaluation for the changed rules; what Config refuses for now goes back on the delayed queue. */
export async function reevaluateChangedRules(
  deps: DriftDeps,
  request: DriftRequest,
  ruleNames: ReadonlySet<string>,
  outcome: DriftOutcome,
): Promise<void> {
  if (ruleNames.size === 0) return;
  const result = await startConfigRulesEvaluation(deps.config, [...ruleNames]);
  outcome.configRulesStarted = result.started;
  outcome.configRulesDeferred = result.deferred;
  if (result.unknown.length > 0) {
    deps.logger.warn('Config rules not deployed under these names', { configRules: result.unknown });
  }
  if (result.deferred.length === 0) return;
  const enqueued = await scheduleRecheck(deps, {
    // Only Config is retried: the state these names come from is already recorded.
    vpcIds: [],
    attempt: request.attempt + 1,
    reason: 'StartConfigRulesEvaluation: LimitExceededException',
    ...(request.actor ? { actor: request.actor } : {}),
    configRules: result.deferred,
  });
  if (!enqueued) {
    // The periodic Config run still re-evaluates them; only the console's promptness is lost.
    deps.logger.warn('giving up on starting Config rule evaluations', { configRules: result.deferred });
  }
}
