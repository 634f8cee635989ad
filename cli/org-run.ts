import pLimit from 'p-limit';
import { CallLedger } from '../aws/call-ledger';
import { memberRoleArn } from '../aws/member-role';
import {
  AssumedRole,
  assumeRole,
  listOrganizationAccounts,
  type OrganizationAccount,
} from '../aws/organization';
import { UsageError } from '../engine/errors';
import { partitionOfRegion } from '../snapshot/load';
import { PROGRAM, reportError } from './errors-exit';
import type { CliIo } from './io';
import {
  collectRegion,
  homeRegion,
  listRegions,
  parseRegionOption,
  type Collected,
  type LiveDeps,
} from './live';
import type { AccountsPlan } from './org-options';
import { ledgerText, RegionProgress } from './progress';

/**
 * Account × Region collections in flight at once. Each one is paced by its own account and
 * Region's token buckets (aws/reader.ts: AWS throttles per account and Region), so one collection
 * spends most of its time waiting on EKS's 10 calls a second, not on this process: more run side by
 * side without slowing each other. Sixteen keeps the process bounded: at most 16 snapshots in
 * memory and 16 × 20 sockets (each collection sends at most 10 EC2 and 10 EKS calls at a time),
 * well under the usual 1,024 open files. bench/org.bench.ts measures it.
 */
export const ACCOUNT_REGION_CONCURRENCY = 16;

/** One account × Region of a run: what its collection gave (`value`), or why there is none. */
export type AccountRegionResult<T> = {
  accountId: string;
  /** The Region; for `--region all` in an account that could not be entered, `all`. */
  region: string;
  ledger: CallLedger;
} & ({ value: T } | { error: unknown; stage: 'assume' | 'regions' | 'collect' });

export interface AccountsRun<T> {
  /** In a stable order: accounts as planned (`--org`: by id), then Regions as named (`all`: alphabetical). */
  results: AccountRegionResult<T>[];
  /** The caller's own calls: organizations:ListAccounts pages and one sts:AssumeRole per account. */
  hubLedger: CallLedger;
}

export interface AccountsRunOptions<T> {
  /** `--region` as given. */
  region: string;
  profile?: string;
  /** Turns a collection into what the run keeps (a report, a written file), so snapshots are not held. */
  consume: (collected: Collected, job: { accountId: string; region: string }) => T;
  /** Clusters of `value`, for progress. */
  clustersOf: (collected: Collected) => number;
  concurrency?: number;
  debug?: boolean;
}

/** The one partition of the Regions: one role ARN and one set of credentials serve them all. */
function partitionOf(regions: readonly string[]): string {
  const partitions = [...new Set(regions.map(partitionOfRegion))];
  if (partitions.length > 1) {
    throw new UsageError(
      `--org and --accounts need Regions of one partition (an account's role lives in one): got ${partitions.join(', ')}`,
    );
  }
  return partitions[0]!;
}

/** ACTIVE accounts only: a SUSPENDED, PENDING_CLOSURE or CLOSED account cannot be entered. */
function activeAccounts(listed: readonly OrganizationAccount[], io: CliIo): string[] {
  const active = listed.filter((account) => account.state === 'ACTIVE').map((account) => account.id);
  const skipped = new Map<string, number>();
  for (const account of listed) {
    if (account.state !== 'ACTIVE') skipped.set(account.state, (skipped.get(account.state) ?? 0) + 1);
  }
  const note =
    skipped.size === 0
      ? ''
      : ` (skipped: ${[...skipped]
          .sort()
          .map(([state, n]) => `${n} ${state}`)
          .join(', ')})`;
  io.err(`checking ${active.length} ACTIVE accounts of the organization${note}\n`);
  return [...new Set(active)].sort();
}

/** What reportError says of `error`, without the program prefix (newline-terminated, as stderr writes it). */
function errorMessage(error: unknown, debug: boolean): string {
  return reportError(error, debug).stderr.slice(`${PROGRAM}: `.length);
}

/** The first line of what reportError says of `error`: the summary row's note for an account × Region. */
export function accountErrorLine(error: unknown): string {
  const message = errorMessage(error, false);
  const end = message.indexOf('\n');
  return (end < 0 ? message : message.slice(0, end)).trim();
}

/** `account 111122223333: …`: the stderr line of a failed account or account × Region. */
export function accountErrorText(
  result: { accountId: string; region: string; stage: string; error: unknown },
  debug: boolean,
): string {
  const prefix = `${PROGRAM}: `;
  const message = errorMessage(result.error, debug);
  const firstLine = message.slice(0, message.indexOf('\n'));
  const where =
    result.stage === 'assume' || new RegExp(`\\b${result.region}\\b`).test(firstLine)
      ? `account ${result.accountId}`
      : `account ${result.accountId}: ${result.region}`;
  return `${prefix}${where}: ${message}`;
}

/**
 * Collects every account × Region of `plan`: the accounts listed (`--org`) or named, each entered
 * once through its member role (sts:AssumeRole with the caller's credentials, in the first Region
 * named or, for `all`, the default Region), each Region collected with the account's credentials
 * and its own pacing. Jobs run account by account, at most `concurrency` at a time, so an account's
 * credentials serve a short span of the run. A failure belongs to its account (or account × Region)
 * and never stops the others.
 */
