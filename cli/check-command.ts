import { UsageError } from '../engine/errors';
import { evaluateSnapshot } from '../engine/evaluate';
import { buildReport, type Report } from '../engine/report';
import { adoptSnapshotFrom, parseSnapshotJson } from '../snapshot/load';
import type { Snapshot } from '../snapshot/schema';
import { SnapshotView } from '../snapshot/view';
import { EXIT } from './errors-exit';
import { formatJson, formatJsonChunks } from './format/json';
import { formatMarkdown } from './format/markdown';
import { formatTable } from './format/table';
import { colors } from './format/text';
import { colorEnabled, type CliIo } from './io';
import { readUserFile } from './read-file';
import { resolveCheckSettings, type CheckSettings } from './settings';

export const CHECK_FORMATS = ['table', 'json', 'markdown'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface CheckOptions {
  snapshot?: string;
  /** Live: `--region` as given (comma-separated Regions, or `all`). */
  region?: string;
  /** Live: a named AWS profile. */
  profile?: string;
  format: CheckFormat;
  /** `--rules` values as given (each may be comma-separated); undefined = not given. */
  rules?: string[];
  /** `--param NAME=VALUE` values in command-line order. */
  param?: string[];
  config?: string;
  /** Table format: list COMPLIANT findings too. */
  all?: boolean;
}

export function formatReport(
  report: Report,
  format: CheckFormat,
  io: Pick<CliIo, 'stdoutIsTTY' | 'env'>,
  tableOptions: { all?: boolean } = {},
): string {
  switch (format) {
    case 'json':
      return formatJson(report);
    case 'markdown':
      return formatMarkdown(report);
    case 'table':
      return formatTable(report, colors(colorEnabled(io)), tableOptions);
  }
}

/**
 * The rules and parameters a check runs with (config file merged with the command line).
 * Resolved before any snapshot is read or AWS called: a typo in a parameter should not
 * wait on a large file or a Region's worth of API calls.
 */
export function checkSettings(options: Pick<CheckOptions, 'rules' | 'param' | 'config'>): CheckSettings {
  const cli = { rules: options.rules, params: options.param };
  if (options.config === undefined) return resolveCheckSettings(cli);
  // Loaded on first use: the YAML reader and zod are a third of the CLI's start-up (issue 10).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { loadConfigFile } = require('./config-file') as typeof import('./config-file');
  return resolveCheckSettings(cli, loadConfigFile(options.config), `config file ${options.config}`);
}

/** The one evaluation path of `check`, whether the snapshot came from a file or from AWS. */
export function checkSnapshot(snapshot: Snapshot, settings: CheckSettings, now?: Date): Report {
  const view = new SnapshotView(snapshot);
  return buildReport(view, evaluateSnapshot(view, settings.rules, settings.params), now);
}

/** SPEC §6's exit code for evaluated reports: 1 when any holds a NON_COMPLIANT finding. */
export function exitCodeOf(reports: readonly Report[]): number {
  return reports.some((report) => report.summary.NON_COMPLIANT > 0) ? EXIT.nonCompliant : EXIT.ok;
}

/** The phases `check --snapshot --debug` times, in the order they run. */
export const CHECK_PHASES = ['read+parse', 'validation', 'view', 'rules', 'output'] as const;
export type CheckPhase = (typeof CHECK_PHASES)[number];

/** The `--debug` timing line on stderr: `debug: timing {"read+parse":812.3,…}` (milliseconds). */
export const TIMING_PREFIX = 'debug: timing ';

/**
 * `check --snapshot FILE`: every selected rule on every cluster of the file. Returns SPEC
 * §6's exit code; usage problems throw UsageError. `check --region` is runLiveCheck.
 * With `debug`, one line on stderr times each phase (stdout is unchanged).
 */
export function runCheck(options: CheckOptions, io: CliIo, debug = false): number {
  if (options.snapshot === undefined) {
    throw new UsageError('give --snapshot FILE, or --region REGION to check an account live');
  }
  if (options.profile !== undefined) {
    throw new UsageError('--profile applies to live checks (--region), not to --snapshot');
  }
  const settings = checkSettings(options);
  const timing: Partial<Record<CheckPhase, number>> = {};
  let mark = performance.now();
  const phase = (name: CheckPhase) => {
    const now = performance.now();
    timing[name] = Math.round((now - mark) * 10) / 10;
    mark = now;
  };
  const source = options.snapshot === '-' ? 'standard input' : options.snapshot;
  const value: unknown = parseSnapshotJson(readUserFile(options.snapshot, 'snapshot'), source);
  phase('read+parse');
  // Checked and normalized in place, not copied: the parsed tree is this function's alone.
  const snapshot = adoptSnapshotFrom(value, source);
  phase('validation');
  const view = new SnapshotView(snapshot);
  phase('view');
  const findings = evaluateSnapshot(view, settings.rules, settings.params);
  phase('rules');
  const report = buildReport(view, findings);
  if (options.format === 'json') {
    // Written as it is built: the 80 MB document of 10,000 clusters never is one string.
    for (const chunk of formatJsonChunks(report)) io.out(chunk);
  } else {
    io.out(formatReport(report, options.format, io, { all: options.all }));
  }
  phase('output');
  if (debug) io.err(`${TIMING_PREFIX}${JSON.stringify(timing)}\n`);
  return exitCodeOf([report]);
}
