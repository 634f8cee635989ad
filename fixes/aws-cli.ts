/**
 * AWS CLI v2 command lines for fixes: `aws <service> <operation> --region R --param value …`,
 * each value quoted for a POSIX shell so a line pastes as it is. Parameter names are the
 * API's member names in kebab case (`VpcId` → `--vpc-id`), never the CLI's hand-made
 * shortcuts (`--protocol`, `--cidr`), so test/fixes can check every line against the API
 * model the SDK ships.
 */

/** A parameter value: a string or number as it is, a list as several words, a structure as JSON. */
export type CliValue =
  | string
  | number
  | boolean
  | readonly string[]
  | Record<string, unknown>
  | readonly Record<string, unknown>[];

/** `[name, value]`; an undefined value leaves the parameter out. */
export type CliParam = readonly [name: string, value: CliValue | undefined];

/** Characters a POSIX shell reads as themselves outside quotes. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: as it is when plain, else in single quotes (a quote inside becomes '\''). */
export function shellWord(text: string): string {
  if (text !== '' && PLAIN.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function valueWords(value: Exclude<CliValue, boolean>): string[] {
  if (typeof value === 'string') return [shellWord(value)];
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) {
    return (value as readonly string[]).map(shellWord);
  }
  return [shellWord(JSON.stringify(value))];
}

/**
 * One command line. A boolean parameter is `--name` for true and `--no-name` for false, as the
 * CLI spells boolean members.
 */
export function awsCli(
  service: string,
  operation: string,
  region: string,
  params: readonly CliParam[],
): string {
  const words = ['aws', service, operation, '--region', shellWord(region)];
  for (const [name, value] of params) {
    if (value === undefined) continue;
    if (typeof value === 'boolean') words.push(value ? `--${name}` : `--no-${name}`);
    else words.push(`--${name}`, ...valueWords(value));
  }
  return words.join(' ');
}
