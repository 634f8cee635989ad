import {
  checkSettings,
  checkSnapshot,
  exitCodeOf,
  readSnapshotFile,
  snapshotOption,
  snapshotSource,
  type CheckOptions,
} from './check-command';
import { EXIT } from './errors-exit';
import { buildFixScript } from './fix-script';
import type { CliIo } from './io';
import type { LiveDeps } from './live';

/** `fix` takes what `check` takes, except the output options: it always prints a script. */
export type FixOptions = Pick<
  CheckOptions,
  'snapshot' | 'region' | 'profile' | 'rules' | 'param' | 'config' | 'failOn'
>;

/**
 * `fix --snapshot FILE`: checks the file as `check` does and prints the script of the
 * findings' fixes on stdout. Runs nothing. Returns check's exit code for the same findings.
 */
export function runFix(options: FixOptions, io: CliIo): number {
  const file = snapshotOption(options, 'fix');
  const settings = checkSettings(options);
  const snapshot = readSnapshotFile(file);
  const report = checkSnapshot(snapshot, settings);
  io.out(buildFixScript([report], { source: `snapshot ${snapshotSource(file)}` }));
  return exitCodeOf([report], options.failOn);
}

/**
 * `fix --region R[,R…|all]`: collects and checks live as `check --region` does (read-only
 * calls only), then prints one script for every Region checked. A Region that fails is named
 * in the script and on stderr, and the exit code is 2, as for check.
 */
export async function runLiveFix(
  options: FixOptions,
  io: CliIo,
  loadDeps: () => Promise<LiveDeps>,
  debug = false,
): Promise<number> {
  const { liveRegionResults, regionErrorText } = await import('./live-check');
  const results = await liveRegionResults(options, io, loadDeps, debug);
  if (results.length === 1 && 'error' in results[0]!) throw results[0].error;

  const reports = results.flatMap((result) => ('report' in result ? [result] : []));
  const failed = results.flatMap((result) => ('report' in result ? [] : [result]));
  const regions = results.map((result) => result.region);
  const source = `${regions.length > 1 ? 'Regions' : 'Region'} ${regions.join(', ')} (live)`;
  io.out(
    buildFixScript(
      reports.map((result) => result.report),
      { source, failedRegions: failed.map((result) => result.region) },
    ),
  );
  for (const result of failed) io.err(regionErrorText(result.region, result.error, debug));
  return failed.length > 0
    ? EXIT.usage
    : exitCodeOf(
        reports.map((result) => result.report),
        options.failOn,
      );
}
