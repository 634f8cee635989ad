/*
 * Checks AWS CLI v2 command lines (the `fix.commands` of findings, issue 11) against the EC2 and
 * EKS API models that the SDK ships, without running anything.
 *
 * Three layers, each usable alone:
 * - parseCommandLine: the POSIX shell words of one line, with only what fixes use: plain words,
 *   single quotes, double quotes holding "$VAR" / "${VAR}" / "$(…)", backslash escapes, and a
 *   whole-line capture `VAR=$(aws …)`. Pipes, `;`, `&&`, redirections, backticks, globs and
 *   unquoted `$` are refused (ShellSyntaxError), so a line never does more than it seems to.
 * - the model: `@aws-sdk/client-ec2` / `-eks` export each shape as a static schema
 *   (`XRequest$ = [3, namespace, name, traits, memberNames, memberSchemas, requiredCount]`);
 *   members are numbers (0 string, 1 number, 2 boolean, 4-7 timestamp, 15 document, 21 blob,
 *   64|t list of t, 128|t map of t), nested schema arrays, `[schema, traits]` wrappers, or
 *   functions returning either. The seventh element counts the required members, which come
 *   first (checked against the SDK's TypeScript types for every EC2 and EKS structure).
 * - interpretCommand: turns the words into the request the CLI would send (`--vpc-id x` →
 *   `{VpcId: 'x'}`), the way AWS CLI v2 does: parameter names are `xform_name(member, '-')`,
 *   boolean members are `--name` / `--no-name`, EC2's `{Value: boolean}` structures may be
 *   flags too (awscli/customizations/toplevelbool.py), `--no-egress` is renamed `--ingress` on
 *   every EC2 command (awscli/customizations/argrename.py), lists of scalars are several
 *   words, structures are JSON or shorthand (awscli/shorthand.py: `a=b,c=d`, `a=x,y`,
 *   `a=[x,y]`, `a={b=c}`, quoted values), and JSON values are validated like botocore does
 *   (exact member names, a string is not a number).
 *
 * checkAgainstModel runs all three on a line and returns the problems; it also checks every
 * look-up `"$(aws …)"` nested in it. checkLines checks a fix's lines in order (a variable is
 * captured before it is used); commandOf gives the request of one line, with the values of its
 * variables where the caller knows them.
 */
import * as EC2 from '@aws-sdk/client-ec2';
import * as EKS from '@aws-sdk/client-eks';

// ---------------------------------------------------------------------------------------------
// Shell words

export type Part =
  | { kind: 'text'; text: string }
  | { kind: 'var'; name: string }
  | { kind: 'command'; command: ParsedCommand };

/** One shell word: the concatenation of its parts. */
export interface Word {
  parts: Part[];
  /** The word as written. */
  source: string;
}

export interface ParsedCommand {
  words: Word[];
  source: string;
}

/** One line: a command, or `capture=$(command)`. */
export interface ParsedLine extends ParsedCommand {
  capture?: string;
}

export class ShellSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShellSyntaxError';
  }
}

/** Characters a POSIX shell reads as themselves outside quotes (fixes/aws-cli.ts PLAIN). */
const PLAIN_CHAR = /[A-Za-z0-9_@%+=:,./-]/;

const REFUSED: Record<string, string> = {
  '|': 'a pipe (|)',
  ';': 'a command separator (;)',
  '&': 'a control operator (& or &&)',
  '`': 'a backtick command substitution',
  '<': 'a redirection (<)',
  '>': 'a redirection (>)',
  '(': 'a subshell parenthesis',
  ')': 'a stray parenthesis',
  '{': 'a brace (brace expansion)',
  '}': 'a brace (brace expansion)',
  '*': 'an unquoted glob character (*)',
  '?': 'an unquoted glob character (?)',
  '[': 'an unquoted glob character ([)',
  ']': 'an unquoted glob character (])',
  '~': 'an unquoted tilde (home directory expansion)',
  '#': 'an unquoted # (a comment)',
  '!': 'an unquoted ! (history expansion)',
  $: 'an unquoted $ (write expansions as "$VAR" or "$(…)")',
  '\n': 'a line break outside quotes',
  '\r': 'a carriage return outside quotes',
};

class ShellParser {
  private pos = 0;
  constructor(private readonly src: string) {}

  private fail(message: string): never {
    throw new ShellSyntaxError(`${message} at column ${this.pos + 1} of: ${this.src}`);
  }

  line(): ParsedLine {
    const assignment = /^[ \t]*([A-Za-z_][A-Za-z0-9_]*)=/.exec(this.src);
    if (assignment) {
      this.pos = assignment[0].length;
      const quoted = this.src[this.pos] === '"';
      if (quoted) this.pos++;
      if (!this.src.startsWith('$(', this.pos)) {
        this.fail('only a capture VAR=$(aws …) may assign a variable');
      }
      this.pos += 2;
      const command = this.commandUntilParen();
      if (quoted) {
        if (this.src[this.pos] !== '"') this.fail('expected the closing " of the capture');
        this.pos++;
      }
      this.skipBlanks();
      if (this.pos < this.src.length) this.fail('a capture must be the whole line');
      return { capture: assignment[1]!, words: command.words, source: this.src };
    }
    const command = this.command(false);
    if (command.words.length === 0) this.fail('an empty line');
    return command;
  }

  private skipBlanks(): void {
    while (this.src[this.pos] === ' ' || this.src[this.pos] === '\t') this.pos++;
  }

  /** Words up to the end (top level) or up to the `)` that closes a `$(` (inner). */
  private command(inner: boolean): ParsedCommand {
    const start = this.pos;
    const words: Word[] = [];
    for (;;) {
      this.skipBlanks();
      if (this.pos >= this.src.length) {
        if (inner) this.fail('an unterminated $(');
        break;
      }
      if (inner && this.src[this.pos] === ')') break;
      words.push(this.word(inner));
    }
    return { words, source: this.src.slice(start, this.pos) };
  }

