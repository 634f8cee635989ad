import fc from 'fast-check';
import { SnapshotError } from '../../engine/errors';
import { parseSnapshot, parseSnapshotText } from '../../snapshot/load';
import { applyPathMutation, pathMutations, type Key, type PathMutation } from '../../testkit/json-mutations';
import { privateClustersSnapshot } from '../../testkit/private-cluster';

/*
 * Property: whatever a partial or damaged capture looks like, the loader either accepts it or
 * rejects it with a SnapshotError whose message is one line starting with the JSON path at
 * fault. Never another error type (that would be a stack trace for the user), never a
 * multi-line message (the CLI prints exactly one line).
 */

// A JSON round trip: the fixture shares some objects between groups, and a mutation must hit one spot.
const BASE = JSON.parse(JSON.stringify(privateClustersSnapshot(2).snapshot)) as unknown;
const clone = () => JSON.parse(JSON.stringify(BASE)) as unknown;

type Mutation = PathMutation;

/** Delete a section, delete a field, null anything, swap a number and a string. */
function mutationArbitrary(base: unknown): fc.Arbitrary<Mutation> {
  const m = pathMutations(base);
  const sections = m.select(
    ({ path }) => path.length === 1 || (path.length === 2 && path[0] !== 'schemaVersion'),
  );
  return fc.oneof(
    m.of('delete', sections),
    m.deleteMember,
    m.nullAnything,
    m.numberToString,
    m.stringToNumber,
  );
}

const applyMutation = applyPathMutation;

/** A path as the loader's messages (and jq) write it. */
function jsonPathText(path: readonly Key[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/** `ec2.Subnets[3].CidrBlock: …`, `eks.nodegroups["prod-0"][0].subnets: …` or `(root): …`. */
const STARTS_WITH_PATH =
  /^(?:\(root\)|[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): \S/;

function loadOutcome(value: unknown): { accepted: true } | { accepted: false; error: unknown } {
  try {
    parseSnapshot(value);
    return { accepted: true };
  } catch (error) {
    return { accepted: false, error };
  }
}

function expectWellFormedRejection(error: unknown): asserts error is SnapshotError {
  expect(error).toBeInstanceOf(SnapshotError);
  const message = (error as SnapshotError).message;
  expect(message).not.toMatch(/[\r\n]/);
  expect(message).toMatch(STARTS_WITH_PATH);
}

/** The path an error message names (before the first ": "). */
function namedPath(message: string): string {
  return message.slice(0, message.indexOf(': '));
}

describe('snapshot loader fuzz', () => {
  it('accepts or rejects with a one-line message naming a JSON path (1 to 4 mutations)', () => {
    fc.assert(
      fc.property(fc.array(mutationArbitrary(BASE), { minLength: 1, maxLength: 4 }), (mutations) => {
        const raw = clone();
        for (const mutation of mutations) applyMutation(raw, mutation);
        const outcome = loadOutcome(raw);
        if (!outcome.accepted) expectWellFormedRejection(outcome.error);
      }),
      { numRuns: 300 },
    );
  });

  it('a single rejected mutation is blamed on the path it changed', () => {
    fc.assert(
      fc.property(mutationArbitrary(BASE), (mutation: Mutation) => {
        const raw = clone();
        applyMutation(raw, mutation);
        const outcome = loadOutcome(raw);
        if (outcome.accepted) return;
        expectWellFormedRejection(outcome.error);
        const message = outcome.error.message;
        const path = jsonPathText(mutation.path);
        // A required member deleted or replaced, or one of its elements: the message names
        // it or something inside it (a replaced object fails on its first required field).
        const named = namedPath(message);
        expect(named === path || named.startsWith(`${path}.`) || named.startsWith(`${path}[`)).toBe(true);
        if (mutation.kind === 'delete') expect(message).toMatch(/\(missing\)$/);
        if (mutation.kind === 'null') expect(message).not.toMatch(/\(missing\)/);
      }),
      { numRuns: 300 },
    );
  });

  it('loads the untouched base snapshot', () => {
    expect(() => parseSnapshot(clone())).not.toThrow();
  });

  it('text that is cut off or corrupted fails as one line naming the file', () => {
    const text = JSON.stringify(BASE, null, 2);
    fc.assert(
      fc.property(
        fc.nat({ max: text.length - 1 }),
        fc.nat({ max: 40 }),
        fc.string({ maxLength: 3 }),
        (at, cut, insert) => {
          const damaged = text.slice(0, at) + insert + text.slice(Math.min(text.length, at + cut));
          try {
            parseSnapshotText(damaged, 'prod.json');
          } catch (error) {
            expect(error).toBeInstanceOf(SnapshotError);
            expect((error as Error).message).toMatch(/^prod\.json(:| is not valid JSON)/);
            expect((error as Error).message).not.toMatch(/[\r\n]/);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
