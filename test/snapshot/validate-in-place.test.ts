import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { generateSnapshot } from '../../bench/generate';
import { SnapshotError } from '../../engine/errors';
import { evaluateSnapshot } from '../../engine/evaluate';
import type { Finding } from '../../engine/findings';
import { DEFAULT_PARAMS } from '../../engine/params';
import { RULES } from '../../rules';
import type * as LoadModule from '../../snapshot/load';
import { adoptSnapshotFrom, parseSnapshotFrom, parseSnapshotText } from '../../snapshot/load';
import { PARTITIONS, SnapshotSchema, type Snapshot } from '../../snapshot/schema';
import { validateSnapshotInPlace } from '../../snapshot/validate-in-place';
import { SnapshotView } from '../../snapshot/view';
import {
  applyPathMutation,
  pathMutations,
  pathsOf,
  type JsonPath,
  type Key,
  type PathMutation,
} from '../../testkit/json-mutations';
import { privateClustersSnapshot } from '../../testkit/private-cluster';

/*
 * The in-place fast path (snapshot/validate-in-place.ts) is only correct if it agrees with
 * zod (snapshot/schema.ts), the definition it mirrors: the same verdict on every input, and
 * on acceptance the same value as zod's output but for the undeclared keys zod strips. Every
 * comparison here runs both on separate JSON.parse copies of one text, as the CLI would.
 */

type Json = Record<Key, unknown>;

const EXAMPLES_DIR = join(__dirname, '..', '..', 'examples');
const EXAMPLE_FILES = readdirSync(EXAMPLES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort();
const exampleText = (file: string) => readFileSync(join(EXAMPLES_DIR, file), 'utf8');

/** A generated cluster with a Fargate profile and a partition (the fixture sets neither). */
function generatedBase(): Json {
  // A JSON round trip: the fixture shares some objects, and a mutation must hit one spot.
  const s = JSON.parse(JSON.stringify(privateClustersSnapshot(1).snapshot)) as Json;
  s.partition = 'aws';
  const subnets = (s.ec2 as { Subnets: { SubnetId: string }[] }).Subnets;
  (s.eks as Json).fargateProfiles = {
    'prod-0': [{ fargateProfileName: 'system', subnets: [subnets[0]!.SubnetId], status: 'ACTIVE' }],
  };
  return s;
}

const BASES: readonly { name: string; value: Json }[] = [
  { name: 'generated', value: generatedBase() },
  ...EXAMPLE_FILES.map((file) => ({ name: file, value: JSON.parse(exampleText(file)) as Json })),
];

// JSON.stringify cannot write these; a marker string is swapped for the JSON text after it.
const INFINITY = '@@1e999@@';
const NEGATIVE_ZERO = '@@-0@@';
function toText(value: unknown): string {
  return JSON.stringify(value).replaceAll(`"${INFINITY}"`, '1e999').replaceAll(`"${NEGATIVE_ZERO}"`, '-0');
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value at `path`, or undefined when something on the way is not a container. */
function get(root: unknown, path: readonly Key[]): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Json)[key];
  }
  return value;
}

/** Sets an own data property, even `__proto__` (as JSON.parse makes it); no-op if the parent is gone. */
function put(root: unknown, path: readonly Key[], value: unknown): void {
  const parent = get(root, path.slice(0, -1));
  if (parent === null || typeof parent !== 'object') return;
  Object.defineProperty(parent, path[path.length - 1]!, {
    value: structuredClone(value),
    writable: true,
    enumerable: true,
    configurable: true,
  });
}

// ---- what zod says, what the fast path says ---------------------------------------------

/** What the walk below reads of a zod schema (zod 4's `_zod.def`). */
interface SchemaNode {
  _zod: {
    def: {
      type: string;
      shape?: Record<string, SchemaNode>;
      element?: SchemaNode;
      innerType?: SchemaNode;
      valueType?: SchemaNode;
    };
  };
}

/** Field names declared anywhere in the schema; `defaulted` collects those of `list(...)` members. */
function declaredFields(
  node: SchemaNode,
  out = { all: new Set<string>(), defaulted: new Set<string>() },
): typeof out {
  const def = node._zod.def;
  for (const [key, field] of Object.entries(def.shape ?? {})) {
    out.all.add(key);
    if (field._zod.def.type === 'default') out.defaulted.add(key);
    declaredFields(field, out);
  }
  for (const inner of [def.element, def.innerType, def.valueType]) if (inner) declaredFields(inner, out);
  return out;
}
const SCHEMA = SnapshotSchema as unknown as SchemaNode;
const FIELDS = declaredFields(SCHEMA);

/** The declared members of the object schema at `path` (undefined below an undeclared key). */
function shapeAt(path: readonly Key[]): Record<string, SchemaNode> | undefined {
  const unwrap = (node: SchemaNode): SchemaNode =>
    node._zod.def.innerType ? unwrap(node._zod.def.innerType) : node;
  let node = unwrap(SCHEMA);
  for (const key of path) {
    const def: SchemaNode['_zod']['def'] = node._zod.def;
    const next = def.shape
      ? Object.prototype.hasOwnProperty.call(def.shape, key)
        ? def.shape[key]
        : undefined
      : (def.element ?? def.valueType);
    if (!next) return undefined;
    node = unwrap(next);
  }
  return node._zod.def.shape;
}

