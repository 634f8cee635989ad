import type * as z from 'zod';
import { SnapshotError } from '../engine/errors';
import { SnapshotSchema, type Snapshot } from './schema';

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

/** Validates a parsed JSON value as a snapshot; throws SnapshotError naming the first bad path. */
export function parseSnapshot(value: unknown): Snapshot {
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
  const result = SnapshotSchema.safeParse(value, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const more =
      result.error.issues.length > 1 ? ` (and ${result.error.issues.length - 1} more problems)` : '';
    throw new SnapshotError(`${formatPath(issue.path)}: ${describeIssue(issue)}${more}`);
  }
  return result.data;
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

/** parseSnapshot of an already parsed value, its messages prefixed with `source`. */
export function parseSnapshotFrom(value: unknown, source = 'snapshot'): Snapshot {
  try {
    return parseSnapshot(value);
  } catch (error) {
    if (error instanceof SnapshotError) throw new SnapshotError(`${source}: ${error.message}`);
    throw error;
  }
}

/** Parses snapshot text; `source` names the file in messages. */
export function parseSnapshotText(text: string, source = 'snapshot'): Snapshot {
  return parseSnapshotFrom(parseSnapshotJson(text, source), source);
}
