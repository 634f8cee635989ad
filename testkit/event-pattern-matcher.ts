/**
 * A subset of Amazon EventBridge event-pattern matching, so tests can check events against the same pattern that
 * is deployed. Semantics follow the EventBridge user guide ("Event pattern
 * syntax", "Arrays in event patterns", "Content filtering", "Matching null values"):
 *
 * - A pattern is an object; each field is either a nested pattern object or a non-empty array of matchers.
 * - Fields are ANDed; the matchers in one array are ORed.
 * - When the event value is an array, the field matches if ANY element matches (non-empty intersection).
 * - Exact values are strings, numbers, booleans or null, compared by JSON type and value ("5" never equals 5).
 * - `{"exists": bool}` looks at leaf values only: a missing field, an object, or an empty array has none.
 * - `{"prefix": "s"}` matches string values only.
 * - `{"anything-but": v | [v...] | {"prefix": "s"}}` needs a leaf value that is present and not excluded.
 *
 * Anything else (numeric, cidr, suffix, wildcard, $or, …) is rejected when the pattern is compiled, so a pattern the
 * matcher does not understand can never silently match or miss.
 */

export type JsonScalar = string | number | boolean | null;

export class EventPatternError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(`${path || '<root>'}: ${message}`);
    this.name = 'EventPatternError';
  }
}

type LeafMatcher =
  | { kind: 'exact'; value: JsonScalar }
  | { kind: 'exists'; exists: boolean }
  | { kind: 'prefix'; prefix: string }
  | { kind: 'anything-but'; values: readonly (string | number)[] }
  | { kind: 'anything-but-prefix'; prefix: string };

type CompiledNode =
  | { kind: 'object'; fields: readonly [string, CompiledNode][] }
  | { kind: 'leaf'; matchers: readonly LeafMatcher[] };

export interface CompiledPattern {
  matches(event: unknown): boolean;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is JsonScalar {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function compileAnythingBut(operand: unknown, path: string): LeafMatcher {
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length === 1 && keys[0] === 'prefix' && typeof operand.prefix === 'string') {
      return { kind: 'anything-but-prefix', prefix: operand.prefix };
    }
    throw new EventPatternError(`unsupported anything-but operand ${JSON.stringify(operand)}`, path);
  }
  const values = Array.isArray(operand) ? operand : [operand];
  // EventBridge accepts lists of only strings or only numbers here.
  const allStrings = values.every((v) => typeof v === 'string');
  const allNumbers = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (values.length === 0 || !(allStrings || allNumbers)) {
    throw new EventPatternError(
      'anything-but takes a string, a number, or a list of only one of those',
      path,
    );
  }
  return { kind: 'anything-but', values: values as (string | number)[] };
}

function compileMatcher(raw: unknown, path: string): LeafMatcher {
  if (isScalar(raw)) return { kind: 'exact', value: raw };
  if (!isPlainObject(raw)) {
    throw new EventPatternError(
      `matcher must be a value or an operator object, got ${JSON.stringify(raw)}`,
      path,
    );
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1) {
    throw new EventPatternError(
      `operator object must have exactly one key, got ${JSON.stringify(keys)}`,
      path,
    );
  }
  const [operator] = keys as [string];
  const operand = raw[operator];
  switch (operator) {
    case 'exists':
      if (typeof operand !== 'boolean') throw new EventPatternError('exists takes true or false', path);
      return { kind: 'exists', exists: operand };
    case 'prefix':
      if (typeof operand !== 'string') throw new EventPatternError('prefix takes a string', path);
      return { kind: 'prefix', prefix: operand };
    case 'anything-but':
      return compileAnythingBut(operand, path);
    default:
      throw new EventPatternError(`unsupported operator "${operator}"`, path);
  }
}

function compileNode(raw: unknown, path: string): CompiledNode {
  if (Array.isArray(raw)) {
    if (raw.length === 0) throw new EventPatternError('a matcher array must not be empty', path);
    return { kind: 'leaf', matchers: raw.map((m, i) => compileMatcher(m, `${path}[${i}]`)) };
  }
  if (isPlainObject(raw)) {
    const entries = Object.entries(raw);
    if (entries.length === 0) throw new EventPatternError('a pattern object must not be empty', path);
    return {
      kind: 'object',
      fields: entries.map(([key, value]) => [key, compileNode(value, path ? `${path}.${key}` : key)]),
    };
  }
  throw new EventPatternError(
    `field must be an array of matchers or a nested object, got ${JSON.stringify(raw)}`,
    path,
  );
}

/** Leaf values of an event field: arrays are flattened (any element may match), objects are not leaves. */
function leafValues(value: unknown): JsonScalar[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap(leafValues);
  return isScalar(value) ? [value] : [];
}

function matchesLeafValue(matcher: LeafMatcher, value: JsonScalar): boolean {
  switch (matcher.kind) {
    case 'exact':
      return value === matcher.value;
    case 'prefix':
      return typeof value === 'string' && value.startsWith(matcher.prefix);
    case 'anything-but':
      return !matcher.values.some((excluded) => excluded === value);
    case 'anything-but-prefix':
      return typeof value === 'string' && !value.startsWith(matcher.prefix);
    case 'exists':
      return matcher.exists;
  }
}

function matchesLeaf(matchers: readonly LeafMatcher[], eventValue: unknown): boolean {
  const values = leafValues(eventValue);
  return matchers.some((matcher) =>
    matcher.kind === 'exists'
      ? matcher.exists === values.length > 0
      : values.some((value) => matchesLeafValue(matcher, value)),
  );
}

function matchesNode(node: CompiledNode, eventValue: unknown): boolean {
  if (node.kind === 'leaf') return matchesLeaf(node.matchers, eventValue);
  // A nested pattern against an array of objects: one element must satisfy the whole nested pattern.
  if (Array.isArray(eventValue)) return eventValue.some((element) => matchesNode(node, element));
  if (isPlainObject(eventValue)) {
    return node.fields.every(([key, child]) =>
      matchesNode(child, Object.prototype.hasOwnProperty.call(eventValue, key) ? eventValue[key] : undefined),
    );
  }
  // No object here: only children that ask for absence can still match.
  return node.fields.every(([, child]) => matchesNode(child, undefined));
}

/** Validates `pattern` once (throwing EventPatternError on anything unsupported) and returns a reusable matcher. */
export function compileEventPattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) throw new EventPatternError('a pattern must be a JSON object', '');
  const root = compileNode(pattern, '');
  return { matches: (event: unknown) => matchesNode(root, event) };
}

export function matchesEventPattern(pattern: unknown, event: unknown): boolean {
  return compileEventPattern(pattern).matches(event);
}