const RECORD_PATHS = ['eks.nodegroups', 'eks.fargateProfiles', 'ec2.VpcAttributes'];
/** zod skips an own `__proto__` key of a record unread; the fast path leaves such a value to zod. */
function hasProtoRecordKey(value: unknown): boolean {
  return RECORD_PATHS.some((path) => {
    const record = get(value, path.split('.'));
    return isObject(record) && Object.prototype.hasOwnProperty.call(record, '__proto__');
  });
}

function messageOf(load: () => unknown): string {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(SnapshotError);
    return (error as Error).message;
  }
  throw new Error('expected a SnapshotError, but the snapshot was accepted');
}

function findingsOf(snapshot: Snapshot): Finding[] {
  return evaluateSnapshot(new SnapshotView(snapshot), RULES, DEFAULT_PARAMS);
}

/**
 * `adopted` with only the keys `parsed` (zod's output) has, recursively; and the paths of the
 * keys it dropped. Objects are plain (Object.prototype, like zod's), keys set with
 * defineProperty in case one is `__proto__`.
 */
function splitUndeclared(
  adopted: unknown,
  parsed: unknown,
  path: Key[] = [],
  dropped: Key[][] = [],
): { kept: unknown; dropped: Key[][] } {
  if (Array.isArray(parsed) && Array.isArray(adopted)) {
    return {
      kept: adopted.map((item, i) => splitUndeclared(item, parsed[i], [...path, i], dropped).kept),
      dropped,
    };
  }
  if (isObject(parsed) && isObject(adopted)) {
    const kept = {};
    for (const key of Object.keys(adopted)) {
      if (!Object.prototype.hasOwnProperty.call(parsed, key)) {
        dropped.push([...path, key]);
        continue;
      }
      Object.defineProperty(kept, key, {
        value: splitUndeclared(adopted[key], parsed[key], [...path, key], dropped).kept,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    return { kept, dropped };
  }
  return { kept: adopted, dropped };
}

interface Comparison {
  accepted: boolean;
  /** Rejected after the fast path had already normalized part of the value. */
  normalizedThenRejected: boolean;
}

/**
 * Deep equality as node's assert.deepStrictEqual sees it (prototypes, -0, own `__proto__`
 * keys), with jest's diff when they differ. Quicker than jest's matchers on whole snapshots.
 */
function expectDeepEqual(actual: unknown, expected: unknown): void {
  if (isDeepStrictEqual(actual, expected)) return;
  expect(actual).toEqual(expected);
  throw new Error(
    'equal as jest sees it, but not deep-strict-equal (prototypes or undefined members differ)',
  );
}

/**
 * Runs zod and the fast path on copies of `text` and checks every way they must agree: the
 * verdict, the messages on rejection and, with `values`, the adopted value and the findings.
 */
function compare(text: string, { values = true } = {}): Comparison {
  const zod = SnapshotSchema.safeParse(JSON.parse(text));
  const adopted = JSON.parse(text) as Json;
  const fast = validateSnapshotInPlace(adopted);
  expect(fast).toBe(zod.success && !hasProtoRecordKey(JSON.parse(text)));

  if (zod.success) {
    if (!values) return { accepted: true, normalizedThenRejected: false };
    const viaAdopt = adoptSnapshotFrom(JSON.parse(text), 'f.json');
    if (fast) {
      expect(adopted).toMatchObject(zod.data);
      // The only difference: keys zod strips, holding exactly what the input held.
      const input = JSON.parse(text) as unknown;
      const { kept, dropped } = splitUndeclared(adopted, zod.data);
      expectDeepEqual(kept, zod.data);
      expectDeepEqual(
        dropped.map((path) => get(adopted, path)),
        dropped.map((path) => get(input, path)),
      );
      expectDeepEqual(viaAdopt, adopted);
    } else {
      expectDeepEqual(viaAdopt, zod.data);
    }
    expectDeepEqual(findingsOf(viaAdopt), findingsOf(zod.data));
    return { accepted: true, normalizedThenRejected: false };
  }

  // adoptSnapshotFrom runs zod on the value its fast path walked (and may have partly
  // normalized); `adopted` is another such value, checked on its own with `values`.
  const message = messageOf(() => parseSnapshotFrom(JSON.parse(text), 'f.json'));
  expect(messageOf(() => adoptSnapshotFrom(JSON.parse(text), 'f.json'))).toBe(message);
  if (values) expect(messageOf(() => parseSnapshotFrom(adopted, 'f.json'))).toBe(message);
  return {
    accepted: false,
    normalizedThenRejected: JSON.stringify(adopted) !== JSON.stringify(JSON.parse(text)),
  };
}

// ---- mutations ----------------------------------------------------------------------------

type Mutation = PathMutation | { kind: 'set'; path: Key[]; value: unknown };

function applyMutation(root: unknown, mutation: Mutation): void {
  if (mutation.kind === 'set') put(root, mutation.path, mutation.value);
  else applyPathMutation(root, mutation);
}

const ENUM_FIELDS = new Set(['status', 'State', 'RuleAction', 'VpcEndpointType']);
const CIDR_LIKE = /^[\d.:a-f]+\/\d+$/i;
const CIDR_TEXTS = [
  '10.0.0.0/8',
  '10.0.0.1/8',
  '10.0.0.0/33',
  '10.0.0/16',
  '10.0.0.0',
  '010.0.0.0/8',
  ' 10.0.0.0/8',
  '10.0.0.0/ 8',
  '10.0.0.0/008',
  'fe80::/10',
  'fe80::/129',
  'fe80::1%eth0/64',
  '::ffff:10.0.0.0/104',
  '',
  '/',
];
const NUMBERS = [1.5, -1, 2 ** 53 - 1, 2 ** 53, 1e20, INFINITY, NEGATIVE_ZERO];
const ODD_VALUES = [
  null,
  '',
  'x',
  'Active',
  'aws',
  'AWS',
  '10.0.0.0/8',
  0,
  1,
  1.5,
  true,
  [],
  ['x'],
  [{}],
  {},
  { Value: true },
];
const UNKNOWN_KEYS = ['Extra', '__proto__', 'constructor', 'hasOwnProperty', ''];
const RECORD_KEYS = ['__proto__', '', 'constructor', 'toString', '0'];

const upperFirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** `ec2.Subnets.*.Tags.*`: where in the schema a path is (record keys and indices are stars). */
function schemaPosition(path: readonly Key[]): string {
  const inRecord = RECORD_PATHS.includes(path.slice(0, 2).join('.'));
  return path.map((key, i) => (typeof key === 'number' || (inRecord && i === 2) ? '*' : key)).join('.');
}

/**
 * One of `paths`, each schema position as likely as any other: the root's fields and the
 * records get as much damage as the thousands of tags and NACL entries.
 */
function spread(paths: readonly JsonPath[]): fc.Arbitrary<JsonPath> {
  const groups = new Map<string, JsonPath[]>();
  for (const p of paths) {
    const position = schemaPosition(p.path);
    groups.set(position, [...(groups.get(position) ?? []), p]);
  }
  return fc.constantFrom(...groups.values()).chain((group) => fc.constantFrom(...group));
}

/**
 * Damage at any JSON path of `base`: the shared path mutations (delete a member, null, number
 * <-> string), sections deleted, any value replaced by an odd one, malformed or odd CIDRs,
 * enums and other strings re-cased, non-integers, an array for an object and an object for
 * an array, keys added (declared fields, unknown keys, odd record keys).
 */
function mutationArbitrary(base: unknown): fc.Arbitrary<Mutation> {
  const paths = pathsOf(base);
  const where = (keep: (p: JsonPath) => boolean) => paths.filter(keep);
  // The shared mutations pick paths uniformly (mostly tags, entries and ranges); the ones
  // below pick a schema position first, so that rare places get their share.
  const m = pathMutations(base);
  const arms: fc.Arbitrary<Mutation>[] = [m.deleteMember, m.nullAnything, m.numberToString, m.stringToNumber];
  const add = (targets: JsonPath[], make: (p: JsonPath) => fc.Arbitrary<Mutation>) => {
    if (targets.length > 0) arms.push(spread(targets).chain(make));
  };
  const kind =
    (k: PathMutation['kind']) =>
    ({ path }: JsonPath) =>
      fc.constant<Mutation>({ kind: k, path });
  const setTo =
    (values: (p: JsonPath) => readonly unknown[]) =>
    (p: JsonPath): fc.Arbitrary<Mutation> =>
      fc.constantFrom(...values(p)).map((value) => ({ kind: 'set', path: p.path, value }));
  const addKey =
    (keys: readonly string[], values: readonly unknown[]) =>
    (p: JsonPath): fc.Arbitrary<Mutation> =>
      fc
        .tuple(fc.constantFrom(...keys), fc.constantFrom(...values))
        .map(([key, value]) => ({ kind: 'set', path: [...p.path, key], value }));
  const strings = where(({ value }) => typeof value === 'string');
  const numbers = where(({ value }) => typeof value === 'number');
  const objects = where(({ value }) => isObject(value));
  const records = where(({ path }) => RECORD_PATHS.includes(path.join('.')));

  add(
    where(({ path }) => typeof path[path.length - 1] === 'string'),
    kind('delete'),
  );
  add(
    where(({ path }) => path.length <= 2),
    kind('delete'),
  );
  add(paths, kind('null'));
  add(numbers, kind('toString'));
  add(strings, kind('toNumber'));
  add(
    paths,
    setTo(() => ODD_VALUES),
  );
  add(
    strings.filter(({ value }) => CIDR_LIKE.test(value as string)),
    setTo(() => CIDR_TEXTS),
  );
  add(
    strings.filter(({ path }) => ENUM_FIELDS.has(String(path[path.length - 1]))),
    setTo(({ value }) => [(value as string).toUpperCase(), upperFirst(value as string)]),
  );
  add(
    strings,
    setTo(({ value }) => [(value as string).toUpperCase()]),
  );
  add(
    numbers,
    setTo(() => NUMBERS),
  );
  add(
    objects,
    setTo(({ value }) => [[], [value]]),
  );
  add(
    where(({ value }) => Array.isArray(value)),
    setTo(({ value }) => [{}, { ...(value as unknown[]) }]),
  );
  const containers = [{ path: [], value: base }, ...objects];
  add(containers, addKey([...FIELDS.all], ODD_VALUES));
  add(containers, addKey(UNKNOWN_KEYS, ODD_VALUES));
  add(records, (p) => addKey(RECORD_KEYS, [Object.values(p.value as Json)[0], [], null, 'x', {}])(p));
  add(
    records,
    setTo(({ value }) => [[], [[]], [Object.values(value as Json)[0]], {}]),
  );
  return fc.oneof(...arms);
}

/** Whether every key on `path` is a declared field (or a record's key, or an index). */
function isDeclared(path: readonly Key[]): boolean {
  const inRecord = RECORD_PATHS.includes(path.slice(0, 2).join('.'));
  return path.every((key, i) => typeof key === 'number' || (inRecord && i === 2) || FIELDS.all.has(key));
}

/**
 * Each damage of mutationArbitrary, once at the first path of every declared schema position
 * of `base` (below an undeclared key, zod reads nothing).
 */
function singleDamages(base: unknown): Mutation[] {
  const firsts = new Map<string, JsonPath>();
  for (const p of pathsOf(base)) {
    const position = schemaPosition(p.path);
    if (isDeclared(p.path) && !firsts.has(position)) firsts.set(position, p);
  }
  const out: Mutation[] = [];
  const set = (path: Key[], values: readonly unknown[]) => {
    for (const value of values) out.push({ kind: 'set', path, value });
  };
  for (const { path, value } of [{ path: [], value: base }, ...firsts.values()]) {
    if (path.length > 0) {
      if (typeof path[path.length - 1] === 'string') out.push({ kind: 'delete', path });
      out.push({ kind: 'null', path }, { kind: 'toString', path }, { kind: 'toNumber', path });
      set(path, ODD_VALUES);
    }
    if (typeof value === 'number') set(path, NUMBERS);
    if (typeof value === 'string') set(path, [value.toUpperCase(), upperFirst(value)]);
    if (typeof value === 'string' && CIDR_LIKE.test(value)) set(path, CIDR_TEXTS);
    if (Array.isArray(value)) set(path, [{}, { ...value }]);
    if (isObject(value)) {
      if (path.length > 0) set(path, [[], [value]]);
      for (const key of UNKNOWN_KEYS) set([...path, key], [{ SubnetId: 5 }]);
      // Declared members the base leaves out, given every kind of value.
      for (const key of Object.keys(shapeAt(path) ?? {})) {
        if (!Object.prototype.hasOwnProperty.call(value, key)) set([...path, key], ODD_VALUES);
      }
      if (RECORD_PATHS.includes(path.join('.'))) {
        for (const key of RECORD_KEYS) set([...path, key], [Object.values(value)[0], null]);
      }
    }
  }
  return out;
}

const MUTATIONS = BASES.map((base) => mutationArbitrary(base.value));

/** The text of a base snapshot damaged by `min` to `max` mutations. */
function mutatedText(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .nat(BASES.length - 1)
    .chain((index) =>
      fc.tuple(fc.constant(index), fc.array(MUTATIONS[index]!, { minLength: min, maxLength: max })),
    )
    .map(([index, mutations]) => {
      const raw = structuredClone(BASES[index]!.value);
      for (const mutation of mutations) applyMutation(raw, mutation);
      return toText(raw);
    });
}

describe('in-place snapshot validation agrees with zod', () => {
  it.each([
    ['one mutation', 1, 1, 300],
    ['1 to 4 mutations', 1, 4, 300],
  ])(
    'on generated snapshots and examples with %s: same verdict, same value but undeclared keys, same messages',
    (_name, min, max, numRuns) => {
      const seen = { accepted: 0, rejected: 0, normalizedThenRejected: 0 };
      fc.assert(
        fc.property(mutatedText(min, max), (text) => {
          const result = compare(text);
          if (result.accepted) seen.accepted++;
          else seen.rejected++;
          if (result.normalizedThenRejected) seen.normalizedThenRejected++;
        }),
        { numRuns },
      );
      // The property saw both verdicts, and rejections of values the fast path had already changed.
      expect(seen.accepted).toBeGreaterThan(numRuns / 20);
      expect(seen.rejected).toBeGreaterThan(numRuns / 20);
      expect(seen.normalizedThenRejected).toBeGreaterThan(numRuns / 100);
    },
  );

  it('on every kind of damage at every schema position of the generated snapshot', () => {
    const base = BASES[0]!.value;
    const texts = new Map<string, Mutation>(); // the distinct damaged texts
    for (const mutation of singleDamages(base)) {
      const raw = structuredClone(base);
      applyMutation(raw, mutation);
      texts.set(toText(raw), mutation);
    }
    const seen = { accepted: 0, rejected: 0 };
    for (const [text, mutation] of texts) {
      try {
        if (compare(text, { values: false }).accepted) seen.accepted++;
        else seen.rejected++;
      } catch (error) {
        throw new Error(`${mutation.kind} ${JSON.stringify(mutation.path)}: ${(error as Error).message}`);
      }
    }
    expect(seen.accepted).toBeGreaterThan(texts.size / 10);
    expect(seen.rejected).toBeGreaterThan(texts.size / 10);
  });

  it.each(BASES.map((base) => [base.name, base.value] as const))(
    'accepts the untouched %s',
    (_name, value) => {
      expect(compare(toText(value)).accepted).toBe(true);
    },
  );

  it('the mutations reach every field the schema declares', () => {
    // addKey draws from FIELDS.all: a schema walk that found nothing would fuzz nothing.
    for (const field of [
      'schemaVersion',
      'status',
      'RuleAction',
      'Cidrs',
      'fargateProfileName',
      'CidrIpv6',
    ]) {
      expect(FIELDS.all).toContain(field);
    }
  });
});

// ---- table-driven cases -------------------------------------------------------------------

/** A valid snapshot with one of everything, to break one thing in. */
const valid = () => structuredClone(BASES[0]!.value);

const SUBNET = ['ec2', 'Subnets', 0];
const ROUTE_TABLE = ['ec2', 'RouteTables', 0];
const ACL_ENTRY = ['ec2', 'NetworkAcls', 0, 'Entries', 0];
const ENDPOINT = ['ec2', 'VpcEndpoints', 0];
const CLUSTER = ['eks', 'clusters', 0];

interface Case {
  name: string;
  edit: (s: Json) => void;
  /** zod's verdict, as found by experiment (the fast path must agree; see compare). */
  accepted: boolean;
  /** More checks of the adopted value and zod's output. */
  then?: (adopted: Json, parsed: Json) => void;
}

const at =
  (path: Key[], value: unknown) =>
  (s: Json): void =>
    put(s, path, value);
const without =
  (path: Key[]) =>
  (s: Json): void => {
    delete (get(s, path.slice(0, -1)) as Json)[path[path.length - 1]!];
  };

function lowerCases(path: Key[], given: string): Case {
  return {
    name: `${path.join('.')} "${given}" is lower-cased`,
    edit: at(path, given),
    accepted: true,
    then: (adopted, parsed) => {
      expect(get(adopted, path)).toBe(given.toLowerCase());
      expect(get(parsed, path)).toBe(given.toLowerCase());
    },
  };
}

/** `list(...)` members: absent = a fresh `[]`. */
const LIST_MEMBERS: Key[][] = [
  [...SUBNET, 'Ipv6CidrBlockAssociationSet'],
  [...SUBNET, 'Tags'],
  [...ROUTE_TABLE, 'Associations'],
  [...ROUTE_TABLE, 'Routes'],
  ['ec2', 'NetworkAcls', 0, 'Associations'],
  ['ec2', 'NetworkAcls', 0, 'Entries'],
  ['ec2', 'SecurityGroups', 0, 'Tags'],
  ['ec2', 'SecurityGroups', 0, 'IpPermissions'],
  ['ec2', 'SecurityGroups', 0, 'IpPermissionsEgress'],
  ['ec2', 'SecurityGroups', 0, 'IpPermissions', 0, 'IpRanges'],
  ['ec2', 'SecurityGroups', 0, 'IpPermissions', 0, 'Ipv6Ranges'],
  ['ec2', 'SecurityGroups', 0, 'IpPermissions', 0, 'PrefixListIds'],
  ['ec2', 'SecurityGroups', 0, 'IpPermissions', 0, 'UserIdGroupPairs'],
  [...ENDPOINT, 'SubnetIds'],
  [...ENDPOINT, 'Groups'],
  [...ENDPOINT, 'RouteTableIds'],
  ['ec2', 'DhcpOptions', 0, 'DhcpConfigurations'],
  ['ec2', 'DhcpOptions', 0, 'DhcpConfigurations', 0, 'Values'],
  ['ec2', 'PrefixLists', 0, 'Cidrs'],
];

const CASES: Case[] = [
  // Normalizations.
  lowerCases([...CLUSTER, 'status'], 'UPDATING'),
  lowerCases([...ROUTE_TABLE, 'Routes', 0, 'State'], 'Blackhole'),
  lowerCases([...ROUTE_TABLE, 'Associations', 0, 'AssociationState', 'State'], 'Associated'),
  lowerCases([...ACL_ENTRY, 'RuleAction'], 'DENY'),
  lowerCases([...ENDPOINT, 'VpcEndpointType'], 'Interface'),
  lowerCases([...ENDPOINT, 'State'], 'PendingAcceptance'),
  lowerCases([...ENDPOINT, 'State'], 'İ'), // lower-cases to two code points
  ...LIST_MEMBERS.map((path): Case => ({
    name: `absent ${path.join('.')} becomes []`,
    edit: without(path),
    accepted: true,
    then: (adopted) => expect(get(adopted, path)).toEqual([]),
  })),
  {
    name: 'two absent lists get two arrays',
    edit: (s) => {
      without([...SUBNET, 'Tags'])(s);
      without(['ec2', 'Subnets', 1, 'Tags'])(s);
    },
    accepted: true,
    then: (adopted) =>
      expect(get(adopted, [...SUBNET, 'Tags'])).not.toBe(get(adopted, ['ec2', 'Subnets', 1, 'Tags'])),
  },
  {
    name: 'an absent optional scalar stays absent',
    edit: without([...SUBNET, 'MapPublicIpOnLaunch']),
    accepted: true,
    then: (adopted, parsed) => {
      expect(get(adopted, SUBNET)).not.toHaveProperty('MapPublicIpOnLaunch');
      expect(get(parsed, SUBNET)).not.toHaveProperty('MapPublicIpOnLaunch');
    },
  },
  {
    name: 'absent ec2 stays absent',
    edit: without(['ec2']),
    accepted: true,
    then: (adopted) => expect(adopted).not.toHaveProperty('ec2'),
  },
  {
    name: 'empty ec2 gets no sections',
    edit: at(['ec2'], {}),
    accepted: true,
    then: (adopted) => expect(adopted.ec2).toEqual({}),
  },
  {
    name: 'unknown keys are kept',
    edit: at([...SUBNET, 'Extra'], { nested: [1, null] }),
    accepted: true,
    then: (adopted, parsed) => {
      expect(get(adopted, [...SUBNET, 'Extra'])).toEqual({ nested: [1, null] });
      expect(get(parsed, SUBNET)).not.toHaveProperty('Extra');
    },
  },
  // null is a wrong type, not "absent".
  { name: 'null optional boolean', edit: at([...SUBNET, 'MapPublicIpOnLaunch'], null), accepted: false },
  { name: 'null optional enum', edit: at([...CLUSTER, 'status'], null), accepted: false },
  { name: 'null list member', edit: at([...SUBNET, 'Tags'], null), accepted: false },
  { name: 'null ec2', edit: at(['ec2'], null), accepted: false },
  { name: 'null section', edit: at(['ec2', 'Vpcs'], null), accepted: false },
  { name: 'null record', edit: at(['eks', 'nodegroups'], null), accepted: false },
  { name: 'null partition', edit: at(['partition'], null), accepted: false },
  { name: 'null capturedAt', edit: at(['capturedAt'], null), accepted: false },
  { name: 'null optional object', edit: at([...ACL_ENTRY, 'PortRange'], null), accepted: false },
  // Integers.
  { name: 'int 1.5', edit: at([...SUBNET, 'AvailableIpAddressCount'], 1.5), accepted: false },
  { name: 'int 2^53 - 1', edit: at([...SUBNET, 'AvailableIpAddressCount'], 2 ** 53 - 1), accepted: true },
  { name: 'int 2^53 (not safe)', edit: at([...SUBNET, 'AvailableIpAddressCount'], 2 ** 53), accepted: false },
  { name: 'int 1e20', edit: at([...ACL_ENTRY, 'RuleNumber'], 1e20), accepted: false },
  { name: 'int -0', edit: at([...ACL_ENTRY, 'RuleNumber'], NEGATIVE_ZERO), accepted: true },
  { name: 'int 1e999 (Infinity)', edit: at([...ACL_ENTRY, 'PortRange', 'From'], INFINITY), accepted: false },
  { name: 'int as a string', edit: at([...ACL_ENTRY, 'RuleNumber'], '100'), accepted: false },
  { name: 'int -1', edit: at([...ACL_ENTRY, 'PortRange', 'To'], -1), accepted: true },
  // Strings and numbers swapped, other wrong scalars.
  { name: 'accountId as a number', edit: at(['accountId'], 111122223333), accepted: false },
  { name: 'identity field as a number', edit: at([...SUBNET, 'SubnetId'], 5), accepted: false },
  { name: 'boolean as a string', edit: at([...ACL_ENTRY, 'Egress'], 'false'), accepted: false },
  { name: 'enum as a number', edit: at([...ACL_ENTRY, 'RuleAction'], 1), accepted: false },
  { name: 'required enum absent', edit: without([...ACL_ENTRY, 'RuleAction']), accepted: false },
  { name: 'tag key as a number', edit: at([...SUBNET, 'Tags', 0, 'Key'], 1), accepted: false },
  { name: 'list item of the wrong type', edit: at([...ENDPOINT, 'RouteTableIds', 0], 7), accepted: false },
  // Objects given arrays or scalars, arrays given objects.
  { name: 'ec2 as an array', edit: at(['ec2'], []), accepted: false },
  { name: 'eks as an array', edit: at(['eks'], [{ clusters: [] }]), accepted: false },
  { name: 'eks as a string', edit: at(['eks'], 'x'), accepted: false },
  {
    name: 'resourcesVpcConfig as an array',
    edit: at([...CLUSTER, 'resourcesVpcConfig'], []),
    accepted: false,
  },
  { name: 'section item as an array', edit: at(SUBNET, []), accepted: false },
  { name: 'optional object as an array', edit: at([...ACL_ENTRY, 'PortRange'], []), accepted: false },
  {
    name: 'AssociationState as a string',
    edit: at([...ROUTE_TABLE, 'Associations', 0, 'AssociationState'], 'x'),
    accepted: false,
  },
  { name: 'DnsOptions as an array', edit: at([...ENDPOINT, 'DnsOptions'], [{}]), accepted: false },
  { name: 'section as an object', edit: at(['ec2', 'Subnets'], {}), accepted: false },
  {
    name: 'clusters as an array-like object',
    edit: (s) => put(s, ['eks', 'clusters'], { ...(get(s, ['eks', 'clusters']) as unknown[]) }),
    accepted: false,
  },
  { name: 'list member as an object', edit: at([...SUBNET, 'Tags'], {}), accepted: false },
  {
    name: 'string list as a string',
    edit: at([...CLUSTER, 'resourcesVpcConfig', 'subnetIds'], 'subnet-1'),
    accepted: false,
  },
  { name: 'empty clusters', edit: at(['eks', 'clusters'], []), accepted: true },
  // Records (z.record(z.string(), X)): any JSON object, not an array.
  { name: 'VpcAttributes as an array', edit: at(['ec2', 'VpcAttributes'], []), accepted: false },
  { name: 'nodegroups as an array of arrays', edit: at(['eks', 'nodegroups'], [[]]), accepted: false },
  { name: 'empty record', edit: at(['eks', 'nodegroups'], {}), accepted: true },
  { name: 'record key ""', edit: at(['eks', 'nodegroups', ''], []), accepted: true },
  {
    name: 'record key "constructor"',
    edit: at(['eks', 'nodegroups', 'constructor'], [{ nodegroupName: 'x' }]),
    accepted: true,
  },
  { name: 'record key "0"', edit: at(['ec2', 'VpcAttributes', '0'], {}), accepted: true },
  {
    name: 'record value of the wrong type',
    edit: at(['ec2', 'VpcAttributes', 'vpc-1'], []),
    accepted: false,
  },
  {
    name: 'record value with a bad member',
    edit: at(['eks', 'fargateProfiles', 'prod-0', 0, 'subnets'], [1]),
    accepted: false,
  },
  {
    // zod skips the key without reading its value and drops it; the fast path leaves it to zod.
    name: 'record key "__proto__" holding garbage',
    edit: at(['ec2', 'VpcAttributes', '__proto__'], 'garbage'),
    accepted: true,
    then: (adopted) => {
      expect(Object.prototype.hasOwnProperty.call(get(adopted, ['ec2', 'VpcAttributes']), '__proto__')).toBe(
        false,
      );
      expect(Object.getPrototypeOf(get(adopted, ['ec2', 'VpcAttributes']))).toBe(Object.prototype);
    },
  },
  {
    name: 'record key "__proto__" in nodegroups',
    edit: at(['eks', 'nodegroups', '__proto__'], [{ nodegroupName: 5 }]),
    accepted: true,
  },
  {
    // An ordinary object's own __proto__ key is an undeclared key: zod strips it, the fast path keeps it.
    name: 'own "__proto__" key in an object',
    edit: at([...SUBNET, '__proto__'], { SubnetId: 5 }),
    accepted: true,
    then: (adopted) => {
      const subnet = get(adopted, SUBNET) as Json;
      expect(Object.getPrototypeOf(subnet)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(subnet, '__proto__')?.value).toEqual({ SubnetId: 5 });
    },
  },
  { name: 'own "__proto__" key at the root', edit: at(['__proto__'], { schemaVersion: 2 }), accepted: true },
  // Root scalars.
  ...PARTITIONS.map((partition): Case => ({
    name: `partition ${partition}`,
    edit: at(['partition'], partition),
    accepted: true,
  })),
  { name: 'partition in upper case', edit: at(['partition'], 'AWS'), accepted: false },
  { name: 'unknown partition', edit: at(['partition'], 'aws-iso-c'), accepted: false },
  { name: 'accountId with a newline', edit: at(['accountId'], '111122223333\n'), accepted: false },
  {
    name: 'accountId in full-width digits',
    edit: at(['accountId'], '１１１１２２２２３３３３'),
    accepted: false,
  },
  { name: 'accountId of 11 digits', edit: at(['accountId'], '11112222333'), accepted: false },
  { name: 'region us-gov-west-1', edit: at(['region'], 'us-gov-west-1'), accepted: true },
  { name: 'region in upper case', edit: at(['region'], 'EU-WEST-1'), accepted: false },
  { name: 'region with a newline', edit: at(['region'], 'eu-west-1\n'), accepted: false },
  { name: 'capturedAt as a number', edit: at(['capturedAt'], 20261122), accepted: false },
  // CIDR fields (parseCidr, lenient about host bits) and a plain-string destination.
  { name: 'CIDR with host bits', edit: at([...SUBNET, 'CidrBlock'], '10.0.0.1/19'), accepted: true },
  { name: 'CIDR prefix 33', edit: at([...SUBNET, 'CidrBlock'], '10.0.0.0/33'), accepted: false },
  { name: 'CIDR without a prefix', edit: at(['ec2', 'Vpcs', 0, 'CidrBlock'], '10.0.0.0'), accepted: false },
  { name: 'CIDR with a leading space', edit: at([...SUBNET, 'CidrBlock'], ' 10.0.0.0/19'), accepted: true },
  {
    name: 'IPv6 CIDR with a zone id',
    edit: at([...ACL_ENTRY, 'Ipv6CidrBlock'], 'fe80::1%eth0/64'),
    accepted: false,
  },
  {
    name: 'IPv4-mapped IPv6 CIDR',
    edit: at([...ACL_ENTRY, 'Ipv6CidrBlock'], '::ffff:10.0.0.0/104'),
    accepted: true,
  },
  {
    name: 'public access CIDR malformed',
    edit: at([...CLUSTER, 'resourcesVpcConfig', 'publicAccessCidrs', 0], '0.0.0.0/-0'),
    accepted: false,
  },
  {
    name: 'prefix list CIDR malformed',
    edit: at(['ec2', 'PrefixLists', 0, 'Cidrs', 0], '52.218.0.0'),
    accepted: false,
  },
  {
    name: 'route destination is not a CIDR field',
    edit: at([...ROUTE_TABLE, 'Routes', 0, 'DestinationCidrBlock'], 'nonsense'),
    accepted: true,
  },
];

describe('in-place validation cases', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const s = valid();
    c.edit(s);
    const text = toText(s);
    expect(SnapshotSchema.safeParse(JSON.parse(text)).success).toBe(c.accepted);
    expect(compare(text).accepted).toBe(c.accepted);
    if (c.then) {
      const adopted = JSON.parse(text) as Json;
      const result = adoptSnapshotFrom(adopted);
      c.then(result as unknown as Json, SnapshotSchema.parse(JSON.parse(text)) as unknown as Json);
    }
  });

  it('the table defaults every list member the schema declares', () => {
    expect(new Set(LIST_MEMBERS.map((path) => String(path[path.length - 1])))).toEqual(FIELDS.defaulted);
  });

  it('"schemaVersion": 1.0 is 1', () => {
    const text = toText(valid()).replace('"schemaVersion":1', '"schemaVersion":1.0');
    expect(text).toContain('1.0');
    expect(compare(text).accepted).toBe(true);
  });

  it('an enum value already in lower case is not written', () => {
    const s = valid();
    const routes = get(s, [...ROUTE_TABLE, 'Routes']) as Json[];
    expect(routes[0]!.State).toBe('active');
    Object.freeze(routes[0]); // a write would throw (modules are strict)
    expect(validateSnapshotInPlace(s)).toBe(true);
    routes.push(Object.freeze({ State: 'Active' }));
    expect(() => validateSnapshotInPlace(s)).toThrow(TypeError);
  });

  it('a second pass over an adopted snapshot writes nothing', () => {
    const s = valid();
    without([...SUBNET, 'Tags'])(s);
    const adopted = adoptSnapshotFrom(s);
    expect(validateSnapshotInPlace(deepFreeze(adopted) as unknown as Json)).toBe(true);
  });

  it('a value normalized by a failed fast path gets the messages of a pristine copy', () => {
    const s = valid();
    put(s, [...CLUSTER, 'status'], 'Active');
    put(s, [...ENDPOINT, 'State'], 'Available');
    without([...SUBNET, 'Tags'])(s);
    // Both after the fields above in the walk's order, and in zod's.
    put(s, ['ec2', 'PrefixLists', 0, 'Cidrs', 0], 'not a CIDR');
    put(s, ['ec2', 'PrefixLists', 0, 'PrefixListName'], 5);
    const text = toText(s);
    const walked = JSON.parse(text) as Json;
    expect(validateSnapshotInPlace(walked)).toBe(false);
    expect(get(walked, [...CLUSTER, 'status'])).toBe('active');
    expect(get(walked, [...ENDPOINT, 'State'])).toBe('available');
    expect(get(walked, [...SUBNET, 'Tags'])).toEqual([]);
    const message = messageOf(() => parseSnapshotFrom(JSON.parse(text), 'f.json'));
    expect(message).toBe('f.json: ec2.PrefixLists[0].PrefixListName: expected string (and 1 more problems)');
    expect(messageOf(() => parseSnapshotFrom(walked, 'f.json'))).toBe(message);
  });
});

