import { ParameterError, UsageError } from '../engine/errors';
import { parseParams, type Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import { parseRuleSelection } from '../engine/rule-selection';
import { RULES } from '../rules';
import { configRuleIds, parameterTexts } from '../engine/config-texts';
import type { ConfigFile } from '../engine/guard-config';

/**
 * `--param NAME=VALUE` options, in command-line order, as raw texts for parseParams.
 * A repeated name takes the last value (SPEC §4); the value may itself hold '='.
 */
export function paramOptionTexts(options: readonly string[]): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const option of options) {
    const eq = option.indexOf('=');
    const name = eq < 0 ? '' : option.slice(0, eq).trim();
    if (eq < 0 || name === '') {
      throw new UsageError(`--param "${option}": expected NAME=VALUE (e.g. --param egressMode=nat)`);
    }
    texts[name] = option.slice(eq + 1);
  }
  return texts;
}

/**
 * Rule ids as a user may type them: case-insensitive, comma-separated across repeated
 * options, with the Config rule name (`private-eks-subnets-multi-az`) accepted too
 * (engine/rule-selection.ts). Returned in catalog order, each rule once. `source` prefixes
 * error messages.
 */
export function selectRules(ids: readonly string[], source = '--rules'): Rule[] {
  return [
    ...parseRuleSelection(ids, {
      empty: () => new UsageError(`${source}: no rule ids given (leave it out to run every rule)`),
      unknown: (id) =>
        new UsageError(
          `${source}: unknown rule "${id}"; valid rule ids: ${RULES.map((r) => r.meta.id).join(', ')}`,
        ),
    }),
  ];
}

/** What `check` runs with once the config file and the command line are merged. */
export interface CheckSettings {
  rules: readonly Rule[];
  params: Params;
}

/**
 * Merges config-file settings with command-line ones: `--param` beats the file's
 * `parameters` name by name, `--rules` replaces the file's `rules`. Each source is
 * validated on its own first, so an error says which one is wrong, and every parameter
 * is validated even when `--rules` selects rules that do not read it.
 */
export function resolveCheckSettings(
  cli: { rules?: readonly string[]; params?: readonly string[] },
  config: ConfigFile = {},
  configSource = 'config file',
): CheckSettings {
  const fileTexts = parameterTexts(config);
  try {
    parseParams(fileTexts);
  } catch (error) {
    if (error instanceof ParameterError) throw new ParameterError(`${configSource}: ${error.message}`);
    throw error;
  }
  const params = parseParams({ ...fileTexts, ...paramOptionTexts(cli.params ?? []) });

  const fileRules = configRuleIds(config);
  const rules =
    cli.rules !== undefined
      ? selectRules(cli.rules)
      : fileRules !== undefined
        ? selectRules(fileRules, `${configSource}: rules`)
        : RULES;
  return { rules, params };
}
