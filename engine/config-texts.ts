import type { ConfigFile } from './guard-config';

/*
 * What a parsed config file selects, as the texts `--rules` and `--param` would give. Apart
 * from the schema (engine/guard-config.ts) because these need no zod: `check` without
 * `--config` never loads it (start-up, issue 10).
 */

/** Rule ids named by the file's `rules`, undefined when it has none. */
export function configRuleIds(config: Pick<ConfigFile, 'rules'>): string[] | undefined {
  if (config.rules === undefined) return undefined;
  return typeof config.rules === 'string' ? config.rules.split(',') : config.rules;
}

/** The file's parameters as raw texts for parseParams (lists joined with ','). */
export function parameterTexts(config: Pick<ConfigFile, 'parameters'>): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, value] of Object.entries(config.parameters ?? {})) {
    texts[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return texts;
}
