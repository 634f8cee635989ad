import { parseDocument } from 'yaml';
import * as z from 'zod';
import { UsageError } from '../engine/errors';
import { ConfigFileSchema } from '../engine/guard-config';
import { formatPath } from '../snapshot/load';
import { readUserFile } from './read-file';

/** A config file that cannot be read, parsed or validated: exit code 2. */
export class ConfigError extends UsageError {
  override name = 'ConfigError';
}

export {
  CONFIG_PERIODIC_FREQUENCIES,
  ConfigFileSchema,
  configFileShape,
  configRuleIds,
  ParameterValueSchema,
  parameterTexts,
  type ConfigFile,
} from '../engine/guard-config';

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
