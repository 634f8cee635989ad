import {
  ListAccountsCommand,
  type Account,
  type ListAccountsCommandOutput,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, type AssumeRoleCommandOutput } from '@aws-sdk/client-sts';
import { CallLedger } from './call-ledger';
import { AwsReadError, toReadError } from './errors';
import type { HubClients } from './hub-clients';
import { MEMBER_ROLE_SESSION_NAME } from './member-role';
import { sharedCredentials } from './shared-credentials';

/** The two calls an organization run makes with the caller's credentials, by command class (see aws/operations.ts for why). */
const HUB_OPERATIONS = new Map<object, string>([
  [ListAccountsCommand, 'organizations:ListAccounts'],
  [AssumeRoleCommand, 'sts:AssumeRole'],
]);

/** ListAccounts serves at most 20 accounts a page (API reference: MaxResults 1–20). */
export const LIST_ACCOUNTS_PAGE = 20;

/** Credentials of an assumed role, in the shape SDK v3 clients take as `credentials`. */
export interface AssumedCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration?: Date;
}

/**
 * Sends one hub call: counted in `ledger` under its IAM action (also when it fails), errors
 * mapped to one line as every other read's are. One call at a time per caller: ListAccounts
 * pages follow each other, and AssumeRole is one per account.
 */
export async function sendHub<Output>(
  clients: HubClients,
  command: ListAccountsCommand | AssumeRoleCommand,
  ledger: CallLedger,
  region: string,
): Promise<Output> {
  const action = HUB_OPERATIONS.get(command.constructor);
  if (action === undefined) throw new Error('sendHub sends only ListAccounts and AssumeRole');
  const client = (command instanceof ListAccountsCommand
    ? clients.organizations
    : clients.sts) as unknown as {
    send(command: unknown): Promise<unknown>;
  };
  const start = performance.now();
  try {
    const output = (await client.send(command)) as Output & {
      $metadata?: { attempts?: number; totalRetryDelay?: number };
    };
    ledger.record(action, {
      attempts: output.$metadata?.attempts ?? 1,
      retryDelayMs: output.$metadata?.totalRetryDelay ?? 0,
      pacedMs: 0,
      elapsedMs: performance.now() - start,
    });
    return output;
  } catch (error) {
    const attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1;
    ledger.record(action, { attempts, retryDelayMs: 0, pacedMs: 0, elapsedMs: performance.now() - start });
    throw toReadError(error, action, region);
  }
}

/** An account of the organization as the CLI uses it. */
export interface OrganizationAccount {
  id: string;
  name?: string;
  /** `State` (ACTIVE, SUSPENDED, PENDING_CLOSURE, CLOSED, PENDING_ACTIVATION), else the retiring `Status`. */
  state: string;
}

/**
 * `State` replaces `Status` (retired on 9 September 2026, per the Organizations API reference);
 * an answer that carries only `Status` still reads, and one with neither is not ACTIVE.
 */
export function accountState(account: Pick<Account, 'State' | 'Status'>): string {
  return account.State ?? account.Status ?? 'UNKNOWN';
}

/**
 * Every account of the organization (organizations:ListAccounts, from the management account or a
 * delegated administrator). A page may be short, or even empty, while more follow: only an absent
 * NextToken ends the list, as the API reference warns.
 */
export async function listOrganizationAccounts(
  clients: HubClients,
  region: string,
  ledger: CallLedger = new CallLedger(),
): Promise<OrganizationAccount[]> {
  const accounts: OrganizationAccount[] = [];
  let token: string | undefined;
  do {
    const page = await sendHub<ListAccountsCommandOutput>(
      clients,
      new ListAccountsCommand({ MaxResults: LIST_ACCOUNTS_PAGE, ...(token ? { NextToken: token } : {}) }),
      ledger,
      region,
    );
    for (const account of page.Accounts ?? []) {
      if (account.Id === undefined) continue;
      accounts.push({
        id: account.Id,
        state: accountState(account),
        ...(account.Name === undefined ? {} : { name: account.Name }),
      });
    }
    token = page.NextToken || undefined;
  } while (token !== undefined);
  return accounts;
}

/** An account the run could not enter: its role could not be assumed. */
export class AssumeRoleError extends AwsReadError {
  override name = 'AssumeRoleError';
  constructor(
    readonly roleArn: string,
    code: string,
    detail: string,
  ) {
    super(`cannot assume ${roleArn}: ${code}${detail}`, 'sts:AssumeRole', code);
  }
}

export interface AssumeRoleRequest {
  roleArn: string;
  externalId?: string;
  /** 900–43,200 s; a caller that is itself an assumed role (role chaining) gets at most 3,600. */
  durationSeconds?: number;
}

/** One sts:AssumeRole with the caller's credentials. */
export async function assumeRole(
  clients: HubClients,
  request: AssumeRoleRequest,
  region: string,
  ledger: CallLedger,
): Promise<AssumedCredentials> {
  let output: AssumeRoleCommandOutput;
  try {
    output = await sendHub<AssumeRoleCommandOutput>(
      clients,
      new AssumeRoleCommand({
        RoleArn: request.roleArn,
        RoleSessionName: MEMBER_ROLE_SESSION_NAME,
        DurationSeconds: request.durationSeconds ?? 3600,
        ...(request.externalId === undefined ? {} : { ExternalId: request.externalId }),
      }),
      ledger,
      region,
    );
  } catch (error) {
    if (!(error instanceof AwsReadError)) throw error;
    // toReadError's line, without its "missing IAM permission … in region (" frame: the role is what failed.
    const inner = /\((.*)\)$/.exec(error.message)?.[1] ?? error.code;
    const detail = inner.startsWith(error.code) ? inner.slice(error.code.length) : `: ${inner}`;
    throw new AssumeRoleError(request.roleArn, error.code, detail);
  }
  const c = output.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new AssumeRoleError(
      request.roleArn,
      'NoCredentials',
      ': sts:AssumeRole answered without credentials',
    );
  }
  return {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
    ...(c.Expiration === undefined ? {} : { expiration: c.Expiration }),
  };
}

/**
 * One account's credentials for all its Regions: assumed once, on first use, and shared by every
 * client of the account; assumed again only near expiry (a long run). A failure is kept, so an
 * account whose role cannot be assumed costs one AssumeRole call and one error, not one per Region.
 */
export class AssumedRole {
  /** The SDK's credential provider: pass it as a client's `credentials`. */
  readonly provide: () => Promise<AssumedCredentials>;

  constructor(assume: () => Promise<AssumedCredentials>, now: () => number = Date.now) {
    this.provide = sharedCredentials(assume, { keepFailure: true, now });
  }
}
