import type * as z from 'zod';
import { MAX_LISTED_PROBLEMS, SnapshotError } from '../engine/errors';
import type { Snapshot, SnapshotSchema } from './schema';
import { validateSnapshotInPlace } from './validate-in-place';

/**
 * The zod schema, loaded on first use: requiring zod costs ~35 ms of CLI start-up, and a
 * snapshot the CLI reads only needs it when the in-place check rejects it (for the message).
 */
function snapshotSchema(): typeof SnapshotSchema {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy, synchronous load; `import` would load zod at start-up
  return (require('./schema') as { SnapshotSchema: typeof SnapshotSchema }).SnapshotSchema;
}

/** Partition of a Region (SPEC §2: derived when the snapshot does not say). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-isof-')) return 'aws-iso-f';
  if (region.startsWith('eu-isoe-')) return 'aws-iso-e';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** `ec2.Subnets[3].CidrBlock`: the JSON path as a user would type it into jq. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out ? `.${key}` : key;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out || '(root)';
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return `expected ${issue.expected}${input === undefined ? ' (missing)' : ''}`;
    case 'invalid_value':
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_format':
    case 'custom':
      return issue.message;
    default:
      return issue.message;
  }
}

/** The checks made before anything else, with their own messages (SPEC §2). */
function checkRoot(value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new SnapshotError('(root): expected a JSON object');
  }
  // Any other schemaVersion is rejected before anything else is checked (SPEC §2).
  const version = (value as Record<string, unknown>).schemaVersion;
  if (version !== 1) {
    throw new SnapshotError(
      version === undefined
        ? 'schemaVersion: expected 1 (missing)'
        : `schemaVersion: unsupported value ${JSON.stringify(version)} (this version reads schemaVersion 1)`,
    );
  }
}

/**
 * zod's verdict: its output (a normalized copy), or a SnapshotError whose message names the
 * first bad path and counts the others, and which lists up to MAX_LISTED_PROBLEMS of them.
 */
function parseWithSchema(value: Record<string, unknown>): Snapshot {
  const result = snapshotSchema().safeParse(value, { reportInput: true });
  if (!result.success) {
    const { issues } = result.error;
    const listed = issues
      .slice(0, MAX_LISTED_PROBLEMS)
      .map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`);
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problems)` : '';
    throw new SnapshotError(`${listed[0]!}${more}`, { listed, count: issues.length });
  }
  return result.data;
}

/** Validates a parsed JSON value as a snapshot; throws SnapshotError naming the bad paths. */
export function parseSnapshot(value: unknown): Snapshot {
  checkRoot(value);
  return parseWithSchema(value);
}

/** Runs `load`, its SnapshotErrors prefixed with `source`. */
function fromSource<T>(source: string, load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof SnapshotError) throw error.from(source);
    throw error;
  }
}

/** JSON.parse of snapshot text; a syntax error is a one-line SnapshotError naming `source`. */
export function parseSnapshotJson(text: string, source = 'snapshot'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    // V8 quotes the input around the error, line breaks included: keep the error one line.
    throw new SnapshotError(
      `${source} is not valid JSON: ${(error as Error).message.replace(/\r?\n/g, '\\n')}`,
    );
  }
}

/**
 * parseSnapshot of an already parsed value, its messages prefixed with `source`. Leaves
 * `value` untouched: for values the caller does not own (caches, drift, tests).
 */
export function parseSnapshotFrom(value: unknown, source = 'snapshot'): Snapshot {
  return fromSource(source, () => parseSnapshot(value));
}

/**
 * parseSnapshotFrom for a value the caller owns (fresh from JSON.parse, shared with nobody):
 * same verdict and messages, but a valid snapshot is checked and normalized in place
 * (validate-in-place.ts) and returned itself, without zod or a copy. It keeps keys the schema
 * does not declare. `value` must not be used as anything but the result afterwards, even
 * when this throws (it may be partly normalized).
 */
export function adoptSnapshotFrom(value: unknown, source = 'snapshot'): Snapshot {
  return fromSource(source, () => {
    checkRoot(value);
    return validateSnapshotInPlace(value) ? value : parseWithSchema(value);
  });
}

/** Parses snapshot text; `source` names the file in messages. */
export function parseSnapshotText(text: string, source = 'snapshot'): Snapshot {
  return adoptSnapshotFrom(parseSnapshotJson(text, source), source);
}
