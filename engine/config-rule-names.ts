/**
 * Config rule names (SPEC §4): `private-eks-` + the rule id in kebab case, or a stage's own prefix in its
 * place (CONFIG_RULE_NAME_PREFIX). The one place for the prefix and for both directions, so the CLI, the
 * evaluator, the drift Lambdas and the deployment cannot disagree on a name.
 */

/** The prefix of every Config rule name, unless a stage deploys under its own (CONFIG_RULE_NAME_PREFIX). */
export const CONFIG_RULE_NAME_PREFIX = 'private-eks-';

/**
 * `VPC_ENDPOINTS_PRESENT` → `private-eks-vpc-endpoints-present`; with `prefix`, the name deployed under a
 * stage's prefix (`staging-eks-vpc-endpoints-present`). `undefined` means the default prefix.
 */
export function configRuleName(ruleId: string, prefix: string = CONFIG_RULE_NAME_PREFIX): string {
  return `${prefix}${ruleId.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * The inverse: `private-eks-vpc-endpoints-present` → `VPC_ENDPOINTS_PRESENT`; undefined when the name does
 * not start with `prefix` (case-sensitive, as AWS Config's names are) or has nothing after it. Whether the id
 * is in the catalog is the caller's question (engine/rule-selection.ts findRule).
 */
export function ruleIdFromConfigRuleName(
  name: string,
  prefix: string = CONFIG_RULE_NAME_PREFIX,
): string | undefined {
  if (!name.startsWith(prefix)) return undefined;
  const kebab = name.slice(prefix.length);
  return kebab ? kebab.toUpperCase().replace(/-/g, '_') : undefined;
}