export async function collectAccounts<T>(
  plan: AccountsPlan,
  deps: LiveDeps,
  io: CliIo,
  options: AccountsRunOptions<T>,
): Promise<AccountsRun<T>> {
  const requested = parseRegionOption(options.region);
  const debug = options.debug === true;
  const home = requested === 'all' ? await homeRegion(deps, options.profile) : requested[0]!;
  const partition = partitionOf(requested === 'all' ? [home] : requested);

  const hubLedger = new CallLedger();
  const hub = deps.createHubClients({
    region: home,
    ...(options.profile === undefined ? {} : { profile: options.profile }),
  });
  try {
    let accounts = plan.accounts;
    if (plan.source === 'org') {
      let listed: OrganizationAccount[];
      try {
        listed = await listOrganizationAccounts(hub, home, hubLedger);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new UsageError(
          `cannot list the organization's accounts: ${message} (run --org from the management account or a delegated administrator, or name them with --accounts)`,
        );
      }
      accounts = activeAccounts(listed, io);
      if (accounts.length === 0) throw new UsageError('the organization lists no ACTIVE account');
    }

    const roles = new Map(
      accounts.map((accountId) => {
        const roleArn = memberRoleArn(partition, accountId, plan.roleName);
        const request = {
          roleArn,
          ...(plan.externalId === undefined ? {} : { externalId: plan.externalId }),
        };
        return [accountId, new AssumedRole(() => assumeRole(hub, request, home, hubLedger))] as const;
      }),
    );

    const limit = pLimit(options.concurrency ?? ACCOUNT_REGION_CONCURRENCY);
    const progress = new RegionProgress(requested === 'all' ? 0 : accounts.length * requested.length, io.err);
    const order = new Map(accounts.map((id, index) => [id, index]));
    const results: AccountRegionResult<T>[] = [];
    const pending: Promise<void>[] = [];

    const regionJob = (accountId: string, region: string) => async () => {
      const ledger = new CallLedger();
      const role = roles.get(accountId)!;
      const start = deps.clock();
      const label = `${accountId} ${region}`;
      try {
        await role.provide();
      } catch (error) {
        progress.skipped(label);
        results.push({ accountId, region, ledger, error, stage: 'assume' });
        return;
      }
      try {
        const collected = await collectRegion(deps, { region, ledger, credentials: role.provide, accountId });
        const value = options.consume(collected, { accountId, region });
        progress.checked(label, options.clustersOf(collected), ledger.totalCalls, deps.clock() - start);
        results.push({ accountId, region, ledger, value });
      } catch (error) {
        progress.failed(label, ledger.totalCalls, deps.clock() - start);
        results.push({ accountId, region, ledger, error, stage: 'collect' });
      } finally {
        if (debug) io.err(ledgerText(`account ${accountId} ${region}`, ledger));
      }
    };

    // `all`: each account's enabled Regions, listed in the account itself (opt-in Regions differ).
    const regionsJob = (accountId: string) => async () => {
      const ledger = new CallLedger();
      const role = roles.get(accountId)!;
      let regions: string[];
      try {
        await role.provide();
      } catch (error) {
        results.push({ accountId, region: 'all', ledger, error, stage: 'assume' });
        return;
      }
      try {
        regions = await listRegions(deps, { region: home, credentials: role.provide, accountId }, ledger);
      } catch (error) {
        results.push({ accountId, region: 'all', ledger, error, stage: 'regions' });
        return;
      } finally {
        if (debug) io.err(ledgerText(`account ${accountId} (Region list)`, ledger));
      }
      progress.add(regions.length);
      for (const region of regions) pending.push(limit(regionJob(accountId, region)));
    };

    for (const accountId of accounts) {
      if (requested === 'all') pending.push(limit(regionsJob(accountId)));
      else for (const region of requested) pending.push(limit(regionJob(accountId, region)));
    }
    // Jobs queued while others run (`all`) are awaited too.
    for (let done = 0; done < pending.length; done += 1) await pending[done];

    const regionRank = (region: string) =>
      requested === 'all' ? region : String(requested.indexOf(region)).padStart(4, '0');
    results.sort(
      (a, b) =>
        order.get(a.accountId)! - order.get(b.accountId)! ||
        (regionRank(a.region) < regionRank(b.region)
          ? -1
          : regionRank(a.region) > regionRank(b.region)
            ? 1
            : 0),
    );
    return { results, hubLedger };
  } finally {
    deps.destroyHubClients(hub);
    if (debug && hubLedger.totalCalls > 0)
      io.err(ledgerText('the caller (ListAccounts, AssumeRole)', hubLedger));
  }
}

/** Errors of a run, one stderr line each: an account that could not be entered once, not once per Region. */
export function failureLines<T>(results: readonly AccountRegionResult<T>[], debug: boolean): string[] {
  const lines: string[] = [];
  const assumed = new Set<string>();
  for (const result of results) {
    if (!('error' in result)) continue;
    if (result.stage === 'assume') {
      if (assumed.has(result.accountId)) continue;
      assumed.add(result.accountId);
    }
    lines.push(accountErrorText(result, debug));
  }
  return lines;
}
