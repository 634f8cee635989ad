import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UsageError } from '../engine/errors';
import { formatPath } from '../snapshot/load';
import { readUserFile } from './read-file';

/** A config file that cannot be read, parsed or validated: exit code 2. */
export class ConfigError extends UsageError {
  override name = 'ConfigError';
}

const PARAMETER_VALUE_EXPECTED = 'expected a string, number, boolean or list of strings';

/** A parameter value as YAML/JSON may spell it; `parameterTexts` turns it into the text `--param` would give. */
export const ParameterValueSchema = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())], {
  error: PARAMETER_VALUE_EXPECTED,
});

/** AWS Config's MaximumExecutionFrequency values (ConfigRule Source.SourceDetails). */
export const CONFIG_PERIODIC_FREQUENCIES = [
  'One_Hour',
  'Three_Hours',
  'Six_Hours',
  'Twelve_Hours',
  'TwentyFour_Hours',
] as const;

/** SSM parameter names: letters, digits, `_.-`, and `/` for a hierarchy (a leading `/` or none). */
const SSM_PARAMETER_NAME = /^\/?[\w.-]+(\/[\w.-]+)*$/;

/**
 * The keys of the config file. Deploy-time settings (`alerts`, `schedule`) belong here
 * too, so one file serves the CLI and the deployment: add them to this shape (the CLI
 * ignores keys it does not use) rather than keeping a second schema that would reject
 * the other's keys.
 */
export const configFileShape = {
  /** Rule ids to run (like `--rules`): a list, or one comma-separated string. */
  rules: z.union([z.array(z.string()), z.string()], { error: 'expected a list of rule ids' }).optional(),
  /** Parameters (like `--param`), SPEC §4's flat namespace. */
  parameters: z.record(z.string(), ParameterValueSchema).optional(),
  /** Deploy only (the CLI ignores it): who hears about transitions (SPEC §9). */
  alerts: z
    .strictObject({
      emails: z.array(z.email({ error: 'expected an email address' })).optional(),
      /** Name of the SSM SecureString holding the Slack webhook URL; the URL itself never sits in a file. */
      slackWebhookParameter: z
        .string()
        .regex(SSM_PARAMETER_NAME, { error: 'expected an SSM parameter name such as /guard/slack-webhook' })
        .optional(),
    })
    .optional(),
  /** Deploy only (the CLI ignores it): how often the sweep and the periodic Config run happen. */
  schedule: z
    .strictObject({
      sweep: z
        .string()
        .regex(/^(rate|cron)\(.+\)$/, { error: 'expected an EventBridge schedule such as rate(1 hour)' })
        .optional(),
      configPeriodic: z.enum(CONFIG_PERIODIC_FREQUENCIES).optional(),
    })
    .optional(),
};

/** Unknown top-level keys are errors: a typo (`parameter:`) must not silently drop settings. */
export const ConfigFileSchema = z.strictObject(configFileShape);
export type ConfigFile = z.output<typeof ConfigFileSchema>;

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

function describeIssue(issue: z.core.$ZodIssue, allowedKeys: readonly string[]): string {
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((key) => formatPath([...issue.path, key]));
    return `unknown key${keys.length > 1 ? 's' : ''} ${keys.join(', ')}${
      issue.path.length === 0 ? ` (allowed keys: ${allowedKeys.join(', ')})` : ''
    }`;
  }
  const where = formatPath(issue.path);
  if (issue.code === 'invalid_type' && issue.path.length === 0) {
    return `expected a mapping with the keys ${allowedKeys.join(', ')}`;
  }
  const input = (issue as { input?: unknown }).input;
  const got = input === null ? ' (got null; write "" for an empty value)' : '';
  return `${where}: ${issue.message}${got}`;
}

/** Parses config text (YAML, and so JSON too, which is YAML); throws ConfigError naming the bad key. */
export function parseConfigText<S extends z.ZodType = typeof ConfigFileSchema>(
  text: string,
  source: string,
  schema: S = ConfigFileSchema as unknown as S,
): z.output<S> {
  const document = parseDocument(text, { prettyErrors: false });
  const syntaxError = document.errors[0];
  if (syntaxError) {
    throw new ConfigError(`config file ${source} is not valid YAML or JSON: ${syntaxError.message}`);
  }
  // An empty file (or one holding only comments) sets nothing.
  const value = document.toJS() ?? {};
  const result = schema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const allowedKeys = schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
    throw new ConfigError(`config file ${source}: ${describeIssue(result.error.issues[0]!, allowedKeys)}`);
  }
  return result.data;
}

/** Reads and validates a config file (`--config FILE`); `schema` lets the deploy tooling read its own keys. */
export function loadConfigFile<S extends z.ZodType = typeof ConfigFileSchema>(
  path: string,
  schema: S = ConfigFileSchema as unknown as S,
): z.output<S> {
  return parseConfigText(readUserFile(path, 'config file', ConfigError), path, schema);
}
