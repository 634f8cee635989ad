/*
 * Damage for fuzz tests of the loader and the engine: delete a member, null anything, turn a
 * number into a string or a string into a number, at any JSON path of a snapshot.
 */
import fc from 'fast-check';

export type Key = string | number;
export type PathMutationKind = 'delete' | 'null' | 'toString' | 'toNumber';
export interface PathMutation {
  kind: PathMutationKind;
  path: Key[];
}
export interface JsonPath {
  path: Key[];
  value: unknown;
}

/** Every JSON path of `value` below the root, with the value found there. */
export function pathsOf(value: unknown, path: Key[] = [], out: JsonPath[] = []): JsonPath[] {
  if (path.length > 0) out.push({ path, value });
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...path, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) pathsOf(item, [...path, key], out);
  }
  return out;
}

/** Arbitraries of the path mutations of `base`, for callers to weigh and combine. */
export function pathMutations(base: unknown) {
  const paths = pathsOf(base);
  const select = (keep: (p: JsonPath) => boolean) => paths.filter(keep).map((p) => p.path);
  const of = (kind: PathMutationKind, list: Key[][]) =>
    fc.constantFrom(...list).map((path): PathMutation => ({ kind, path }));
  return {
    select,
    of,
    deleteMember: of(
      'delete',
      select(({ path }) => typeof path[path.length - 1] === 'string'),
    ),
    nullAnything: of(
      'null',
      select(() => true),
    ),
    numberToString: of(
      'toString',
      select(({ value }) => typeof value === 'number'),
    ),
    stringToNumber: of(
      'toNumber',
      select(({ value }) => typeof value === 'string'),
    ),
  };
}

/** Applies `mutation` in place; a path an earlier mutation removed is left alone. */
export function applyPathMutation(root: unknown, { kind, path }: PathMutation): void {
  let parent = root as Record<Key, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = parent?.[key];
    if (next === null || typeof next !== 'object') return;
    parent = next as Record<Key, unknown>;
  }
  const key = path[path.length - 1]!;
  if (!(key in parent)) return;
  const value = parent[key];
  if (kind === 'delete') delete parent[key];
  else if (kind === 'null') parent[key] = null;
  else if (kind === 'toString' && typeof value === 'number') parent[key] = String(value);
  else if (kind === 'toNumber' && typeof value === 'string') {
    const number = Number(value);
    parent[key] = Number.isFinite(number) && value.trim() !== '' ? number : value.length;
  }
}