  /** After `$(`: the command and its closing `)`. */
  private commandUntilParen(): ParsedCommand {
    if (this.src[this.pos] === '(') this.fail('arithmetic $(( … )) is not a command');
    const command = this.command(true);
    if (command.words.length === 0) this.fail('an empty $( )');
    this.pos++; // the ')'
    return command;
  }

  private word(inner: boolean): Word {
    const start = this.pos;
    const parts: Part[] = [];
    const text = (t: string) => {
      const last = parts[parts.length - 1];
      if (last?.kind === 'text') last.text += t;
      else parts.push({ kind: 'text', text: t });
    };
    while (this.pos < this.src.length) {
      const c = this.src[this.pos]!;
      if (c === ' ' || c === '\t') break;
      if (inner && c === ')') break;
      if (c === "'") {
        const end = this.src.indexOf("'", this.pos + 1);
        if (end < 0) this.fail('an unterminated single quote');
        text(this.src.slice(this.pos + 1, end));
        this.pos = end + 1;
      } else if (c === '"') {
        this.doubleQuoted(parts, text);
      } else if (c === '\\') {
        const next = this.src[this.pos + 1];
        if (next === undefined || next === '\n') this.fail('a backslash at the end of the line');
        text(next);
        this.pos += 2;
      } else if (PLAIN_CHAR.test(c)) {
        text(c);
        this.pos++;
      } else {
        this.fail(`${REFUSED[c] ?? `an unquoted ${JSON.stringify(c)}`} is not allowed in a fix command`);
      }
    }
    if (parts.length === 0) parts.push({ kind: 'text', text: '' });
    return { parts, source: this.src.slice(start, this.pos) };
  }

  private doubleQuoted(parts: Part[], text: (t: string) => void): void {
    this.pos++; // the opening quote
    let opened = false;
    for (;;) {
      if (this.pos >= this.src.length) this.fail('an unterminated double quote');
      const c = this.src[this.pos]!;
      if (c === '"') {
        this.pos++;
        // "" is an empty word of its own.
        if (!opened) text('');
        return;
      }
      opened = true;
      if (c === '\\') {
        const next = this.src[this.pos + 1];
        if (next !== undefined && '$`"\\'.includes(next)) {
          text(next);
          this.pos += 2;
        } else if (next === '\n') {
          this.pos += 2;
        } else {
          text('\\');
          this.pos++;
        }
      } else if (c === '`') {
        this.fail('a backtick command substitution');
      } else if (c === '$') {
        const next = this.src[this.pos + 1];
        if (next === '(') {
          this.pos += 2;
          parts.push({ kind: 'command', command: this.commandUntilParen() });
        } else if (next === '{') {
          const match = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(this.src.slice(this.pos));
          if (!match) this.fail('only a plain ${NAME} expansion is allowed');
          parts.push({ kind: 'var', name: match[1]! });
          this.pos += match[0].length;
        } else {
          const match = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(this.src.slice(this.pos));
          if (!match) this.fail('a $ that is neither $NAME, ${NAME} nor $(…)');
          parts.push({ kind: 'var', name: match[1]! });
          this.pos += match[0].length;
        }
      } else {
        text(c);
        this.pos++;
      }
    }
  }
}

/**
 * The shell words of one fix command line (see the file comment for what is allowed).
 * Throws ShellSyntaxError for anything else.
 */
export function parseCommandLine(line: string): ParsedLine {
  return new ShellParser(line).line();
}

/** The word's text when it has no expansion, else undefined. */
export function literal(word: Word): string | undefined {
  let text = '';
  for (const part of word.parts) {
    if (part.kind !== 'text') return undefined;
    text += part.text;
  }
  return text;
}

/** The words' texts, expansions replaced by `expand`. */
export function expandWords(
  words: readonly Word[],
  expand: (part: Exclude<Part, { kind: 'text' }>) => string,
): CliWord[] {
  return words.map((word) => {
    let text = '';
    let deferred = false;
    for (const part of word.parts) {
      if (part.kind === 'text') text += part.text;
      else {
        text += expand(part);
        deferred = true;
      }
    }
    return { text, deferred };
  });
}

/** A word as the CLI receives it; `deferred` when part of it is only known when it runs. */
export interface CliWord {
  text: string;
  deferred: boolean;
}

// ---------------------------------------------------------------------------------------------
// The API model, from the SDK's static schemas

export type ScalarType = 'string' | 'number' | 'boolean' | 'timestamp' | 'blob' | 'document';

export type Shape =
  | { type: ScalarType; name: string }
  | { type: 'list'; name: string; member: () => Shape }
  | { type: 'map'; name: string; value: () => Shape }
  | StructureShape;

export interface StructureShape {
  type: 'structure';
  name: string;
  union: boolean;
  /** Member names in model order. */
  members: readonly string[];
  /** The members the model marks required. */
  required: readonly string[];
  member: (name: string) => Shape;
}

const shapeCache = new WeakMap<object, Shape>();

function simpleShape(code: number): Shape {
  switch (code) {
    case 0:
      return { type: 'string', name: 'String' };
    case 1:
    case 17:
    case 19:
      return { type: 'number', name: 'Number' };
    case 2:
      return { type: 'boolean', name: 'Boolean' };
    case 4:
    case 5:
    case 6:
    case 7:
      return { type: 'timestamp', name: 'Timestamp' };
    case 15:
      return { type: 'document', name: 'Document' };
    case 21:
    case 42:
      return { type: 'blob', name: 'Blob' };
  }
  if (code >= 64 && code < 128) {
    const member = simpleShape(code & 63);
    return { type: 'list', name: `List<${member.name}>`, member: () => member };
  }
  if (code >= 128 && code < 256) {
    const value = simpleShape(code & 63);
    return { type: 'map', name: `Map<${value.name}>`, value: () => value };
  }
  throw new Error(`unknown simple schema code ${code}`);
}