// ---- the loader ---------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

describe('adoptSnapshotFrom', () => {
  it('returns the value it was given, normalized, with undeclared keys', () => {
    const value = valid();
    const adopted = adoptSnapshotFrom(value);
    expect(adopted).toBe(value);
    expect(adopted.eks.clusters[0]!.status).toBe('active');
    expect(adopted.eks.clusters[0]).toHaveProperty('createdAt');
  });

  it('parseSnapshotText adopts what it parses', () => {
    const adopted = parseSnapshotText(toText(valid()), 'f.json');
    expect(adopted.eks.clusters[0]).toHaveProperty('createdAt');
    expect(adopted.eks.clusters[0]!.status).toBe('active');
  });

  it('parseSnapshotFrom leaves a value it does not own untouched', () => {
    const value = valid();
    put(value, [...ENDPOINT, 'State'], 'Available');
    without([...SUBNET, 'Tags'])(value);
    const text = toText(value);
    const parsed = parseSnapshotFrom(deepFreeze(value));
    expect(toText(value)).toBe(text);
    expect(parsed.ec2!.VpcEndpoints![0]!.State).toBe('available');
    expect(parsed.ec2!.Subnets![0]!.Tags).toEqual([]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'snapshot'],
    ['schemaVersion 2', { schemaVersion: 2, eks: null }],
    ['schemaVersion "1"', { schemaVersion: '1' }],
    ['no schemaVersion', { eks: {} }],
  ])('rejects %s at the root as parseSnapshotFrom does', (_name, value) => {
    const message = messageOf(() => parseSnapshotFrom(structuredClone(value), 'f.json'));
    expect(messageOf(() => adoptSnapshotFrom(structuredClone(value), 'f.json'))).toBe(message);
    expect(message).toMatch(/^f\.json: (\(root\)|schemaVersion): /);
  });

  it.each(EXAMPLE_FILES)('%s: in place, with the findings of the zod path', (file) => {
    const text = exampleText(file);
    expect(validateSnapshotInPlace(JSON.parse(text) as Json)).toBe(true);
    const viaZod = findingsOf(parseSnapshotFrom(JSON.parse(text), file));
    expect(viaZod.length).toBeGreaterThan(0);
    expect(findingsOf(adoptSnapshotFrom(JSON.parse(text), file))).toStrictEqual(viaZod);
    expect(findingsOf(parseSnapshotText(text, file))).toStrictEqual(viaZod);
  });

  it('a generated snapshot with every benchmark drift: the findings of the zod path', () => {
    const text = JSON.stringify(generateSnapshot(20).snapshot);
    const viaZod = findingsOf(parseSnapshotFrom(JSON.parse(text)));
    expect(viaZod.some((finding) => finding.compliance === 'NON_COMPLIANT')).toBe(true);
    expect(findingsOf(adoptSnapshotFrom(JSON.parse(text)))).toStrictEqual(viaZod);
  });
});

