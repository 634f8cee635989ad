import type { AwsClients, ClientOptions } from '../aws/clients';
import type { HubClients } from '../aws/hub-clients';
import type { AssumedCredentials } from '../aws/organization';
import type { CollectScope } from '../aws/collect';
import { CallLedger } from '../aws/call-ledger';
import { AwsReader } from '../aws/reader';
import { SnapshotError, UsageError } from '../engine/errors';
import { parseSnapshotText } from '../snapshot/load';
import type { Snapshot } from '../snapshot/schema';

/**
 * What the live commands need from AWS. The binary wires the real SDK (main.ts, loaded on
 * first use); tests hand in mocked clients or a fake collector, so every live path runs
 * in-process without AWS.
 */
export interface LiveDeps {
  createClients(options: ClientOptions): AwsClients;
  destroyClients(clients: AwsClients): void;
  /** The caller's Organizations and STS clients, for `--org` / `--accounts`. */
  createHubClients(options: ClientOptions): HubClients;
  destroyHubClients(clients: HubClients): void;
  /** The SPEC §2 JSON of one Region (aws/collect.ts). */
  collectSnapshot(reader: AwsReader, scope?: CollectScope): Promise<unknown>;
  /** ec2:DescribeRegions: the Regions enabled for the account, in the reader's partition. */
  listEnabledRegions(reader: AwsReader): Promise<string[]>;
  /** The Region the SDK would use without `region` (AWS_REGION, the profile's `region`, IMDS); undefined if none. */
  defaultRegion(profile: string | undefined): Promise<string | undefined>;
  /** Milliseconds, for the durations progress lines show. */
  clock(): number;
}

/** `eu-west-1`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`: an area, words, a number. */
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** `--region` as given: its Regions in the order named (each once), or `all`. */
export function parseRegionOption(text: string): string[] | 'all' {
  const names = text
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name) => name.length > 0);
  if (names.length === 0) throw new UsageError('--region: no Region given (e.g. --region eu-west-1)');
  if (names.includes('all')) {
    if (names.length > 1) throw new UsageError('--region all cannot be combined with other Regions');
    return 'all';
  }
  for (const name of names) {
    if (!REGION_NAME.test(name)) {
      throw new UsageError(`--region "${name}" is not a Region name (e.g. eu-west-1, cn-north-1)`);
    }
  }
  return [...new Set(names)];
}

/** A Region's collection, checked the way `check --snapshot` would check the file. */
export interface Collected {
  /** Pretty JSON with a final newline: what `snapshot --out` writes. */
  text: string;
  snapshot: Snapshot;
}

/**
 * Validates collected JSON through the exact text a snapshot file would hold, so a live
 * check sees what `check --snapshot` would see of the same file, and `snapshot` never
 * writes a file our own `check` rejects.
 */
export function validateCollected(raw: unknown, region: string): Collected {
  const text = `${JSON.stringify(raw, null, 2)}\n`;
  try {
    return { text, snapshot: parseSnapshotText(text, `the snapshot collected in ${region}`) };
  } catch (error) {
    if (!(error instanceof SnapshotError)) throw error;
    // AWS answered a shape the schema rejects, or the collector has a bug: either way, say so.
    const note = 'please report this: AWS returned a shape the snapshot schema rejects';
    // Several problems stay listed one per line (issue 11), as for a file, under the note.
    const { source } = error.problems;
    throw new SnapshotError(`${error.message} (${note})`, {
      ...error.problems,
      ...(source === undefined ? {} : { source: `${source} (${note})` }),
    });
  }
}

export interface CollectRequest {
  region: string;
  profile?: string;
  scope?: CollectScope;
  /** Receives every call, also when the collection fails (for --debug and progress). */
  ledger: CallLedger;
  /** An assumed member role's credentials (organization runs), instead of the profile's. */
  credentials?: () => Promise<AssumedCredentials>;
  /** The account `credentials` act in. */
  accountId?: string;
}

/** Collects one Region with its own clients and reader (EC2 throttles per account and Region). */
export async function collectRegion(deps: LiveDeps, request: CollectRequest): Promise<Collected> {
  const { region, profile, scope, ledger, credentials, accountId } = request;
  const clients = deps.createClients({
    region,
    ...(profile === undefined ? {} : { profile }),
    ...(credentials === undefined ? {} : { credentials }),
    ...(accountId === undefined ? {} : { accountId }),
  });
  try {
    const reader = new AwsReader(clients, region, { ledger });
    return validateCollected(await deps.collectSnapshot(reader, scope), region);
  } finally {
    deps.destroyClients(clients);
  }
}

export const NO_DEFAULT_REGION =
  "--region all needs a default Region (AWS_REGION or the profile's region) to know the partition";

/**
 * `--region all`: every enabled Region, listed from the default Region, which decides the
 * partition (aws, aws-cn, aws-us-gov). Sorted, so output and exit code do not depend on
 * the order DescribeRegions answers in.
 */
export async function enabledRegions(
  deps: LiveDeps,
  profile: string | undefined,
  ledger: CallLedger = new CallLedger(),
): Promise<{ home: string; regions: string[] }> {
  const home = await homeRegion(deps, profile);
  const regions = await listRegions(
    deps,
    profile === undefined ? { region: home } : { region: home, profile },
    ledger,
  );
  if (regions.length === 0) throw new UsageError(`ec2:DescribeRegions in ${home} listed no enabled Region`);
  return { home, regions };
}

/** The default Region `--region all` lists from; without one, a usage error. */
export async function homeRegion(deps: LiveDeps, profile: string | undefined): Promise<string> {
  const home = await deps.defaultRegion(profile);
  if (home === undefined) throw new UsageError(NO_DEFAULT_REGION);
  return home;
}

/** ec2:DescribeRegions with clients of `options` (its Region, profile or credentials): deduplicated and sorted. */
export async function listRegions(
  deps: Pick<LiveDeps, 'createClients' | 'destroyClients' | 'listEnabledRegions'>,
  options: ClientOptions,
  ledger: CallLedger,
): Promise<string[]> {
  const clients = deps.createClients(options);
  try {
    return [
      ...new Set(await deps.listEnabledRegions(new AwsReader(clients, options.region, { ledger }))),
    ].sort();
  } finally {
    deps.destroyClients(clients);
  }
}

/** The part of an SDK client that knows its Region (EC2Client's `config`). */
export interface RegionConfigured {
  config: { region: () => Promise<string> };
  destroy(): void;
}

/**
 * The SDK's own default Region for `profile`, so `--region all` picks the partition the
 * credentials belong to the same way every other AWS tool does. The SDK signals "none"
 * with a plain Error "Region is missing"; anything else (a broken config file) is reported.
 */
export async function sdkDefaultRegion(client: RegionConfigured): Promise<string | undefined> {
  try {
    return await client.config.region();
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/region is missing/i.test(message)) return undefined;
    throw new UsageError(`cannot read the default Region: ${message}`);
  } finally {
    client.destroy();
  }
}
