/**
 * Asks AWS Config to re-evaluate the rules whose state the drift path changed (SPEC §8), so the Config console shows
 * the change within minutes instead of at the next periodic run. StartConfigRulesEvaluation takes at most 25 rule
 * names a call and answers LimitExceededException while an evaluation of a rule runs or when called more than once a
 * minute: those names are handed back for a later attempt through the delayed queue.
 */
import {
  DescribeConfigRulesCommand,
  StartConfigRulesEvaluationCommand,
  type ConfigRule,
  type ConfigServiceClient,
} from '@aws-sdk/client-config-service';
import { configRuleName } from '../engine/config-rule-names';
import type { DriftDeps, DriftOutcome, DriftRequest } from './drift-deps';
import { memberAccountOf } from '../aws/member-access';
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

/** The rule id a rule's InputParameters carry (`{"ruleId": …}`, deploy/stage-config.js), if any. */
function ruleIdOf(rule: ConfigRule): string | undefined {
  try {
    const parameters: unknown = JSON.parse(rule.InputParameters ?? '{}');
    const ruleId = (parameters as { ruleId?: unknown } | null)?.ruleId;
    return typeof ruleId === 'string' ? ruleId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The names of a member account's rules for the deployment's rule names. An organization rule's rules in a member
 * are named by AWS Config, not by us (deploy/org: OrganizationConfigRule), and the API documents no way to derive
 * them, so they are looked up at run time (DescribeConfigRules in the member, every page) by the `ruleId` of their
 * InputParameters, which the organization rule copies. A name that already is a member rule's (a deferred name
 * coming back through the queue) is kept; a name with no rule in the member is dropped.
 */
export async function memberRuleNames(
  config: ConfigServiceClient,
  names: readonly string[],
  prefix: string | undefined,
): Promise<{ names: string[]; missing: string[] }> {
  const byDeployedName = new Map<string, string[]>();
  const memberNames = new Set<string>();
  let token: string | undefined;
  do {
    const page = await config.send(new DescribeConfigRulesCommand(token ? { NextToken: token } : {}));
    for (const rule of page.ConfigRules ?? []) {
      if (rule.ConfigRuleName === undefined || rule.Source?.Owner !== 'CUSTOM_LAMBDA') continue;
      const ruleId = ruleIdOf(rule);
      if (ruleId === undefined) continue;
      memberNames.add(rule.ConfigRuleName);
      const deployed = configRuleName(ruleId, prefix);
      byDeployedName.set(deployed, [...(byDeployedName.get(deployed) ?? []), rule.ConfigRuleName]);
    }
    token = page.NextToken || undefined;
  } while (token !== undefined);
  const found = new Set<string>();
  const missing: string[] = [];
  for (const name of names) {
    const mapped = memberNames.has(name) ? [name] : byDeployedName.get(name);
    if (mapped === undefined) missing.push(name);
    else mapped.forEach((m) => found.add(m));
  }
  return { names: [...found].sort(), missing };
}

/** StartConfigRulesEvaluation for the changed rules; what Config refuses for now goes back on the delayed queue. */
export async function reevaluateChangedRules(
  deps: DriftDeps,
  request: DriftRequest,
  ruleNames: ReadonlySet<string>,
  outcome: DriftOutcome,
): Promise<void> {
  if (ruleNames.size === 0) return;
  const member = memberAccountOf(deps.accountId, request.accountId);
  let names = [...ruleNames];
  if (member !== undefined) {
    const mapped = await memberRuleNames(deps.config, names, deps.configRuleNamePrefix);
    if (mapped.missing.length > 0) {
      deps.logger.warn('Config rules not deployed in the member account', {
        accountId: member,
        configRules: mapped.missing,
      });
    }
    names = mapped.names;
    if (names.length === 0) return;
  }
  const result = await startConfigRulesEvaluation(deps.config, names);
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
    ...(member !== undefined ? { accountId: member } : {}),
  });
  if (!enqueued) {
    // The periodic Config run still re-evaluates them; only the console's promptness is lost.
    deps.logger.warn('giving up on starting Config rule evaluations', { configRules: result.deferred });
  }
}
