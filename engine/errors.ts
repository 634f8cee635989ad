/** Input the user must fix (bad snapshot, parameter, config or usage): CLI exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** How many of a snapshot's problems an error lists; the rest are counted (`… and 30 more`). */
export const MAX_LISTED_PROBLEMS = 20;

/** What SnapshotError knows beyond its one-line message. */
export interface SnapshotProblems {
  /** The first problems found (at most MAX_LISTED_PROBLEMS), each `path: what is wrong`, in document order. */
  listed: readonly string[];
  /** How many problems were found in all (at least `listed.length`). */
  count: number;
  /** What the snapshot is (a file name, `standard input`), when the message names it. */
  source?: string;
}

/**
 * A snapshot that is not JSON or does not match SPEC §2; the message names the JSON path.
 * `message` is always one line (the first problem, the others counted), for the drivers that
 * log one line; the CLI lists every problem with `problemLines`.
 */
export class SnapshotError extends UsageError {
  override name = 'SnapshotError';
  readonly problems: SnapshotProblems;

  constructor(message: string, problems?: SnapshotProblems) {
    super(message);
    this.problems = problems ?? { listed: [message], count: 1 };
  }

  /** The same problems, named as coming from `source` (`prod.json: ec2.Subnets[3]…`). */
  from(source: string): SnapshotError {
    return new SnapshotError(`${source}: ${this.message}`, { ...this.problems, source });
  }

  /**
   * The problems one line each: the message alone when there is one; else a line naming the
   * source and the count, then up to MAX_LISTED_PROBLEMS problems indented, then
   * `… and N more` for the rest.
   */
  problemLines(): string[] {
    const { listed, count, source } = this.problems;
    if (count <= 1 || listed.length === 0) return [this.message];
    const lines = [`${source === undefined ? '' : `${source}: `}${count} problems in the snapshot:`];
    for (const problem of listed.slice(0, MAX_LISTED_PROBLEMS)) lines.push(`  ${problem}`);
    const rest = count - Math.min(listed.length, MAX_LISTED_PROBLEMS);
    if (rest > 0) lines.push(`  … and ${rest} more`);
    return lines;
  }
}

/** A parameter name or value outside SPEC §4's table; the message names the allowed values. */
export class ParameterError extends UsageError {
  override name = 'ParameterError';
}
