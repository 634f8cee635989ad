import { CONFIG_RULE_NAME_PREFIX, ruleIdFromConfigRuleName } from '../engine/config-rule-names';
import { ParameterError } from '../engine/errors';
import { parseParams, type Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import { findRule } from '../engine/rule-selection';
import { ConfigEventError } from './errors';

/** The evaluator's name for the shared prefix (engine/config-rule-names.ts). */
export const DEFAULT_RULE_NAME_PREFIX = CONFIG_RULE_NAME_PREFIX;
export { ruleIdFromConfigRuleName };

export interface SelectedRule {
  rule: Rule;
  params: Params;
}

/**
 * The rule and parameters of one invocation: `ruleId` from the InputParameters, else from the Config rule's name;
 * the other InputParameters are the rule's parameters. Anything wrong is one ConfigEventError.
 */
export function selectRule(
  configRuleName: string,
  ruleParameters: Readonly<Record<string, string>>,
  prefix = DEFAULT_RULE_NAME_PREFIX,
): SelectedRule {
  const { ruleId: explicitId, ...rest } = ruleParameters;
  const id = explicitId?.trim() || ruleIdFromConfigRuleName(configRuleName, prefix);
  if (!id) {
    throw new ConfigEventError(
      `Config rule ${configRuleName}: no ruleId in its InputParameters and its name does not start with "${prefix}"`,
    );
  }
  const rule = findRule(id);
  if (!rule) throw new ConfigEventError(`Config rule ${configRuleName}: unknown rule id "${id}"`);
  try {
    return { rule, params: parseParams(rest) };
  } catch (error) {
    if (error instanceof ParameterError) {
      throw new ConfigEventError(`Config rule ${configRuleName}: bad InputParameters: ${error.message}`);
    }
    throw error;
  }
}