/** The shape of a schema reference as the SDK encodes it (see the file comment). */
export function shapeOf(ref: unknown): Shape {
  if (typeof ref === 'function') return cached(ref, () => shapeOf((ref as () => unknown)()));
  if (typeof ref === 'number') return simpleShape(ref);
  if (ref === 'unit') {
    return { type: 'structure', name: 'Unit', union: false, members: [], required: [], member: noMember };
  }
  if (!Array.isArray(ref)) throw new Error(`unknown schema reference ${String(ref)}`);
  return cached(ref, () => decode(ref));
}

function cached(key: object, make: () => Shape): Shape {
  let shape = shapeCache.get(key);
  if (!shape) {
    shape = make();
    shapeCache.set(key, shape);
  }
  return shape;
}

function noMember(name: string): never {
  throw new Error(`no member ${name}`);
}

function decode(schema: readonly unknown[]): Shape {
  // A member: [schema, traits].
  if (schema.length === 2) return shapeOf(schema[0]);
  const name = String(schema[2]);
  switch (schema[0]) {
    case 0: // a simple type with traits (sensitive strings): [0, ns, name, traits, schema]
      return shapeOf(schema[4]);
    case 1:
      return { type: 'list', name, member: () => shapeOf(schema[4]) };
    case 2:
      return { type: 'map', name, value: () => shapeOf(schema[5]) };
    case 3:
    case -3:
    case 4: {
      const members = schema[4] as string[];
      const refs = schema[5] as unknown[];
      const requiredCount = typeof schema[6] === 'number' ? schema[6] : 0;
      return {
        type: 'structure',
        name,
        union: schema[0] === 4,
        members,
        required: members.slice(0, requiredCount),
        member: (member) => {
          const index = members.indexOf(member);
          if (index < 0) noMember(member);
          return shapeOf(refs[index]);
        },
      };
    }
  }
  throw new Error(`unknown schema kind ${String(schema[0])} (${name})`);
}

/** botocore's xform_name(name, '-'): how the CLI names an operation or a member. */
export function cliName(name: string): string {
  let text = name;
  const special = /[A-Z]{2,}s$/.exec(text);
  if (special) text = `${text.slice(0, -special[0].length)}-${special[0].toLowerCase()}`;
  text = text.replace(/(.)([A-Z][a-z]+)/g, '$1-$2');
  text = text.replace(/([a-z0-9])([A-Z])/g, '$1-$2');
  return text.toLowerCase();
}

export interface OperationModel {
  service: string;
  /** e.g. `CreateVpcEndpoint`. */
  name: string;
  /** e.g. `create-vpc-endpoint`. */
  cliName: string;
  input: StructureShape;
}

interface ServiceModel {
  cli: string;
  exports: Record<string, unknown>;
  operations: Map<string, string>;
}

/**
 * The services fixes may call. Every rule's fix acts on EC2 (VPC endpoints, security groups,
 * NACLs, routes, DHCP options, VPC and subnet attributes, tags) or EKS (the cluster's VPC
 * config); nothing in the catalog needs another service.
 */
const CLIENTS: Record<string, Record<string, unknown>> = {
  ec2: EC2 as unknown as Record<string, unknown>,
  eks: EKS as unknown as Record<string, unknown>,
};

const services = new Map<string, ServiceModel>();

function serviceModel(cli: string): ServiceModel | undefined {
  let model = services.get(cli);
  if (model) return model;
  const exports = Object.prototype.hasOwnProperty.call(CLIENTS, cli) ? CLIENTS[cli] : undefined;
  if (!exports) return undefined;
  const operations = new Map<string, string>();
  for (const [key, value] of Object.entries(exports)) {
    if (key.endsWith('$') && Array.isArray(value) && value[0] === 9) {
      operations.set(cliName(String(value[2])), String(value[2]));
    }
  }
  model = { cli, exports, operations };
  services.set(cli, model);
  return model;
}

export const SERVICES: readonly string[] = Object.keys(CLIENTS);

/** `create-vpc-endpoint` of `ec2` → its model, or a reason it has none. */
export function operationModel(service: string, operation: string): OperationModel | string {
  const model = serviceModel(service);
  if (!model) return `unknown service ${JSON.stringify(service)} (fixes use ${SERVICES.join(', ')})`;
  const pascal = operation
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');
  const name = model.operations.get(operation);
  if (!name) {
    const near = [...model.operations.keys()].filter(
      (op) => op.replace(/-/g, '') === operation.toLowerCase().replace(/-/g, ''),
    );
    return `${service} has no operation ${JSON.stringify(operation)} (no ${pascal}$ operation schema in the SDK)${
      near.length ? `; did you mean ${near.join(', ')}?` : ''
    }`;
  }
  if (typeof model.exports[`${name}Command`] !== 'function') {
    return `the SDK has no ${name}Command for ${service} ${operation}`;
  }
  const op = model.exports[`${name}$`] as unknown[];
  const input = shapeOf(op[4]);
  if (input.type !== 'structure') return `${name}'s input is not a structure`;
  // The operation schema names its input: usually `${name}Request$`, but not always
  // (CancelConversionTask takes CancelConversionRequest), so the name is not relied on.
  return { service, name, cliName: operation, input };
}

/** EC2's `{Value: boolean}` structures (AttributeBooleanValue), which the CLI also takes as flags. */
function isBooleanValueStructure(shape: Shape): boolean {
  if (shape.type !== 'structure' || shape.members.length !== 1 || shape.members[0] !== 'Value') return false;
  return shape.member('Value').type === 'boolean';
}