describe('zod is loaded only when needed', () => {
  /** How often zod was required: while loading snapshot/load in a fresh registry, and during `use`. */
  function zodLoads(use: (load: typeof LoadModule) => void): { atImport: number; during: number } {
    let loads = 0;
    const counts = { atImport: 0, during: 0 };
    jest.isolateModules(() => {
      jest.doMock('zod', () => {
        loads++;
        return jest.requireActual('zod');
      });
      const load = jest.requireActual<typeof LoadModule>('../../snapshot/load');
      counts.atImport = loads;
      use(load);
      counts.during = loads - counts.atImport;
    });
    jest.dontMock('zod');
    return counts;
  }

  it('not for a valid snapshot read by parseSnapshotText', () => {
    const counts = zodLoads((load) => {
      for (const file of EXAMPLE_FILES) load.parseSnapshotText(exampleText(file), file);
    });
    expect(counts).toEqual({ atImport: 0, during: 0 });
  });

  it('for an invalid one, to name the problem', () => {
    const text = toText({ ...valid(), accountId: 'x' });
    const counts = zodLoads((load) => {
      expect(() => load.parseSnapshotText(text, 'f.json')).toThrow(
        'f.json: accountId: expected a 12-digit AWS account id',
      );
    });
    expect(counts).toEqual({ atImport: 0, during: 1 });
  });

  it('for parseSnapshot of a value the loader does not own', () => {
    const counts = zodLoads((load) => load.parseSnapshot(valid()));
    expect(counts).toEqual({ atImport: 0, during: 1 });
  });
});
