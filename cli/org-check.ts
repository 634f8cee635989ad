import { UsageError } from '../engine/errors';
import type { Report } from '../engine/report';
import { checkSettings, checkSnapshot, exitCodeOf, type CheckOptions } from './check-command';
import { EXIT } from './errors-exit';
import { escapeCell } from './format/markdown';
import { drawTable, type Column, type TableRow } from './format/table';
import { colors } from './format/text';
import { colorEnabled, type CliIo } from './io';
import type { LiveDeps } from './live';
import { formatReports } from './live-check';
import { accountsPlan, type OrgFlags } from './org-options';
import { accountErrorLine, collectAccounts, failureLines, type AccountRegionResult } from './org-run';

export type OrgCheckOptions = CheckOptions & OrgFlags;

/** One row of the summary: an account × Region's counts, or its error's first line. */
interface SummaryRow {
  accountId: string;
  region: string;
  report?: Report;
  error?: string;
}

const SUMMARY_COLUMNS: readonly Column[] = [
  { header: 'Account', width: 14 },
  { header: 'Region', width: 16 },
  { header: 'Clusters', width: 10 },
  { header: 'NON_COMPLIANT', width: 15 },
  { header: 'INSUFFICIENT_DATA', width: 19 },
];

function clusters(report: Report): number {
  return new Set(report.findings.map((finding) => finding.resourceId)).size;
}

/**
 * The table format's summary: 80 columns wide, so an error is a note under its row (`error:
 * …`) rather than a sixth column too narrow to read.
 */
function summaryTable(rows: readonly SummaryRow[], io: Pick<CliIo, 'stdoutIsTTY' | 'env'>): string {
  const c = colors(colorEnabled(io));
  const tableRows: TableRow[] = rows.flatMap((row): TableRow[] =>
    row.report
      ? [
          {
            cells: [
              row.accountId,
              row.region,
              String(clusters(row.report)),
              String(row.report.summary.NON_COMPLIANT),
              String(row.report.summary.INSUFFICIENT_DATA),
            ],
          },
        ]
      : [{ cells: [row.accountId, row.region, 'error', '-', '-'] }, { note: `error: ${row.error ?? ''}` }],
  );
  return `${drawTable(SUMMARY_COLUMNS, tableRows, c)}\n`;
}

function summaryMarkdown(rows: readonly SummaryRow[]): string {
  const lines = [
    '## Accounts',
    '',
    '| Account | Region | Clusters | NON_COMPLIANT | INSUFFICIENT_DATA | Error |',
    '|---|---|---:|---:|---:|---|',
    ...rows.map((row) =>
      row.report
        ? `| \`${row.accountId}\` | \`${row.region}\` | ${clusters(row.report)} | ${row.report.summary.NON_COMPLIANT} | ${row.report.summary.INSUFFICIENT_DATA} | |`
        : `| \`${row.accountId}\` | \`${row.region}\` | - | - | - | ${escapeCell(row.error ?? '')} |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * The report of an organization run on stdout: JSON as an array of SPEC §5 documents, one per
 * account × Region checked; table and markdown as a summary of every account × Region (errors
 * included) then each one's findings; SARIF, JUnit and ASFF as one document.
 */
export function formatAccountsReport(
  rows: readonly SummaryRow[],
  options: Pick<CheckOptions, 'format' | 'all'>,
  io: Pick<CliIo, 'stdoutIsTTY' | 'env'>,
): string {
  const reports = rows.flatMap((row) => (row.report ? [row.report] : []));
  const findings = reports.length > 0 ? formatReports(reports, options, io) : '';
  if (options.format === 'table') return `${summaryTable(rows, io)}\n${findings}`;
  if (options.format === 'markdown') return `${summaryMarkdown(rows)}\n${findings}`;
  return reports.length > 0 || options.format !== 'json' ? findings : '[]\n';
}

/**
 * `check --org | --accounts ID,… --region R[,R…|all]`: every account × Region collected with
 * the account's member role and checked as `check --snapshot` checks a file. A failed account
 * or account × Region is one stderr line and exit code 2; the others still report.
 */
export async function runOrgCheck(
  options: OrgCheckOptions,
  io: CliIo,
  loadDeps: () => Promise<LiveDeps>,
  debug = false,
  concurrency?: number,
): Promise<number> {
  const plan = accountsPlan(options);
  if (plan === undefined) throw new UsageError('give --org or --accounts');
  if (options.region === undefined)
    throw new UsageError('--org and --accounts need --region REGION[,REGION…|all]');
  const settings = checkSettings(options);
  const deps = await loadDeps();
  const { results } = await collectAccounts(plan, deps, io, {
    region: options.region,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    consume: (collected) => checkSnapshot(collected.snapshot, settings),
    clustersOf: (collected) => collected.snapshot.eks.clusters.length,
    debug,
    ...(concurrency === undefined ? {} : { concurrency }),
  });
  const errors = failureLines(results, debug);
  const rows = results.map((result: AccountRegionResult<Report>): SummaryRow => {
    if ('value' in result)
      return { accountId: result.accountId, region: result.region, report: result.value };
    return { accountId: result.accountId, region: result.region, error: accountErrorLine(result.error) };
  });
  io.out(formatAccountsReport(rows, options, io));
  for (const line of errors) io.err(line);
  const reports = rows.flatMap((row) => (row.report ? [row.report] : []));
  return errors.length > 0 ? EXIT.usage : exitCodeOf(reports, options.failOn);
}
