/*
 * Test support for the endpoint rules' fixes: reads the command lines they emit as a POSIX
 * shell would (quotes, "$VAR", "$(…)", `VAR=$(…)`), checks each against the EC2 API model the
 * SDK ships, and applies the few operations they use to a raw snapshot the way EC2 would, so a
 * test can show that running a fix makes the finding compliant.
 */
import * as ec2 from '@aws-sdk/client-ec2';
import type { Outcome } from '../../engine/findings';
import type { Rule } from '../../engine/rule';
import { serviceName, type RawSnapshot } from '../../testkit/private-cluster';
import { runRule } from '../../testkit/run-rule';

type Part = { lit: string } | { variable: string } | { command: string };
/** One shell word, as the pieces the shell joins into it. */
export type Word = Part[];

/** The index of the `)` that closes the `$(` whose `(` is at `open`, skipping quoted text. */
function closingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === "'") i = text.indexOf("'", i + 1);
    else if (c === '"') {
      for (i++; text[i] !== '"'; i++) {
        if (text[i] === '\\') i++;
        else if (text.startsWith('$(', i)) i = closingParen(text, i + 1);
      }
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    if (i < 0) break;
  }
  throw new Error(`unbalanced $( in: ${text}`);
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits a command line into shell words; throws on what these fixes never write (;, |, &, globs…). */
export function shellWords(text: string): Word[] {
  const words: Word[] = [];
  let i = 0;
  const lit = (parts: Part[], s: string) => {
    const last = parts[parts.length - 1];
    if (last && 'lit' in last) last.lit += s;
    else parts.push({ lit: s });
  };
  const dollar = (parts: Part[]) => {
    if (text.startsWith('$(', i)) {
      const end = closingParen(text, i + 1);
      parts.push({ command: text.slice(i + 2, end) });
      i = end + 1;
      return;
    }
    const name = NAME.exec(text.slice(i + 1));
    if (!name) throw new Error(`a bare $ in: ${text}`);
    parts.push({ variable: name[0] });
    i += 1 + name[0].length;
  };
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    const parts: Part[] = [];
    while (i < text.length && text[i] !== ' ') {
      const c = text[i]!;
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw new Error(`unclosed ' in: ${text}`);
        lit(parts, text.slice(i + 1, end));
        i = end + 1;
      } else if (c === '"') {
        i++;
        while (text[i] !== '"') {
          if (i >= text.length) throw new Error(`unclosed " in: ${text}`);
          if (text[i] === '$') dollar(parts);
          else if (text[i] === '\\') {
            lit(parts, text[i + 1]!);
            i += 2;
          } else lit(parts, text[i++]!);
        }
        i++;
      } else if (c === '\\') {
        lit(parts, text[i + 1]!);
        i += 2;
      } else if (c === '$') dollar(parts);
      else if (/[;&|<>`*?[\]{}()#~!]/.test(c)) throw new Error(`unexpected ${c} in: ${text}`);
      else lit(parts, text[i++]!);
    }
    words.push(parts);
  }
  return words;
}

export interface ParsedCommand {
  /** The variable a `VAR=$(…)` line assigns. */
  assigns?: string;
  service: string;
  operation: string;
  /** `--name` → its value words, in order. */
  params: Map<string, Word[]>;
}

/** One `aws <service> <operation> --name value…` command, or `VAR=$(that)`. */
export function parseCommand(line: string): ParsedCommand {
  const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=\$\(/.exec(line);
  if (assignment) {
    if (closingParen(line, assignment[0].length - 1) !== line.length - 1)
      throw new Error(`text after the assignment in: ${line}`);
    const inner = parseCommand(line.slice(assignment[0].length, -1));
    return { ...inner, assigns: assignment[1]! };
  }
  const words = shellWords(line);
  const plain = (word: Word | undefined) =>
    word && word.length === 1 && 'lit' in word[0]! ? word[0].lit : undefined;
  if (plain(words[0]) !== 'aws') throw new Error(`not an aws command: ${line}`);
  const service = plain(words[1]);
  const operation = plain(words[2]);
  if (!service || !operation) throw new Error(`no service and operation in: ${line}`);
  const params = new Map<string, Word[]>();
  let current: Word[] | undefined;
  for (const word of words.slice(3)) {
    const text = plain(word);
    if (text?.startsWith('--')) {
      const name = text.slice(2);
      if (params.has(name)) throw new Error(`--${name} twice in: ${line}`);
      params.set(name, (current = []));
    } else if (!current) throw new Error(`a value before any --name in: ${line}`);
    else current.push(word);
  }
  return { service, operation, params };
}

// ---------------------------------------------------------------------------------------------
// The API model, as @aws-sdk/client-ec2 ships it: `XRequest$` is
// [3, namespace, name, traits, memberNames, memberSchemas]; lists are [1, ns, name, traits, member];
// a member schema is a number (0 string, 1 number, 2 boolean), a function returning a schema,
// or [schema, traits].

type Schema =
  | { kind: 'structure'; name: string; members: Map<string, unknown> }
  | { kind: 'list'; member: unknown }
  | { kind: 'string' | 'number' | 'boolean' | 'other' };

export function resolveSchema(raw: unknown): Schema {
  if (typeof raw === 'function') return resolveSchema((raw as () => unknown)());
  if (typeof raw === 'number')
    return { kind: raw === 0 ? 'string' : raw === 1 ? 'number' : raw === 2 ? 'boolean' : 'other' };
  if (Array.isArray(raw)) {
    if (raw[0] === 3 && typeof raw[1] === 'string') {
      const names = raw[4] as string[];
      const schemas = raw[5] as unknown[];
      return {
        kind: 'structure',
        name: raw[2] as string,
        members: new Map(names.map((n, i) => [n, schemas[i]])),
      };
    }
    if (raw[0] === 1 && typeof raw[1] === 'string') return { kind: 'list', member: raw[4] };
    if (raw.length === 2 && typeof raw[1] !== 'string') return resolveSchema(raw[0]);
  }
  return { kind: 'other' };
}

/** `VpcEndpointId` → `vpc-endpoint-id`, as the CLI derives parameter names. */
export function kebab(member: string): string {
  return member
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();
}

function pascal(operation: string): string {
  return operation.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/** The input structure of an EC2 operation, by its CLI name; undefined when the model has none. */
export function inputOf(service: string, operation: string): Schema | undefined {
  if (service !== 'ec2') return undefined;
  const raw = (ec2 as unknown as Record<string, unknown>)[`${pascal(operation)}Request$`];
  return raw === undefined ? undefined : resolveSchema(raw);
}

function checkValue(value: unknown, schema: Schema, path: string, errors: string[]): void {
  switch (schema.kind) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        errors.push(`${path}: expected a ${schema.name} structure`);
        return;
      }
      for (const [key, member] of Object.entries(value)) {
        if (!schema.members.has(key)) errors.push(`${path}: ${schema.name} has no member ${key}`);
        else checkValue(member, resolveSchema(schema.members.get(key)), `${path}.${key}`, errors);
      }
      return;
    }
    case 'list':
      if (!Array.isArray(value)) errors.push(`${path}: expected a list`);
      else
        value.forEach((item, i) => checkValue(item, resolveSchema(schema.member), `${path}[${i}]`, errors));
      return;
    case 'string':
    case 'number':
    case 'boolean':
      if (typeof value !== schema.kind) errors.push(`${path}: expected a ${schema.kind}`);
      return;
    default:
      return;
  }
}

const GLOBAL_OPTIONS = new Set(['region', 'query', 'output']);

/** A literal word's text; undefined for one the shell expands. */
function literal(word: Word): string | undefined {
  return word.every((p) => 'lit' in p) ? word.map((p) => (p as { lit: string }).lit).join('') : undefined;
}

/** Everything wrong with a command line against the model (empty: nothing), including its `$(…)` look-ups. */
export function modelErrors(line: string): string[] {
  const errors: string[] = [];
  let command: ParsedCommand;
  try {
    command = parseCommand(line);
  } catch (error) {
    return [(error as Error).message];
  }
  const input = inputOf(command.service, command.operation);
  if (!input || input.kind !== 'structure')
    return [`${command.service} ${command.operation}: no such operation`];
  const byCliName = new Map([...input.members.keys()].map((member) => [kebab(member), member]));
  for (const [name, values] of command.params) {
    for (const word of values) {
      for (const part of word) if ('command' in part) errors.push(...modelErrors(part.command));
    }
    if (GLOBAL_OPTIONS.has(name)) {
      if (values.length !== 1) errors.push(`--${name}: expected one value`);
      continue;
    }
    const negated = name.startsWith('no-') && !byCliName.has(name) ? name.slice(3) : undefined;
    const member = byCliName.get(negated ?? name);
    if (!member) {
      errors.push(`${command.operation}: no parameter --${name}`);
      continue;
    }
    const schema = resolveSchema(input.members.get(member));
    const flag =
      schema.kind === 'boolean' ||
      // awscli's toplevelbool: a structure of one boolean Value is also --name / --no-name.
      (schema.kind === 'structure' &&
        schema.members.size === 1 &&
        resolveSchema(schema.members.get('Value')).kind === 'boolean');
    if (negated !== undefined && !flag) errors.push(`--${name}: ${member} is not a boolean`);
    if (flag && values.length === 0) continue;
    if (schema.kind === 'boolean') {
      errors.push(`--${name}: a boolean takes no value`);
      continue;
    }
    if (schema.kind === 'list' && resolveSchema(schema.member).kind === 'string') {
      if (values.length === 0) errors.push(`--${name}: expected at least one value`);
      continue;
    }
    if (values.length !== 1) {
      errors.push(`--${name}: expected one value, got ${values.length}`);
      continue;
    }
    const text = literal(values[0]!);
    if (text === undefined) continue; // expanded by the shell: its command is checked above
    if (schema.kind === 'structure' || schema.kind === 'list') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        errors.push(`--${name}: not JSON: ${text}`);
        continue;
      }
      checkValue(parsed, schema, `--${name}`, errors);
    } else if (schema.kind === 'number' && !/^-?\d+$/.test(text)) errors.push(`--${name}: not a number`);
  }
  return errors;
}

// ---------------------------------------------------------------------------------------------
// Applying commands to a raw snapshot, as EC2 would.

type Json = Record<string, unknown>;

/** Applies command lines in order (each distinct line once, as `private-eks-guard fix` runs them). */
export function applyCommands(snapshot: RawSnapshot, lines: readonly string[]): void {
  const variables = new Map<string, string>();
  let counter = 0;
  const newId = (prefix: string) => `${prefix}-0f${(++counter).toString(16).padStart(15, '0')}`;

  const run = (line: string): string | undefined => {
    const command = parseCommand(line);
    const one = (name: string): string | undefined => {
      const values = command.params.get(name);
      return values?.[0] === undefined ? undefined : evaluate(values[0]);
    };
    const many = (name: string): string[] => (command.params.get(name) ?? []).map(evaluate);
    const flag = (name: string): boolean | undefined =>
      command.params.has(name) ? true : command.params.has(`no-${name}`) ? false : undefined;
    const json = (name: string): unknown => {
      const text = one(name);
      return text === undefined ? undefined : JSON.parse(text);
    };
    expect(one('region')).toBe(snapshot.region);
    const endpointById = (id: string | undefined) => {
      const found = snapshot.ec2.VpcEndpoints.find((e) => e.VpcEndpointId === id);
      if (!found) throw new Error(`no endpoint ${id}`);
      return found;
    };
    let result: Json | string | undefined;
    switch (`${command.service} ${command.operation}`) {
      case 'ec2 describe-vpc-endpoint-services': {
        const filters = json('filters') as { Name: string; Values: string[] }[];
        const names = filters.find((f) => f.Name === 'service-name')!.Values;
        // The testkit's China names stand in for what EC2 lists in the Region.
        const service = names[0]!.slice(`com.amazonaws.${snapshot.region}.`.length);
        const listed = serviceName(snapshot.region, service);
        result = { ServiceNames: names.includes(listed) ? [listed] : [] };
        break;
      }
      case 'ec2 create-security-group': {
        const group = {
          GroupId: newId('sg'),
          GroupName: one('group-name'),
          Description: one('description'),
          VpcId: one('vpc-id'),
          IpPermissions: [],
          IpPermissionsEgress: [
            {
              IpProtocol: '-1',
              IpRanges: [{ CidrIp: '0.0.0.0/0' }],
              Ipv6Ranges: [],
              PrefixListIds: [],
              UserIdGroupPairs: [],
            },
          ],
          Tags: [],
        };
        snapshot.ec2.SecurityGroups.push(group);
        result = group;
        break;
      }
      case 'ec2 authorize-security-group-ingress': {
        const group = snapshot.ec2.SecurityGroups.find((g) => g.GroupId === one('group-id'));
        if (!group) throw new Error(`no security group ${one('group-id')}`);
        for (const permission of json('ip-permissions') as Json[]) {
          (group.IpPermissions as Json[]).push({
            IpRanges: [],
            Ipv6Ranges: [],
            PrefixListIds: [],
            UserIdGroupPairs: [],
            ...permission,
          });
        }
        break;
      }
      case 'ec2 create-vpc-endpoint': {
        const endpoint = {
          VpcEndpointId: newId('vpce'),
          VpcEndpointType: one('vpc-endpoint-type') ?? 'Gateway',
          VpcId: one('vpc-id'),
          ServiceName: one('service-name'),
          State: 'available',
          SubnetIds: many('subnet-ids'),
          Groups: many('security-group-ids').map((GroupId) => ({ GroupId })),
          RouteTableIds: many('route-table-ids'),
          PrivateDnsEnabled: flag('private-dns-enabled') ?? false,
          ...(json('dns-options') === undefined ? {} : { DnsOptions: json('dns-options') }),
        };
        snapshot.ec2.VpcEndpoints.push(endpoint);
        result = { VpcEndpoint: endpoint };
        break;
      }
      case 'ec2 modify-vpc-endpoint': {
        const endpoint = endpointById(one('vpc-endpoint-id'));
        endpoint.SubnetIds = [...(endpoint.SubnetIds as string[]), ...many('add-subnet-ids')];
        endpoint.RouteTableIds = [...(endpoint.RouteTableIds as string[]), ...many('add-route-table-ids')];
        const privateDns = flag('private-dns-enabled');
        if (privateDns !== undefined) endpoint.PrivateDnsEnabled = privateDns;
        const dnsOptions = json('dns-options') as Json | undefined;
        if (dnsOptions) endpoint.DnsOptions = { ...(endpoint.DnsOptions as Json | undefined), ...dnsOptions };
        break;
      }
      case 'ec2 modify-vpc-attribute': {
        const vpcId = one('vpc-id')!;
        const attributes = (snapshot.ec2.VpcAttributes[vpcId] ??= {});
        for (const [name, member] of [
          ['enable-dns-support', 'EnableDnsSupport'],
          ['enable-dns-hostnames', 'EnableDnsHostnames'],
        ] as const) {
          const value = flag(name) ?? (json(name) as { Value: boolean } | undefined)?.Value;
          if (value !== undefined) attributes[member] = { Value: value };
        }
        break;
      }
      default:
        throw new Error(`the harness cannot apply ${command.service} ${command.operation}`);
    }
    const query = one('query');
    const output =
      query === undefined
        ? result
        : query === 'GroupId'
          ? (result as Json).GroupId
          : (result as Json)?.[query.replace(/\[0\]$/, '')];
    const text = Array.isArray(output) ? output[0] : output;
    if (command.assigns) variables.set(command.assigns, String(text));
    return typeof text === 'string' ? text : undefined;
  };

  const evaluate = (word: Word): string =>
    word
      .map((part) => {
        if ('lit' in part) return part.lit;
        if ('variable' in part) {
          const value = variables.get(part.variable);
          if (value === undefined) throw new Error(`$${part.variable} is used before it is set`);
          return value;
        }
        const value = run(part.command);
        if (value === undefined) throw new Error(`$(${part.command}) prints nothing`);
        return value;
      })
      .join('');

  for (const line of new Set(lines)) run(line);
}

// ---------------------------------------------------------------------------------------------
// What every endpoint rule's NON_COMPLIANT details must hold.

/** Every offender is a detail's resource or named in a detail's problem (a route table behind its subnets). */
export function expectOffendersCovered(outcome: Outcome): void {
  expect(outcome.compliance).toBe('NON_COMPLIANT');
  for (const offender of outcome.offenders) {
    const covered = outcome.details.some(
      (d) =>
        d.resourceId === offender ||
        new RegExp(`(^|[^\\w.-])${offender.replace(/\./g, '\\.')}($|[^\\w.-])`).test(d.problem),
    );
    expect([offender, covered]).toEqual([offender, true]);
  }
}

/** Every command of every detail names EC2 operations and parameters of the API model. */
export function expectValidCommands(outcome: Outcome): void {
  for (const detail of outcome.details) {
    for (const line of detail.fix.commands) expect([line, modelErrors(line)]).toEqual([line, []]);
  }
}

/** Runs every detail's commands, as `private-eks-guard fix` would (each distinct line once), and re-checks. */
export function outcomeAfterFix(
  rule: Rule,
  snapshot: RawSnapshot,
  outcome: Outcome,
  params: Record<string, string> = {},
): Outcome {
  applyCommands(
    snapshot,
    outcome.details.flatMap((d) => d.fix.commands),
  );
  return runRule(rule, snapshot, params);
}