/**
 * awscli/customizations/argrename.py for the services here: the CLI calls these parameters
 * by another name, and the model name is not accepted.
 */
const RENAMES: readonly { service: string; operation?: string; from: string; to: string }[] = [
  { service: 'ec2', from: 'no-egress', to: 'ingress' },
  { service: 'ec2', from: 'no-disable-api-termination', to: 'enable-api-termination' },
  { service: 'ec2', operation: 'create-image', from: 'no-no-reboot', to: 'reboot' },
  { service: 'eks', operation: 'create-cluster', from: 'version', to: 'kubernetes-version' },
  { service: 'eks', operation: 'update-cluster-version', from: 'version', to: 'kubernetes-version' },
  { service: 'eks', operation: 'create-nodegroup', from: 'version', to: 'kubernetes-version' },
  { service: 'eks', operation: 'update-nodegroup-version', from: 'version', to: 'kubernetes-version' },
];

function renameOf(service: string, operation: string, name: string): string | undefined {
  return RENAMES.find(
    (r) =>
      r.service === service && (r.operation === undefined || r.operation === operation) && r.from === name,
  )?.to;
}

function renamedFrom(service: string, operation: string, name: string): string | undefined {
  return RENAMES.find(
    (r) => r.service === service && (r.operation === undefined || r.operation === operation) && r.to === name,
  )?.from;
}

/** `aws <service> wait <waiter>`: the waiters fixes may use, and the operation each polls. */
const WAITERS: Record<string, Record<string, string>> = {
  eks: { 'cluster-active': 'describe-cluster' },
};

// ---------------------------------------------------------------------------------------------
// Problems

export type ProblemKind =
  | 'syntax'
  | 'service'
  | 'operation'
  | 'parameter'
  | 'flag'
  | 'value'
  | 'key'
  | 'type'
  | 'required'
  | 'region'
  | 'capture';

export interface Problem {
  kind: ProblemKind;
  message: string;
}

// ---------------------------------------------------------------------------------------------
// Shorthand syntax (awscli/shorthand.py), purely syntactic

export type ShorthandValue = string | ShorthandValue[] | { [key: string]: ShorthandValue };

class ShorthandError extends Error {}

