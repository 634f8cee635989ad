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
import { packageVersion } from './package-version';
import { readUserFile } from './read-file';
import { RULES } from '../rules';
import { resolveCheckSettings, type CheckSettings } from './settings';

/** SPEC §6's formats, then those security teams import (issue 11). */
export const CHECK_FORMATS = ['table', 'json', 'markdown', 'sarif', 'junit', 'asff'] as const;
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
  /** `--fail-on`: the findings that make the exit code 1 (default non-compliant, SPEC §6). */
  failOn?: FailOn;
}

/**
 * `--fail-on`: `non-compliant` (SPEC §6) exits 1 on a NON_COMPLIANT finding; `insufficient-data`
 * also on an INSUFFICIENT_DATA one, so a CI job can refuse an audit that could not check everything.
 */
export const FAIL_ON = ['non-compliant', 'insufficient-data'] as const;
export type FailOn = (typeof FAIL_ON)[number];

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
      return formatMarkdown(report, tableOptions);
    case 'table':
      return formatTable(report, colors(colorEnabled(io)), tableOptions);
    case 'sarif':
    case 'junit':
    case 'asff':
      return formatImported([report], format);
  }
}

/**
 * The formats other tools import, for one or several reports (a live check of several
 * Regions): one document in each case, since importers read one file.
 */
export function formatImported(reports: readonly Report[], format: 'sarif' | 'junit' | 'asff'): string {
  // Loaded when asked for, as the table's cli-table3 is: every other run of the CLI would pay
  // for them (SARIF's fingerprints load node:crypto) before reading its snapshot (issue 10).
  /* eslint-disable @typescript-eslint/no-require-imports */
  switch (format) {
    case 'sarif': {
      const { formatSarif } = require('./format/sarif') as typeof import('./format/sarif');
      // Every catalog rule, not just the selected ones: a rule's descriptor is its help text.
      return formatSarif(reports, RULES, { version: packageVersion() });
    }
    case 'junit': {
      const { formatJunit } = require('./format/junit') as typeof import('./format/junit');
      return formatJunit(...reports);
    }
    case 'asff': {
      const { asffFindings } = require('../securityhub/asff') as typeof import('../securityhub/asff');
      const findings = reports.flatMap((report) => asffFindings(report, RULES));
      return `${JSON.stringify(findings, null, 2)}\n`;
    }
  }
  /* eslint-enable @typescript-eslint/no-require-imports */
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

/**
 * SPEC §6's exit code for evaluated reports: 1 when any holds a NON_COMPLIANT finding, or with
 * `failOn` `insufficient-data` also an INSUFFICIENT_DATA one.
 */
export function exitCodeOf(reports: readonly Report[], failOn: FailOn = 'non-compliant'): number {
  const fails = (report: Report) =>
    report.summary.NON_COMPLIANT > 0 ||
    (failOn === 'insufficient-data' && report.summary.INSUFFICIENT_DATA > 0);
  return reports.some(fails) ? EXIT.nonCompliant : EXIT.ok;
}

/** The snapshot of `check --snapshot FILE` (or `fix`), where a live check would collect one. */
export function snapshotOption(
  options: Pick<CheckOptions, 'snapshot' | 'profile'>,
  command = 'check',
): string {
  if (options.snapshot === undefined) {
    throw new UsageError(`give --snapshot FILE, or --region REGION to ${command} an account live`);
  }
  if (options.profile !== undefined) {
    throw new UsageError('--profile applies to live checks (--region), not to --snapshot');
  }
  return options.snapshot;
}

/** `--snapshot FILE` as the messages name it. */
export function snapshotSource(file: string): string {
  return file === '-' ? 'standard input' : file;
}

/** Reads, parses and validates `--snapshot FILE` ('-': standard input); the tree is the caller's alone. */
export function readSnapshotFile(file: string): Snapshot {
  const source = snapshotSource(file);
  return adoptSnapshotFrom(parseSnapshotJson(readUserFile(file, 'snapshot'), source), source);
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
  const file = snapshotOption(options);
  const settings = checkSettings(options);
  const timing: Partial<Record<CheckPhase, number>> = {};
  let mark = performance.now();
  const phase = (name: CheckPhase) => {
    const now = performance.now();
    timing[name] = Math.round((now - mark) * 10) / 10;
    mark = now;
  };
  const source = snapshotSource(file);
  const value: unknown = parseSnapshotJson(readUserFile(file, 'snapshot'), source);
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
  return exitCodeOf([report], options.failOn);
}
