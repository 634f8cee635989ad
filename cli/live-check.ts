import pLimit from 'p-limit';
import { CallLedger } from '../aws/call-ledger';
import { UsageError } from '../engine/errors';
import type { Report } from '../engine/report';
import {
  checkSettings,
  checkSnapshot,
  exitCodeOf,
  formatImported,
  formatReport,
  type CheckOptions,
} from './check-command';
import { EXIT, PROGRAM, reportError } from './errors-exit';
import { formatJson } from './format/json';
import type { CliIo } from './io';
import { collectRegion, enabledRegions, parseRegionOption, type LiveDeps } from './live';
import { ledgerText, RegionProgress } from './progress';

/**
 * Regions collected at once. Each Region has its own EC2 and EKS rate limits, so more would
 * be allowed; four keeps the process's sockets and memory modest on a laptop or CI runner.
 */
export const REGION_CONCURRENCY = 4;

/** One Region of a live run: its report, or what failed. */
export type RegionResult = { region: string; report: Report } | { region: string; error: unknown };

/** A failed Region's error line; the Region is named once, whether or not the message already does. */
export function regionErrorText(region: string, error: unknown, debug: boolean): string {
  const { stderr } = reportError(error, debug);
  const firstLine = stderr.slice(0, stderr.indexOf('\n'));
  if (new RegExp(`\\b${region}\\b`).test(firstLine)) return stderr;
  const prefix = `${PROGRAM}: `;
  return `${prefix}${region}: ${stderr.slice(prefix.length)}`;
}

/**
 * Several Regions' reports on stdout, in Region order: JSON as an array of SPEC §5
 * documents, table and markdown as one section per Region, SARIF, JUnit and ASFF as one document.
 */
export function formatReports(
  reports: readonly Report[],
  options: Pick<CheckOptions, 'format' | 'all'>,
  io: Pick<CliIo, 'stdoutIsTTY' | 'env'>,
): string {
  if (options.format === 'json') {
    const documents = reports.map((report) => JSON.parse(formatJson(report)) as unknown);
    return `${JSON.stringify(documents, null, 2)}\n`;
  }
  if (options.format === 'sarif' || options.format === 'junit' || options.format === 'asff') {
    return formatImported(reports, options.format);
  }
  return reports.map((report) => formatReport(report, options.format, io, { all: options.all })).join('\n');
}

/**
 * Collects each Region of `--region R[,R…|all]` and evaluates it exactly as `check --snapshot`
 * evaluates a file: the live path `check` and `fix` share. Several Regions run concurrently
 * with progress on stderr; a failed Region is a result, not a throw, so the others still count.
 */
export async function liveRegionResults(
  options: Pick<CheckOptions, 'region' | 'snapshot' | 'profile' | 'rules' | 'param' | 'config'>,
  io: CliIo,
  loadDeps: () => Promise<LiveDeps>,
  debug = false,
): Promise<RegionResult[]> {
  if (options.region === undefined) throw new UsageError('give --region REGION');
  if (options.snapshot !== undefined) {
    throw new UsageError('give either --snapshot FILE or --region REGION, not both');
  }
  const settings = checkSettings(options);
  const requested = parseRegionOption(options.region);
  const { profile } = options;
  // Only now, with the command line known to be good, is the AWS SDK loaded.
  const deps = await loadDeps();

  let regions: string[];
  if (requested === 'all') {
    const ledger = new CallLedger();
    try {
      const listed = await enabledRegions(deps, profile, ledger);
      regions = listed.regions;
      if (regions.length > 1) {
        io.err(
          `checking ${regions.length} enabled Regions (listed by ec2:DescribeRegions in ${listed.home})\n`,
        );
      }
    } finally {
      if (debug && ledger.totalCalls > 0) io.err(ledgerText('the Region list', ledger));
    }
  } else {
    regions = requested;
  }

  const progress = regions.length > 1 ? new RegionProgress(regions.length, io.err) : undefined;
  const checkRegion = async (region: string): Promise<RegionResult> => {
    const ledger = new CallLedger();
    const start = deps.clock();
    try {
      const { snapshot } = await collectRegion(deps, { region, profile, ledger });
      const report = checkSnapshot(snapshot, settings);
      progress?.checked(region, snapshot.eks.clusters.length, ledger.totalCalls, deps.clock() - start);
      return { region, report };
    } catch (error) {
      progress?.failed(region, ledger.totalCalls, deps.clock() - start);
      return { region, error };
    } finally {
      if (debug) io.err(ledgerText(region, ledger));
    }
  };
  const limit = pLimit(REGION_CONCURRENCY);
  return Promise.all(regions.map((region) => limit(() => checkRegion(region))));
}

/**
 * `check --region R[,R…|all]`: collects each Region and evaluates it exactly as
 * `check --snapshot` evaluates a file. One Region prints what `--snapshot` prints and
 * throws its error like any other; several run concurrently with progress on stderr, and a
 * failed Region is reported (exit 2) without hiding the others' results.
 */
export async function runLiveCheck(
  options: CheckOptions,
  io: CliIo,
  loadDeps: () => Promise<LiveDeps>,
  debug = false,
): Promise<number> {
  const results = await liveRegionResults(options, io, loadDeps, debug);

  if (results.length === 1) {
    const [only] = results as [RegionResult];
    if (!('report' in only)) throw only.error;
    io.out(formatReport(only.report, options.format, io, { all: options.all }));
    return exitCodeOf([only.report], options.failOn);
  }

  const reports = results.flatMap((result) => ('report' in result ? [result.report] : []));
  io.out(formatReports(reports, options, io));
  const failed = results.flatMap((result) => ('report' in result ? [] : [result]));
  for (const result of failed) io.err(regionErrorText(result.region, result.error, debug));
  return failed.length > 0 ? EXIT.usage : exitCodeOf(reports, options.failOn);
}
