import { ParameterError } from '../engine/errors';
import { parseParams, type Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import { ruleById } from '../rules';
import { ConfigEventError } from './errors';

export const DEFAULT_RULE_NAME_PREFIX = 'private-eks-';

export interface SelectedRule {
  rule: Rule;
  params: Params;
}

/** `private-eks-vpc-endpoints-present` → `VPC_ENDPOINTS_PRESENT` (the inverse of configRuleName). */
export function ruleIdFromConfigRuleName(
  name: string,
  prefix = DEFAULT_RULE_NAME_PREFIX,
): string | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const kebab = name.slice(prefix.length);
  return kebab ? kebab.toUpperCase().replace(/-/g, '_') : undefined;
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
  const rule = ruleById(id);
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
