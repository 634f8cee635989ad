import { CommanderError } from 'commander';
import { SnapshotError, UsageError } from '../engine/errors';

/** SPEC §6 exit codes. */
export const EXIT = {
  /** No NON_COMPLIANT finding. */
  ok: 0,
  /** At least one NON_COMPLIANT finding. */
  nonCompliant: 1,
  /** Bad usage, parameter, config or snapshot; anything that prevented evaluation. */
  usage: 2,
} as const;

export const PROGRAM = 'private-eks-guard';

/** Collapses a multi-line message (commander's suggestions, YAML code frames) into one line. */
export function oneLine(message: string): string {
  return message
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .join(' ');
}

export interface ErrorReport {
  exitCode: number;
  /** What goes to stderr, newline-terminated; empty when nothing should be printed. */
  stderr: string;
}

/**
 * Turns anything thrown while running a command into SPEC §6's exit code and its one
 * stderr line. A user's mistake reads as a plain sentence; a bug says it is one, so
 * nobody mistakes it for a finding. A snapshot with several problems is the one exception:
 * a line naming the count, then one line per problem (issue 11). `debug` adds the stack.
 */
export function reportError(error: unknown, debug: boolean): ErrorReport {
  if (error instanceof CommanderError) return reportCommanderError(error);
  const err = error instanceof Error ? error : new Error(String(error));
  let stderr: string;
  if (err instanceof SnapshotError && err.problems.count > 1) {
    // A snapshot with several problems: each on its own line, so all can be fixed in one go.
    const [first, ...rest] = err.problemLines().map(oneLine);
    stderr = [`${PROGRAM}: ${first}`, ...rest.map((line) => `  ${line}`), ''].join('\n');
  } else {
    const line =
      err instanceof UsageError
        ? oneLine(err.message)
        : `internal error: ${oneLine(err.message) || err.name}${debug ? '' : ' (run with --debug for the stack trace)'}`;
    stderr = `${PROGRAM}: ${line}\n`;
  }
  if (debug && err.stack) stderr += `${err.stack}\n`;
  return { exitCode: EXIT.usage, stderr };
}

/**
 * Commander throws (exitOverride) for help and version output as well as for usage
 * errors; only the latter are failures. Its own error text is suppressed at the source
 * (configureOutput) and reprinted here in the one-line format.
 */
function reportCommanderError(error: CommanderError): ErrorReport {
  if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') {
    return { exitCode: EXIT.ok, stderr: '' };
  }
  // `help` (the command) exits 0; help shown because no command was given is a usage error.
  if (error.code === 'commander.help') {
    return error.exitCode === 0
      ? { exitCode: EXIT.ok, stderr: '' }
      : { exitCode: EXIT.usage, stderr: `${PROGRAM}: give a command: check, fix, snapshot or rules\n` };
  }
  const message = oneLine(error.message.replace(/^error:\s*/, ''));
  return { exitCode: EXIT.usage, stderr: `${PROGRAM}: ${message}\n` };
}
