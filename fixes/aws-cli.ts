/**
 * AWS CLI v2 command lines for fixes: `aws <service> <operation> --region R --param value …`,
 * each value quoted for a POSIX shell so a line pastes as it is. Parameter names are the
 * API's member names in kebab case (`VpcId` → `--vpc-id`), never the CLI's hand-made
 * shortcuts (`--protocol`, `--cidr`), so test/fixes can check every line against the API
 * model the SDK ships.
 */

/** Characters a POSIX shell reads as themselves outside quotes. */
const PLAIN = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: as it is when plain, else in single quotes (a quote inside becomes '\''). */
export function shellWord(text: string): string {
  if (text !== '' && PLAIN.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** A shell variable name. */
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A line awsCli writes without expansions: `aws`, then words of plain characters, '…' quoted
 * text and the \' between quoted parts that shellWord writes. Inside `"$( … )"` the shell reads
 * such a line as it would on its own line, and a `)` in it can only be quoted text.
 */
const PLAIN_AWS_LINE = /^aws(?: (?:[A-Za-z0-9_@%+=:,./-]|'[^']*'|\\')+)+$/;

/**
 * A value only the shell knows when the line runs: a variable an earlier line captured
 * (`$NAME`), or what a look-up prints (`$(aws …)`). Only shellExpansion makes one, and it
 * admits nothing else, so a fix line never runs more than the AWS CLI.
 */
export class ShellExpansion {
  private constructor(readonly expansion: string) {}

  /** See shellExpansion. */
  static of(text: string): ShellExpansion {
    const variable = text.startsWith('$') && NAME.test(text.slice(1));
    const lookUp = text.startsWith('$(') && text.endsWith(')') && PLAIN_AWS_LINE.test(text.slice(2, -1));
    if (!variable && !lookUp) {
      throw new Error(`not a $NAME or $(aws …) expansion: ${JSON.stringify(text)}`);
    }
    return new ShellExpansion(text);
  }
}

/**
 * A value the shell expands when the line runs, written into the line inside double quotes as
 * given (so it stays one word): `$NAME`, a variable an earlier line captured, or `$(aws …)`
 * around a line awsCli wrote without expansions, a look-up that should print one word
 * (`--query … --output text`). Anything else (other commands, `;`, backticks, nested
 * expansions) throws.
 */
export function shellExpansion(text: string): ShellExpansion {
  return ShellExpansion.of(text);
}

/**
 * `NAME=$(line)`: runs an awsCli line without expansions and keeps what it prints in a shell
 * variable, for later lines to read as shellExpansion(`$NAME`).
 */
export function shellCapture(name: string, line: string): string {
  if (!NAME.test(name)) throw new Error(`not a shell variable name: ${JSON.stringify(name)}`);
  if (!PLAIN_AWS_LINE.test(line)) throw new Error(`not an aws line without expansions: ${line}`);
  return `${name}=$(${line})`;
}

/**
 * A parameter value: a string or number as it is, a list as several words, a structure as
 * JSON, an expansion in double quotes.
 */
export type CliValue =
  | string
  | number
  | boolean
  | ShellExpansion
  | readonly string[]
  | Record<string, unknown>
  | readonly Record<string, unknown>[];

/** `[name, value]`; an undefined value leaves the parameter out. */
export type CliParam = readonly [name: string, value: CliValue | undefined];

function valueWords(value: Exclude<CliValue, boolean>): string[] {
  if (typeof value === 'string') return [shellWord(value)];
  if (typeof value === 'number') return [String(value)];
  if (value instanceof ShellExpansion) return [`"${value.expansion}"`];
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

/**
 * A shell variable per VPC (`PREFIX_0A1B2C` for vpc-0a1b2c), so a script fixing several VPCs keeps what it creates in
 * each apart.
 */
export function vpcVariable(prefix: string, vpcId: string): string {
  return `${prefix}_${vpcId
    .replace(/^vpc-/, '')
    .replace(/[^A-Za-z0-9]/g, '_')
    .toUpperCase()}`;
}
