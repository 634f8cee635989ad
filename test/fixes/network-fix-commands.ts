/*
 * Test support for the fixes of the cluster, DNS, DHCP and subnet rules: reads their command
 * lines as a POSIX shell would (single quotes, "$VAR", `VAR=$(…)`), checks every operation and
 * parameter against the EC2/EKS API model the SDK ships, and applies them to a raw snapshot as
 * EC2 and EKS would (refusing what they refuse), so a test can show that a fix resolves its
 * finding.
 */
import { expect } from '@jest/globals';
import * as ec2 from '@aws-sdk/client-ec2';
import * as eks from '@aws-sdk/client-eks';
import type { Outcome } from '../../engine/findings';
import type { RawSnapshot } from '../../testkit/private-cluster';

type Json = Record<string, unknown>;

/** One command: `aws <service> <operation>` and its `--options`, values unquoted. */
export interface Command {
  service: string;
  operation: string;
  /** `--name value`, or `--name` alone (true) and `--no-name` (false) for boolean flags. */
  options: Map<string, string | boolean>;
  /** `VAR` of `VAR=$(…)`: the shell variable the command's output goes to. */
  assigns?: string;
}

const GLOBAL_OPTIONS = new Set(['region', 'query', 'output']);

/** Splits one line into words: plain, \\x, '…' (literal) and "…" (with $VAR expanded from `vars`). */
function shellWords(text: string, vars: ReadonlyMap<string, string>): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (text[i] === ' ') {
      i++;
      continue;
    }
    let word = '';
    while (i < text.length && text[i] !== ' ') {
      const c = text[i]!;
      if (c === "'") {
        const end = text.indexOf("'", i + 1);
        if (end < 0) throw new Error(`unclosed ' in: ${text}`);
        word += text.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        const end = text.indexOf('"', i + 1);
        if (end < 0) throw new Error(`unclosed " in: ${text}`);
        word += text.slice(i + 1, end).replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, name: string) => {
          const value = vars.get(name);
          if (value === undefined) throw new Error(`$${name} is not set before: ${text}`);
          return value;
        });
        i = end + 1;
      } else if (c === '\\' && i + 1 < text.length) {
        word += text[i + 1];
        i += 2;
      } else if (/[;&|<>`$\\*?()]/.test(c)) {
        throw new Error(`unexpected ${c} in: ${text}`);
      } else {
        word += c;
        i++;
      }
    }
    words.push(word);
  }
  return words;
}

/** Parses one fix line; `vars` holds what earlier `VAR=$(…)` lines captured. */
export function parseCommand(line: string, vars: ReadonlyMap<string, string> = new Map()): Command {
  const capture = /^([A-Z][A-Z0-9_]*)=\$\((.*)\)$/.exec(line);
  const words = shellWords(capture ? capture[2]! : line, vars);
  const [aws, service, operation, ...rest] = words;
  if (aws !== 'aws' || !service || !operation) throw new Error(`not an aws command: ${line}`);
  const options = new Map<string, string | boolean>();
  for (let i = 0; i < rest.length; i++) {
    const word = rest[i]!;
    if (!word.startsWith('--')) throw new Error(`stray word ${word} in: ${line}`);
    const name = word.slice(2);
    const next = rest[i + 1];
    if (next === undefined || next.startsWith('--')) {
      options.set(name.replace(/^no-/, ''), !name.startsWith('no-'));
    } else {
      if (rest[i + 2] !== undefined && !rest[i + 2]!.startsWith('--')) {
        throw new Error(`--${name} takes one value here: ${line}`);
      }
      options.set(name, next);
      i++;
    }
  }
  return { service, operation, options, ...(capture ? { assigns: capture[1]! } : {}) };
}

// ---- the API model ----------------------------------------------------------------------

type Schema = unknown;
const MODELS: Record<string, Record<string, unknown>> = { ec2, eks };

const pascal = (kebab: string) => kebab.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
const kebab = (member: string) =>
  member
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase();

/** A schema as the SDK holds it: lazily (a function), or as a [schema, traits] member pair. */
function resolve(schema: Schema): Schema {
  let s = schema;
  for (;;) {
    if (typeof s === 'function') s = (s as () => Schema)();
    else if (Array.isArray(s) && s.length === 2 && (typeof s[0] === 'function' || Array.isArray(s[0])))
      s = s[0];
    else return s;
  }
}

function structure(schema: Schema): { name: string; members: Map<string, Schema> } | undefined {
  const s = resolve(schema);
  if (!Array.isArray(s) || s[0] !== 3) return undefined;
  const names = s[4] as string[];
  const schemas = s[5] as Schema[];
  return { name: s[2] as string, members: new Map(names.map((n, i) => [n, schemas[i]])) };
}

function listItem(schema: Schema): Schema | undefined {
  const s = resolve(schema);
  if (Array.isArray(s) && s[0] === 1) return s[4];
  // A bare number with the list bit (64) is a list of simple values.
  if (typeof s === 'number' && (s & 64) !== 0) return s & ~64;
  return undefined;
}

/** Every key of a JSON value that its schema does not have, as a path. */
function jsonErrors(value: unknown, schema: Schema, path: string): string[] {
  if (Array.isArray(value)) {
    const item = listItem(schema);
    if (item === undefined) return [`${path} is a list in the command, not in the model`];
    return value.flatMap((v, i) => jsonErrors(v, item, `${path}[${i}]`));
  }
  if (value !== null && typeof value === 'object') {
    const struct = structure(schema);
    if (!struct) return [`${path} is a structure in the command, not in the model`];
    return Object.entries(value as Json).flatMap(([key, v]) =>
      struct.members.has(key)
        ? jsonErrors(v, struct.members.get(key), `${path}.${key}`)
        : [`${path}.${key} is not a member of ${struct.name}`],
    );
  }
  return [];
}

/** `a=1,b=x`: the shorthand of a flat structure. */
function shorthand(text: string): Json | undefined {
  if (!/^[A-Za-z]+=[^,=]*(,[A-Za-z]+=[^,=]*)*$/.test(text)) return undefined;
  return Object.fromEntries(
    text.split(',').map((pair) => {
      const [key, value] = pair.split('=') as [string, string];
      return [key, value === 'true' ? true : value === 'false' ? false : value];
    }),
  );
}

/** What is wrong with a command against the model the SDK ships; empty when nothing is. */
export function modelErrors(command: Command): string[] {
  const model = MODELS[command.service];
  if (!model) return [`no model for service ${command.service}`];
  const request = structure(model[`${pascal(command.operation)}Request$`]);
  if (!request) return [`${command.service} has no operation ${command.operation}`];
  if (typeof command.options.get('region') !== 'string') return ['no --region'];
  const errors: string[] = [];
  for (const [name, value] of command.options) {
    if (GLOBAL_OPTIONS.has(name)) continue;
    const member = [...request.members.keys()].find((m) => kebab(m) === name);
    if (member === undefined) {
      errors.push(`--${name} is not a member of ${request.name}`);
      continue;
    }
    const schema = request.members.get(member);
    const resolved = resolve(schema);
    if (typeof value === 'boolean') {
      // A boolean member, or EC2's AttributeBooleanValue, which the CLI takes as a flag.
      const attribute = structure(schema)?.name === 'AttributeBooleanValue';
      if (resolved !== 2 && !attribute) errors.push(`--${name} is not a boolean member`);
      continue;
    }
    if (value.startsWith('{') || value.startsWith('[')) {
      errors.push(...jsonErrors(JSON.parse(value), schema, member));
    } else if (structure(schema)) {
      const fields = shorthand(value);
      errors.push(...(fields ? jsonErrors(fields, schema, member) : [`--${name} ${value} is not shorthand`]));
    }
  }
  return errors;
}

// ---- applying them to a snapshot ----------------------------------------------------------

function find(list: Json[], key: string, id: string): Json {
  const found = list.find((item) => item[key] === id);
  if (!found) throw new Error(`no ${key} ${id}`);
  return found;
}

function text(command: Command, name: string): string {
  const value = command.options.get(name);
  if (typeof value !== 'string') throw new Error(`${command.operation} without --${name}`);
  return value;
}

function valueOf(command: Command, name: string): unknown {
  const value = text(command, name);
  return value.startsWith('{') || value.startsWith('[') ? JSON.parse(value) : shorthand(value);
}

/** Runs one command against `snapshot` as the service would; returns what `--query … --output text` prints. */
function apply(snapshot: RawSnapshot, command: Command, counter: { next: number }): string | undefined {
  const { operation } = command;
  switch (`${command.service} ${operation}`) {
    case 'eks update-cluster-config': {
      const cluster = find(snapshot.eks.clusters, 'name', text(command, 'name'));
      const config = cluster.resourcesVpcConfig as Json;
      const changes = valueOf(command, 'resources-vpc-config') as Json;
      const next = { ...config, ...changes };
      if (next.endpointPrivateAccess === false && next.endpointPublicAccess === false) {
        throw new Error('EKS refuses turning both endpoints off');
      }
      if (JSON.stringify(next) === JSON.stringify(config))
        throw new Error('EKS refuses an update that changes nothing');
      cluster.resourcesVpcConfig = next;
      return undefined;
    }
    case 'ec2 modify-vpc-attribute': {
      const vpcId = text(command, 'vpc-id');
      const attributes = (snapshot.ec2.VpcAttributes[vpcId] ??= {});
      const set = ['enable-dns-support', 'enable-dns-hostnames'].filter((n) => command.options.has(n));
      if (set.length !== 1) throw new Error('EC2 takes exactly one attribute per ModifyVpcAttribute');
      const on = command.options.get(set[0]!) === true;
      if (set[0] === 'enable-dns-support') attributes.EnableDnsSupport = { Value: on };
      else {
        const support = (attributes.EnableDnsSupport as { Value?: boolean } | undefined)?.Value;
        if (on && support !== true) throw new Error('EC2 turns DNS hostnames on only with DNS support on');
        attributes.EnableDnsHostnames = { Value: on };
      }
      return undefined;
    }
    case 'ec2 create-dhcp-options': {
      const id = `dopt-0fix${(counter.next++).toString(16).padStart(13, '0')}`;
      const configurations = valueOf(command, 'dhcp-configurations') as { Key: string; Values: string[] }[];
      snapshot.ec2.DhcpOptions.push({
        DhcpOptionsId: id,
        DhcpConfigurations: configurations.map(({ Key, Values }) => ({
          Key,
          Values: Values.map((Value) => ({ Value })),
        })),
      });
      if (command.options.get('query') !== 'DhcpOptions.DhcpOptionsId') throw new Error('unexpected --query');
      return id;
    }
    case 'ec2 associate-dhcp-options': {
      const id = text(command, 'dhcp-options-id');
      if (id !== 'default') find(snapshot.ec2.DhcpOptions, 'DhcpOptionsId', id);
      find(snapshot.ec2.Vpcs, 'VpcId', text(command, 'vpc-id')).DhcpOptionsId = id;
      return undefined;
    }
    case 'ec2 modify-subnet-attribute': {
      const subnet = find(snapshot.ec2.Subnets, 'SubnetId', text(command, 'subnet-id'));
      const value = command.options.get('map-public-ip-on-launch');
      if (typeof value !== 'boolean') throw new Error('only MapPublicIpOnLaunch is modelled');
      subnet.MapPublicIpOnLaunch = value;
      return undefined;
    }
    case 'ec2 delete-route': {
      const table = find(snapshot.ec2.RouteTables, 'RouteTableId', text(command, 'route-table-id'));
      const keys = [
        ['destination-cidr-block', 'DestinationCidrBlock'],
        ['destination-ipv6-cidr-block', 'DestinationIpv6CidrBlock'],
        ['destination-prefix-list-id', 'DestinationPrefixListId'],
      ].filter(([option]) => command.options.has(option!));
      if (keys.length !== 1) throw new Error('DeleteRoute names exactly one destination');
      const [option, field] = keys[0]! as [string, string];
      const routes = table.Routes as Json[];
      const index = routes.findIndex((route) => route[field] === text(command, option));
      if (index < 0)
        throw new Error(`${table.RouteTableId as string} has no route to ${text(command, option)}`);
      routes.splice(index, 1);
      return undefined;
    }
    case 'ec2 create-tags': {
      const resources = [text(command, 'resources')];
      const tags = valueOf(command, 'tags') as { Key: string; Value: string }[];
      for (const id of resources) {
        const subnet = find(snapshot.ec2.Subnets, 'SubnetId', id);
        const current = ((subnet.Tags as Json[] | undefined) ?? []).filter(
          (t) => !tags.some((n) => n.Key === t.Key),
        );
        subnet.Tags = [...current, ...tags];
      }
      return undefined;
    }
    default:
      throw new Error(`not modelled: ${command.service} ${operation}`);
  }
}

/** Runs fix lines in order against `snapshot` (edited in place), each checked against the model first. */
export function applyFixes(snapshot: RawSnapshot, lines: readonly string[]): void {
  const vars = new Map<string, string>();
  const counter = { next: 0 };
  for (const line of lines) {
    const command = parseCommand(line, vars);
    const errors = modelErrors(command);
    if (errors.length > 0) throw new Error(`${line}: ${errors.join('; ')}`);
    const output = apply(snapshot, command, counter);
    if (command.assigns) {
      if (output === undefined) throw new Error(`${line} prints nothing to capture`);
      vars.set(command.assigns, output);
    }
  }
}

// ---- what the rule tests ask of an outcome's details ---------------------------------------

/**
 * Every offender of a NON_COMPLIANT outcome is a detail's resource, or named in a detail's
 * problem (a CIDR, a server address, a gateway); every detail has a fix with commands or a
 * decision, and a documentation page.
 */
export function expectDetailsCoverOffenders(outcome: Outcome): void {
  expect(outcome.compliance).toBe('NON_COMPLIANT');
  expect(outcome.details.length).toBeGreaterThan(0);
  for (const offender of outcome.offenders) {
    const covered = outcome.details.some((d) => d.resourceId === offender || d.problem.includes(offender));
    expect({ offender, covered }).toEqual({ offender, covered: true });
  }
  for (const detail of outcome.details) {
    expect(detail.fix.commands.length > 0 || (detail.fix.decide ?? '').length > 0).toBe(true);
    expect(detail.fix.documentation).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
  }
}

/** Every command line of an outcome's details, in order. */
export function commandsOf(outcome: Outcome): string[] {
  return outcome.details.flatMap((detail) => detail.fix.commands);
}