const FIRST_VALUE = /^(?:\\,|[!#-&(-+\--<>-Z\\-z|-\uffff])(?:\\,|[!#-&(-+\--\\^-|~-\uffff])*/;
const SECOND_VALUE = /^(?:\\,|[!#-&(-+\--<>-Z\\-z|-\uffff])(?:\\,|[!#-&(-+\--<>-\uffff])*/;
const SINGLE_QUOTED = /^'(?:\\\\|\\'|[^'])*'/;
const DOUBLE_QUOTED = /^"(?:\\\\|\\"|[^"])*"/;

class ShorthandParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parse(): Record<string, ShorthandValue> {
    const params: Record<string, ShorthandValue> = {};
    this.keyval(params);
    while (this.i < this.s.length) {
      this.expect(',', true);
      this.keyval(params);
    }
    return params;
  }

  private fail(expected: string): never {
    throw new ShorthandError(
      `expected ${expected} at character ${this.i + 1}, found ${this.i < this.s.length ? JSON.stringify(this.s[this.i]) : 'the end'}`,
    );
  }

  private keyval(into: Record<string, ShorthandValue>): void {
    const key = this.key();
    this.expect('=', true);
    into[key] = this.values();
  }

  private key(): string {
    const match = /^[A-Za-z0-9]*/.exec(this.s.slice(this.i))!;
    this.i += match[0].length;
    return match[0];
  }

  private values(): ShorthandValue {
    if (this.i >= this.s.length) return '';
    if (this.s[this.i] === '[') return this.explicitList();
    if (this.s[this.i] === '{') return this.hash();
    return this.csv();
  }

  private csv(): ShorthandValue {
    const first = this.firstValue();
    this.whitespace();
    if (this.i >= this.s.length || this.s[this.i] !== ',') return first;
    let comma = this.i;
    this.expect(',', true);
    const list: ShorthandValue[] = [first];
    for (;;) {
      try {
        const value = this.secondValue();
        this.whitespace();
        if (this.i >= this.s.length) {
          list.push(value);
          break;
        }
        const at = this.i;
        this.expect(',', true);
        comma = at;
        list.push(value);
      } catch (error) {
        if (!(error instanceof ShorthandError) || this.i >= this.s.length) throw error;
        // `a=b,c=d`: `c` began the next key; go back to the comma before it.
        this.i = comma;
        break;
      }
    }
    return list.length === 1 ? first : list;
  }

  private explicitList(): ShorthandValue[] {
    this.expect('[', true);
    const values: ShorthandValue[] = [];
    while (this.s[this.i] !== ']') {
      values.push(this.explicitValue());
      this.whitespace();
      if (this.s[this.i] !== ']') {
        this.expect(',');
        this.whitespace();
      }
    }
    this.expect(']');
    return values;
  }

  private explicitValue(): ShorthandValue {
    if (this.s[this.i] === '[') return this.explicitList();
    if (this.s[this.i] === '{') return this.hash();
    return this.firstValue();
  }

  private hash(): Record<string, ShorthandValue> {
    this.expect('{', true);
    const values: Record<string, ShorthandValue> = {};
    while (this.s[this.i] !== '}') {
      if (this.i >= this.s.length) this.fail("'}'");
      const key = this.key();
      this.expect('=', true);
      const value = this.explicitValue();
      this.whitespace();
      if (this.s[this.i] !== '}') {
        this.expect(',');
        this.whitespace();
      }
      values[key] = value;
    }
    this.expect('}');
    return values;
  }

  private firstValue(): string {
    const c = this.s[this.i];
    if (c === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (c === '"') return this.quoted(DOUBLE_QUOTED, '"');
    const match = FIRST_VALUE.exec(this.s.slice(this.i));
    if (!match) return '';
    this.i += match[0].length;
    return match[0].replaceAll('\\,', ',');
  }

  private secondValue(): string {
    const c = this.s[this.i];
    if (c === "'") return this.quoted(SINGLE_QUOTED, "'");
    if (c === '"') return this.quoted(DOUBLE_QUOTED, '"');
    const match = SECOND_VALUE.exec(this.s.slice(this.i));
    if (!match) this.fail('a value');
    this.i += match[0].length;
    return match[0].replaceAll('\\,', ',');
  }

  private quoted(regex: RegExp, quote: string): string {
    const match = regex.exec(this.s.slice(this.i));
    if (!match) this.fail(`a closing ${quote}`);
    this.i += match[0].length;
    return match[0].slice(1, -1).replaceAll(`\\${quote}`, quote).replaceAll('\\\\', '\\');
  }

  private expect(char: string, whitespace = false): void {
    if (whitespace) this.whitespace();
    if (this.s[this.i] !== char) this.fail(`'${char}'`);
    this.i++;
    if (whitespace) this.whitespace();
  }

  private whitespace(): void {
    while (this.i < this.s.length && /\s/.test(this.s[this.i]!)) this.i++;
  }
}

/** Parses CLI shorthand (`Key=k,Values=a,b`); throws on a syntax error. */
export function parseShorthand(text: string): Record<string, ShorthandValue> {
  try {
    return new ShorthandParser(text).parse();
  } catch (error) {
    if (error instanceof ShorthandError) throw new Error(`not valid shorthand: ${error.message}`);
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// From words to the request

/** One command as the CLI would run it. */
export interface CliCommand {
  service: string;
  /** The CLI operation, e.g. `create-vpc-endpoint` (for a waiter, the operation it polls). */
  operation: string;
  model: OperationModel;
  /** `eks wait cluster-active` → `cluster-active`. */
  waiter?: string;
  region?: string;
  query?: string;
  output?: string;
  /** The request, with the API's member names. */
  input: Record<string, unknown>;
}

const OUTPUTS = ['json', 'text', 'table', 'yaml', 'yaml-stream'];
const GLOBALS = ['region', 'query', 'output'];
const NUMBER = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;

function describeType(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value} (${JSON.stringify(value)})`;
}

function nearName(name: string, names: readonly string[]): string {
  const loose = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
  const near = names.find((n) => loose(n) === loose(name));
  return near ? `; did you mean ${near}?` : '';
}

class Interpreter {
  readonly problems: Problem[] = [];

  problem(kind: ProblemKind, message: string): void {
    this.problems.push({ kind, message });
  }

  /** Checks a JSON value against a shape as botocore's parameter validation does. */
  json(value: unknown, shape: Shape, path: string): void {
    switch (shape.type) {
      case 'structure': {
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          this.problem('type', `${path}: expected an object (${shape.name}), got ${describeType(value)}`);
          return;
        }
        const record = value as Record<string, unknown>;
        for (const [key, member] of Object.entries(record)) {
          if (!shape.members.includes(key)) {
            this.problem(
              'key',
              `${path}: unknown key ${JSON.stringify(key)} in ${shape.name} (members: ${shape.members.join(', ')})${nearName(key, shape.members)}`,
            );
            continue;
          }
          this.json(member, shape.member(key), `${path}.${key}`);
        }
        this.requiredMembers(shape, record, path);
        return;
      }
      case 'list':
        if (!Array.isArray(value)) {
          this.problem('type', `${path}: expected a list (${shape.name}), got ${describeType(value)}`);
          return;
        }
        value.forEach((item, i) => this.json(item, shape.member(), `${path}[${i}]`));
        return;
      case 'map':
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          this.problem('type', `${path}: expected an object (${shape.name}), got ${describeType(value)}`);
          return;
        }
        for (const [key, item] of Object.entries(value)) this.json(item, shape.value(), `${path}.${key}`);
        return;
      case 'number':
        if (typeof value !== 'number') {
          this.problem('type', `${path}: expected a number, got ${describeType(value)}`);
        }
        return;
      case 'boolean':
        if (typeof value !== 'boolean') {
          this.problem('type', `${path}: expected true or false, got ${describeType(value)}`);
        }
        return;
      case 'timestamp':
        if (typeof value !== 'string' && typeof value !== 'number') {
          this.problem('type', `${path}: expected a timestamp, got ${describeType(value)}`);
        }
        return;
      case 'string':
      case 'blob':
        if (typeof value !== 'string') {
          this.problem('type', `${path}: expected a string, got ${describeType(value)}`);
        }
        return;
      case 'document':
        return;
    }
  }

  requiredMembers(shape: StructureShape, value: Record<string, unknown>, path: string): void {
    for (const member of shape.required) {
      if (value[member] === undefined) {
        this.problem('required', `${path}: ${shape.name} requires ${member}`);
      }
    }
  }

  /** Shorthand → the value the CLI sends (awscli BackCompatVisitor), checked against the shape. */
  shorthand(value: ShorthandValue, shape: Shape, path: string, deferred: boolean): unknown {
    switch (shape.type) {
      case 'structure': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          this.problem('type', `${path}: expected ${shape.name} (key=value,…), got ${describeType(value)}`);
          return undefined;
        }
        const out: Record<string, unknown> = {};
        for (const [key, member] of Object.entries(value)) {
          if (!shape.members.includes(key)) {
            this.problem(
              'key',
              `${path}: unknown key ${JSON.stringify(key)} in ${shape.name} (members: ${shape.members.join(', ')})${nearName(key, shape.members)}`,
            );
            continue;
          }
          out[key] = this.shorthand(member, shape.member(key), `${path}.${key}`, deferred);
        }
        this.requiredMembers(shape, out, path);
        return out;
      }
      case 'list': {
        const member = shape.member();
        const items = Array.isArray(value) ? value : [value];
        // A list of one-member structures may be written as its members' values.
        if (
          member.type === 'structure' &&
          member.members.length === 1 &&
          items.every((item) => typeof item === 'string')
        ) {
          return items.map((item, i) =>
            this.shorthand({ [member.members[0]!]: item }, member, `${path}[${i}]`, deferred),
          );
        }
        return items.map((item, i) => this.shorthand(item, member, `${path}[${i}]`, deferred));
      }
      case 'map': {
        if (typeof value !== 'object' || Array.isArray(value)) {
          this.problem('type', `${path}: expected ${shape.name} (key=value,…), got ${describeType(value)}`);
          return undefined;
        }
        return Object.fromEntries(
          Object.entries(value).map(([k, v]) => [
            k,
            this.shorthand(v, shape.value(), `${path}.${k}`, deferred),
          ]),
        );
      }
      default:
        if (typeof value !== 'string') {
          this.problem('type', `${path}: expected a single ${shape.type}, got ${describeType(value)}`);
          return undefined;
        }
        return this.scalar(value, shape.type, path, deferred);
    }
  }

  /** A scalar written as text (a word, or a shorthand value). */
  scalar(text: string, type: ScalarType, path: string, deferred: boolean): unknown {
    if (deferred) return text;
    switch (type) {
      case 'number':
        if (!NUMBER.test(text.trim())) {
          this.problem('type', `${path}: expected a number, got ${JSON.stringify(text)}`);
          return text;
        }
        return Number(text);
      case 'boolean':
        if (!/^(true|false)$/i.test(text)) {
          this.problem('type', `${path}: expected true or false, got ${JSON.stringify(text)}`);
          return text;
        }
        return text.toLowerCase() === 'true';
      case 'document':
        try {
          return JSON.parse(text);
        } catch {
          this.problem('value', `${path}: not valid JSON`);
          return text;
        }
      default:
        return text;
    }
  }

  /** A JSON word: parsed and checked, or undefined with a problem. */
  jsonWord(word: CliWord, shape: Shape, path: string): unknown {
    let value: unknown;
    try {
      value = JSON.parse(word.text);
    } catch (error) {
      this.problem('value', `${path}: not valid JSON (${(error as Error).message}): ${word.text}`);
      return undefined;
    }
    this.json(value, shape, path);
    return value;
  }

  shorthandWord(word: CliWord, shape: Shape, path: string): unknown {
    let parsed: Record<string, ShorthandValue>;
    try {
      parsed = parseShorthand(word.text);
    } catch (error) {
      this.problem('value', `${path}: ${(error as Error).message}: ${word.text}`);
      return undefined;
    }
    return this.shorthand(parsed, shape, path, word.deferred);
  }

  /** One word for a list element or a structure: JSON when it looks like JSON, else shorthand. */
  complexWord(word: CliWord, shape: Shape, path: string): unknown {
    const start = word.text.trimStart()[0];
    if (start === '{' || start === '[') return this.jsonWord(word, shape, path);
    if (shape.type === 'structure' || shape.type === 'map') return this.shorthandWord(word, shape, path);
    if (shape.type === 'list') return this.listWords([word], shape, path);
    return this.scalar(word.text, shape.type, path, word.deferred);
  }

  listWords(words: CliWord[], shape: Shape & { type: 'list' }, path: string): unknown {
    if (words.length === 1 && words[0]!.text.trimStart().startsWith('[')) {
      return this.jsonWord(words[0]!, shape, path);
    }
    const member = shape.member();
    return words.map((word, i) => {
      if (member.type === 'structure' || member.type === 'map' || member.type === 'list') {
        return this.complexWord(word, member, `${path}[${i}]`);
      }
      return this.scalar(word.text, member.type, `${path}[${i}]`, word.deferred);
    });
  }

  /** The value of one parameter, or undefined after a problem. */
  value(flag: string, shape: Shape, words: CliWord[], form: 'value' | 'positive' | 'negative'): unknown {
    const path = `--${flag}`;
    if (shape.type === 'boolean') {
      if (words.length > 0) {
        this.problem(
          'type',
          `${path} is a boolean flag and takes no value (got ${words.map((w) => JSON.stringify(w.text)).join(' ')})`,
        );
        return undefined;
      }
      return form !== 'negative';
    }
    if (isBooleanValueStructure(shape) && form !== 'value') {
      if (form === 'negative' && words.length > 0) {
        this.problem('type', `${path} takes no value`);
        return undefined;
      }
      if (words.length === 0) return { Value: form === 'positive' };
      if (words.length > 1) {
        this.problem('value', `${path} takes one value`);
        return undefined;
      }
      return this.complexWord(words[0]!, shape, path);
    }
    if (form === 'negative') {
      this.problem(
        'flag',
        `--no-${flag.replace(/^no-/, '')}: ${shape.name} is not a boolean, so it has no --no- form`,
      );
      return undefined;
    }
    if (words.length === 0) {
      this.problem(
        'flag',
        `${path} is ${describeShape(shape)} and needs a value; only boolean members are flags`,
      );
      return undefined;
    }
    if (shape.type === 'list') return this.listWords(words, shape, path);
    if (words.length > 1) {
      this.problem('value', `${path} takes one value (${describeShape(shape)}), got ${words.length} words`);
      return undefined;
    }
    const word = words[0]!;
    if (shape.type === 'structure' || shape.type === 'map') return this.complexWord(word, shape, path);
    return this.scalar(word.text, shape.type, path, word.deferred);
  }
}

function describeShape(shape: Shape): string {
  switch (shape.type) {
    case 'structure':
      return `a structure (${shape.name})`;
    case 'list':
      return `a list (${shape.name})`;
    case 'map':
      return `a map (${shape.name})`;
    default:
      return `a ${shape.type}`;
  }
}

/**
 * The request a command line stands for, and every problem found on the way: with problems, the
 * command is best effort (members with problems left out).
 */
export function interpretCommand(words: readonly CliWord[]): { command?: CliCommand; problems: Problem[] } {
  const it = new Interpreter();
  const text = (i: number) => words[i]?.text;
  if (text(0) !== 'aws' || words[0]!.deferred) {
    it.problem('syntax', `not an AWS CLI command: it starts with ${JSON.stringify(text(0) ?? '')}`);
    return { problems: it.problems };
  }
  const service = text(1);
  if (service === undefined || words[1]!.deferred || !serviceModel(service)) {
    it.problem(
      'service',
      `unknown service ${JSON.stringify(service ?? '')} (fixes use ${SERVICES.join(', ')})`,
    );
    return { problems: it.problems };
  }
  let operation = text(2) ?? '';
  let waiter: string | undefined;
  let rest = 3;
  if (operation === 'wait') {
    waiter = text(3) ?? '';
    rest = 4;
    const sdkName = `waitUntil${waiter
      .split('-')
      .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
      .join('')}`;
    const polled = WAITERS[service]?.[waiter];
    if (typeof CLIENTS[service]![sdkName] !== 'function' || !polled) {
      it.problem(
        'operation',
        `unknown waiter ${service} wait ${JSON.stringify(waiter)}${
          typeof CLIENTS[service]![sdkName] === 'function'
            ? ' (the SDK has it; this checker does not know its operation)'
            : ''
        }`,
      );
      return { problems: it.problems };
    }
    operation = polled;
  }
  const model = operationModel(service, operation);
  if (typeof model === 'string') {
    it.problem('operation', model);
    return { problems: it.problems };
  }
  const command: CliCommand = { service, operation, model, input: {}, ...(waiter ? { waiter } : {}) };
  const shape = model.input;
  const seen = new Map<string, string>();
  let i = rest;
  if (i < words.length && !text(i)!.startsWith('--')) {
    it.problem('parameter', `unexpected word ${JSON.stringify(text(i))} before the first --parameter`);
  }
  while (i < words.length && !text(i)!.startsWith('--')) i++;
  while (i < words.length) {
    const flag = text(i)!.slice(2);
    const values: CliWord[] = [];
    i++;
    while (i < words.length && !text(i)!.startsWith('--')) values.push(words[i++]!);
    if (GLOBALS.includes(flag)) {
      if (values.length !== 1) {
        it.problem('value', `--${flag} takes one value`);
        continue;
      }
      if (command[flag as 'region'] !== undefined) it.problem('parameter', `--${flag} is given twice`);
      command[flag as 'region'] = values[0]!.text;
      continue;
    }
    const member = resolveFlag(it, service, operation, shape, flag);
    if (!member) continue;
    if (seen.has(member.name)) {
      it.problem('parameter', `--${flag} sets ${member.name}, which --${seen.get(member.name)} already set`);
      continue;
    }
    seen.set(member.name, flag);
    const value = it.value(flag, shape.member(member.name), values, member.form);
    if (value !== undefined) command.input[member.name] = value;
  }
  for (const required of shape.required) {
    if (!seen.has(required)) {
      it.problem(
        'required',
        `${service} ${operation} requires --${cliFlag(service, operation, shape, required)}`,
      );
    }
  }
  if (command.region === undefined) it.problem('region', 'no --region: a fix names its Region');
  else if (
    !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(command.region) &&
    !words.find((w) => w.text === command.region)?.deferred
  ) {
    it.problem('region', `--region ${JSON.stringify(command.region)} is not a Region name`);
  }
  if (command.output !== undefined && !OUTPUTS.includes(command.output)) {
    it.problem('value', `--output ${JSON.stringify(command.output)} is not one of ${OUTPUTS.join(', ')}`);
  }
  return { command, problems: it.problems };
}

/** How the CLI spells the flag of a member. */
function cliFlag(service: string, operation: string, shape: StructureShape, member: string): string {
  const name = cliName(member);
  if (shape.member(member).type === 'boolean') {
    const negative = renameOf(service, operation, `no-${name}`);
    return negative ? `${name} or --${negative}` : `${name} or --no-${name}`;
  }
  return renameOf(service, operation, name) ?? name;
}

function resolveFlag(
  it: Interpreter,
  service: string,
  operation: string,
  shape: StructureShape,
  flag: string,
): { name: string; form: 'value' | 'positive' | 'negative' } | undefined {
  const renamedTo = renameOf(service, operation, flag);
  if (renamedTo) {
    it.problem(
      'parameter',
      `--${flag}: the AWS CLI renames it --${renamedTo} (awscli argrename), so --${flag} is rejected`,
    );
    return undefined;
  }
  const from = renamedFrom(service, operation, flag);
  const original =
    from && shape.members.some((m) => from === cliName(m) || from === `no-${cliName(m)}`) ? from : flag;
  const formOf = (member: string, negative: boolean) => {
    const type = shape.member(member);
    if (negative) return 'negative' as const;
    return type.type === 'boolean' || isBooleanValueStructure(type)
      ? ('positive' as const)
      : ('value' as const);
  };
  const exact = shape.members.find((m) => cliName(m) === original);
  if (exact) return { name: exact, form: formOf(exact, false) };
  if (original.startsWith('no-')) {
    const positive = shape.members.find((m) => cliName(m) === original.slice(3));
    if (positive) return { name: positive, form: 'negative' };
  }
  const loose = (s: string) => s.toLowerCase().replace(/-/g, '');
  const near = shape.members.find((m) => loose(m) === loose(original));
  if (near) {
    it.problem(
      'parameter',
      `--${flag}: the AWS CLI spells ${near} --${cliFlag(service, operation, shape, near)}`,
    );
    return { name: near, form: formOf(near, false) };
  }
  it.problem(
    'parameter',
    `--${flag} is not a member of ${shape.name} (members: ${shape.members
      .map((m) => `--${cliFlag(service, operation, shape, m)}`)
      .join(', ')})`,
  );
  return undefined;
}

/** A stand-in for an expansion whose value is known only when the line runs. */
export function placeholder(part: Exclude<Part, { kind: 'text' }>): string {
  return part.kind === 'var' ? `$${part.name}` : '$(…)';
}

/**
 * Every problem of one fix command line: shell syntax, then the model (service, operation,
 * parameter names, flag forms, value types and keys, required members, `--region`), for the
 * line and for each `"$(aws …)"` look-up inside it. A capture or a look-up must print one
 * value: `--query` and `--output text`.
 */
export function checkAgainstModel(line: string | ParsedLine): Problem[] {
  let parsed: ParsedLine;
  try {
    parsed = typeof line === 'string' ? parseCommandLine(line) : line;
  } catch (error) {
    if (error instanceof ShellSyntaxError) return [{ kind: 'syntax', message: error.message }];
    throw error;
  }
  return checkParsed(parsed, parsed.capture === undefined ? undefined : `${parsed.capture}=$(…)`);
}

function checkParsed(parsed: ParsedCommand, capturedAs: string | undefined): Problem[] {
  const problems: Problem[] = [];
  for (const word of parsed.words) {
    for (const part of word.parts) {
      if (part.kind === 'text' && /\$(\{|\(|[A-Za-z_])/.test(part.text)) {
        problems.push({
          kind: 'syntax',
          message: `${JSON.stringify(word.source)} holds a literal $ expansion that the shell will not expand (it is in single quotes or escaped)`,
        });
      }
      if (part.kind === 'command') {
        for (const inner of checkParsed(part.command, `$(${part.command.source})`)) {
          problems.push({
            kind: inner.kind,
            message: `in the look-up $(${part.command.source}): ${inner.message}`,
          });
        }
      }
    }
  }
  const { command, problems: own } = interpretCommand(expandWords(parsed.words, placeholder));
  problems.push(...own);
  if (command && capturedAs !== undefined) {
    if (command.query === undefined) {
      problems.push({
        kind: 'capture',
        message: `${capturedAs} needs --query to pick the one value it captures`,
      });
    }
    if (command.output !== 'text') {
      problems.push({ kind: 'capture', message: `${capturedAs} needs --output text to print a bare value` });
    }
  }
  return problems;
}

/** Problems of several lines, each prefixed with its line number (1-based); variables must be captured before use. */
export function checkLines(lines: readonly string[]): string[] {
  const out: string[] = [];
  const captured = new Set<string>();
  lines.forEach((line, n) => {
    const prefix = `line ${n + 1}: `;
    let parsed: ParsedLine;
    try {
      parsed = parseCommandLine(line);
    } catch (error) {
      out.push(prefix + (error as Error).message);
      return;
    }
    for (const problem of checkAgainstModel(parsed)) out.push(`${prefix}${problem.kind}: ${problem.message}`);
    const visit = (words: readonly Word[]) => {
      for (const word of words) {
        for (const part of word.parts) {
          if (part.kind === 'var' && !captured.has(part.name)) {
            out.push(`${prefix}$${part.name} is used before a line captures it`);
          }
          if (part.kind === 'command') visit(part.command.words);
        }
      }
    };
    visit(parsed.words);
    if (parsed.capture !== undefined) captured.add(parsed.capture);
  });
  return out;
}

/** One line as the CLI would run it. */
export interface LineCommand extends CliCommand {
  /** The `--names` as the line writes them, in order (`--region`, `--query` and `--output` too). */
  flags: string[];
  /** The variable of a capture `NAME=$(aws …)`. */
  capture?: string;
}

/**
 * The request one line stands for. `"$VAR"` is `variables[VAR]` where given (checked like a
 * written value), else `$VAR`; a look-up `"$(aws …)"` is `$(…)`. Throws a ShellSyntaxError, or
 * an Error listing every problem checkAgainstModel finds (and any the given values make).
 */
export function commandOf(line: string, variables: Readonly<Record<string, string>> = {}): LineCommand {
  const parsed = parseCommandLine(line);
  const problems = checkAgainstModel(parsed);
  const words = parsed.words.map((word): CliWord => {
    let text = '';
    let deferred = false;
    for (const part of word.parts) {
      if (part.kind === 'text') text += part.text;
      else if (part.kind === 'var' && Object.prototype.hasOwnProperty.call(variables, part.name)) {
        text += variables[part.name]!;
      } else {
        text += placeholder(part);
        deferred = true;
      }
    }
    return { text, deferred };
  });
  const { command, problems: own } = interpretCommand(words);
  // With values given, the request is checked again: a variable may hold what a member refuses.
  for (const problem of own) {
    if (!problems.some((p) => p.message === problem.message)) problems.push(problem);
  }
  if (!command || problems.length > 0) {
    throw new Error(`${line}: ${problems.map((p) => `${p.kind}: ${p.message}`).join('; ')}`);
  }
  const flags = words.filter((w) => !w.deferred && w.text.startsWith('--')).map((w) => w.text.slice(2));
  return { ...command, flags, ...(parsed.capture === undefined ? {} : { capture: parsed.capture }) };
}
