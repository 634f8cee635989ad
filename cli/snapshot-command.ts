import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  fsyncSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CallLedger } from '../aws/call-ledger';
import { UsageError } from '../engine/errors';
import { EXIT } from './errors-exit';
import { plural } from './format/text';
import type { CliIo } from './io';
import { collectRegion, parseRegionOption, type LiveDeps } from './live';
import { accountsPlan, type AccountsPlan, type OrgFlags } from './org-options';
import { formatSeconds, ledgerText } from './progress';

export interface SnapshotOptions extends OrgFlags {
  region: string;
  profile?: string;
  /** A file, or `-` for standard output. */
  out: string;
  /** `--vpc-id` values as given (each may be comma-separated). */
  vpcId?: string[];
}

const WRITE_ERRORS: Record<string, string> = {
  ENOENT: 'no such directory',
  ENOTDIR: 'a parent is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a directory',
  ENOSPC: 'no space left on the device',
  EROFS: 'read-only file system',
  EDQUOT: 'disk quota exceeded',
};

function describeWriteError(error: unknown): string {
  const { code, message } = error as NodeJS.ErrnoException;
  return (code && WRITE_ERRORS[code]) ?? message;
}

/**
 * Writes `text` so that `path` holds either its old content or all of the new one, never a
 * half-written file: a temporary file in the same directory (same file system, so rename
 * is atomic), flushed to disk, then renamed over `path`. On any failure the temporary file
 * is removed and `path` is left as it was.
 */
export function writeFileAtomically(path: string, text: string): void {
  const temp = join(
    dirname(resolve(path)),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  try {
    const fd = openSync(temp, 'wx');
    try {
      writeFileSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new UsageError(`cannot write snapshot ${path}: ${describeWriteError(error)}`);
  }
}

/** Fails before any AWS call when the output cannot be written where asked. */
function checkOutputPath(path: string): void {
  const dir = dirname(resolve(path));
  let isDirectory: boolean;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch (error) {
    throw new UsageError(`cannot write snapshot ${path}: ${describeWriteError(error)}`);
  }
  if (!isDirectory) throw new UsageError(`cannot write snapshot ${path}: ${dir} is not a directory`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`cannot write snapshot ${path}: ${describeWriteError(error)}`);
  }
  const existing = statSync(path, { throwIfNoEntry: false });
  if (existing?.isDirectory()) throw new UsageError(`cannot write snapshot ${path}: it is a directory`);
}

const VPC_ID = /^vpc-[0-9a-f]+$/;

/** `--vpc-id` values, comma-separated or repeated, each once; undefined = the whole Region. */
export function parseVpcIds(values: readonly string[] | undefined): string[] | undefined {
  if (values === undefined) return undefined;
  const ids = values
    .flatMap((value) => value.split(','))
    .map((id) => id.trim())
    .filter((id) => id.length > 0);
  if (ids.length === 0) throw new UsageError('--vpc-id: no VPC id given (leave it out for the whole Region)');
  for (const id of ids) {
    if (!VPC_ID.test(id))
      throw new UsageError(`--vpc-id "${id}" is not a VPC id (e.g. vpc-0a1b2c3d4e5f67890)`);
  }
  return [...new Set(ids)];
}

/**
 * `snapshot --region R --out FILE`: collects one account/Region (or some of its VPCs),
 * validates it as `check --snapshot` would, and writes it as pretty JSON. A one-line
 * summary goes to stderr, so `--out -` can be piped.
 */
export async function runSnapshot(
  options: SnapshotOptions,
  io: CliIo,
  loadDeps: () => Promise<LiveDeps>,
  debug = false,
): Promise<number> {
  const plan = accountsPlan(options);
  if (plan !== undefined) return runOrgSnapshot(options, plan, io, loadDeps, debug);
  const regions = parseRegionOption(options.region);
  if (regions === 'all' || regions.length > 1) {
    throw new UsageError('snapshot takes one Region (a snapshot holds one account and Region)');
  }
  const region = regions[0]!;
  const vpcIds = parseVpcIds(options.vpcId);
  const toStdout = options.out === '-';
  if (!toStdout) checkOutputPath(options.out);
  const deps = await loadDeps();

  const ledger = new CallLedger();
  const start = deps.clock();
  let collected;
  try {
    collected = await collectRegion(deps, {
      region,
      profile: options.profile,
      ledger,
      ...(vpcIds ? { scope: { vpcIds } } : {}),
    });
  } finally {
    if (debug) io.err(ledgerText(region, ledger));
  }
  const elapsed = deps.clock() - start;

  if (toStdout) io.out(collected.text);
  else writeFileAtomically(options.out, collected.text);

  const { snapshot } = collected;
  const vpcs = snapshot.ec2?.Vpcs?.length ?? 0;
  io.err(
    `${region} (account ${snapshot.accountId}): ${plural(snapshot.eks.clusters.length, 'cluster')}, ` +
      `${plural(vpcs, 'VPC')}, ${plural(ledger.totalCalls, 'API call')}, ${formatSeconds(elapsed)}; ` +
      `snapshot written to ${toStdout ? 'standard output' : options.out}\n`,
  );
  return EXIT.ok;
}

/** A snapshot file of an organization run: `<account>-<region>.json`, one per account × Region. */
export function accountSnapshotName(accountId: string, region: string): string {
  return `${accountId}-${region}.json`;
}

/**
 * `snapshot --org | --accounts … --region R[,R…|all] --out DIR`: one validated snapshot file per
 * account × Region, each written whole as it is collected (so no snapshot waits in memory for the
 * others). A failed account or account × Region is one stderr line and exit code 2.
 */
export async function runOrgSnapshot(
  options: SnapshotOptions,
  plan: AccountsPlan,
  io: CliIo,
  loadDeps: () => Promise<LiveDeps>,
  debug = false,
  concurrency?: number,
): Promise<number> {
  if (options.out === '-') {
    throw new UsageError('--org and --accounts write one file per account and Region: give --out DIRECTORY');
  }
  if (options.vpcId !== undefined) {
    throw new UsageError('--vpc-id names VPCs of one account; it does not apply to --org or --accounts');
  }
  parseRegionOption(options.region);
  const dir = options.out;
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`cannot write snapshots to ${dir}: ${describeWriteError(error)}`);
  }
  if (!statSync(dir).isDirectory()) throw new UsageError(`cannot write snapshots to ${dir}: not a directory`);
  const deps = await loadDeps();
  // Loaded here: it brings the Organizations client, which a one-account snapshot never needs.
  const { collectAccounts, failureLines } = await import('./org-run');
  const { results } = await collectAccounts(plan, deps, io, {
    region: options.region,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
    consume: (collected, job) => {
      const file = join(dir, accountSnapshotName(job.accountId, job.region));
      writeFileAtomically(file, collected.text);
      return file;
    },
    clustersOf: (collected) => collected.snapshot.eks.clusters.length,
    debug,
    ...(concurrency === undefined ? {} : { concurrency }),
  });
  const written = results.filter((result) => 'value' in result).length;
  const errors = failureLines(results, debug);
  io.err(`${plural(written, 'snapshot')} written to ${dir}\n`);
  for (const line of errors) io.err(line);
  return errors.length > 0 ? EXIT.usage : EXIT.ok;
}
