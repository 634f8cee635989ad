import { UsageError } from '../engine/errors';
import { evaluateSnapshot } from '../engine/evaluate';
import { buildReport, type Report } from '../engine/report';
import { parseSnapshotText } from '../snapshot/load';
import { SnapshotView } from '../snapshot/view';
import { loadConfigFile } from './config-file';
import { EXIT } from './errors-exit';
import { formatJson } from './format/json';
import { formatMarkdown } from './format/markdown';
import { formatTable } from './format/table';
import { colors } from './format/text';
import { colorEnabled, type CliIo } from './io';
import { readUserFile } from './read-file';
import { resolveCheckSettings } from './settings';

export const CHECK_FORMATS = ['table', 'json', 'markdown'] as const;
export type CheckFormat = (typeof CHECK_FORMATS)[number];

export interface CheckOptions {
  snapshot?: string;
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
 * `check --snapshot FILE`: settings are validated before the snapshot is read (a typo in
 * a parameter should not wait on a large file), then every selected rule runs on every
 * cluster. Returns SPEC §6's exit code; usage problems throw UsageError.
 */
export function runCheck(options: CheckOptions, io: CliIo): number {
  if (options.snapshot === undefined) {
    throw new UsageError('give --snapshot FILE (live checks with --region come in a later version)');
  }
  const cli = { rules: options.rules, params: options.param };
  const { rules, params } =
    options.config === undefined
      ? resolveCheckSettings(cli)
      : resolveCheckSettings(cli, loadConfigFile(options.config), `config file ${options.config}`);
  const text = readUserFile(options.snapshot, 'snapshot');
  const source = options.snapshot === '-' ? 'standard input' : options.snapshot;
  const view = new SnapshotView(parseSnapshotText(text, source));
  const report = buildReport(view, evaluateSnapshot(view, rules, params));
  io.out(formatReport(report, options.format, io, { all: options.all }));
  return report.summary.NON_COMPLIANT > 0 ? EXIT.nonCompliant : EXIT.ok;
}
