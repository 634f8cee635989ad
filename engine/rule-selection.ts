/**
 * A rule selection as the drivers read it — the CLI's `--rules` and config file `rules`, a stage file's
 * `rules`, GUARD_CONFIG's `rules`, a Config rule's `ruleId` — parsed and validated in one place. Each
 * driver words its mistakes in its own error class, through `RuleSelectionErrors`.
 */
import { RULES, ruleById } from '../rules';
import { ruleIdFromConfigRuleName } from './config-rule-names';
import type { Rule } from './rule';

/** Ids as written: one comma-separated string, or a list whose items may each hold several. */
export type RuleSelectionInput = string | readonly string[];

export interface RuleSelectionOptions {
  /** `id` (trimmed, as written) names no catalog rule. */
  unknown(id: string): Error;
  /**
   * The selection is given but names no rule (`""`, `" , "`, `[]`). Without it an empty selection is
   * allowed and selects nothing.
   */
  empty?(): Error;
  /** `catalog` (the default): SPEC §4's order, as the CLI and the deployment list rules. `given`: as written. */
  order?: 'catalog' | 'given';
}

/** The ids of a selection: split on commas, trimmed, empty items dropped. */
export function ruleIdTexts(input: RuleSelectionInput): string[] {
  return (typeof input === 'string' ? [input] : input)
    .flatMap((item) => item.split(','))
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
}

/**
 * One rule as a user may name it: its id in any case (`subnets_multi_az`), or its Config rule name under
 * the default prefix in any case (`private-eks-subnets-multi-az`), or that name's kebab part alone.
 */
export function findRule(text: string): Rule | undefined {
  const id = text.trim();
  const lower = id.toLowerCase();
  return ruleById(id) ?? ruleById(ruleIdFromConfigRuleName(lower) ?? lower.replace(/-/g, '_'));
}

/**
 * The rules a selection names, each once. `undefined` (no selection at all) is the whole catalog; the
 * first id that names no rule is `options.unknown`'s error.
 */
export function parseRuleSelection(
  input: RuleSelectionInput | undefined,
  options: RuleSelectionOptions,
): readonly Rule[] {
  if (input === undefined) return RULES;
  const ids = ruleIdTexts(input);
  if (ids.length === 0 && options.empty) throw options.empty();
  const chosen = new Set<Rule>();
  for (const id of ids) {
    const rule = findRule(id);
    if (!rule) throw options.unknown(id);
    chosen.add(rule);
  }
  return options.order === 'given' ? [...chosen] : RULES.filter((rule) => chosen.has(rule));
}
