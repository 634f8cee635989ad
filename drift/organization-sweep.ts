/**
 * The hourly sweep of an Organization hub (deploy/org, a stage with `organization: { hub: true }`): the own account
 * as every stage sweeps it, then every ACTIVE member account of the Organization in the same Region, each through
 * its member role and under its own state keys (the drift path's member scope). Accounts are swept a few at a time;
 * one account's failure is logged and counted (MemberAccountFailures) and never stops the others.
 */
import pLimit from 'p-limit';
import { AwsReadError } from '../aws/errors';
import type { OrganizationAccount } from '../aws/organization';
import type { DriftDeps, DriftOutcome } from './drift-deps';
import { processSweep } from './triggers';

/** Member accounts swept at once: each is a whole-Region collection under its own account's API limits. */
export const MEMBER_SWEEP_CONCURRENCY = 4;

export interface OrganizationSweepOptions {
  /** Every account of the Organization (organizations:ListAccounts, aws/organization.ts). */
  listAccounts(): Promise<OrganizationAccount[]>;
  concurrency?: number;
}

export interface MemberSweep {
  accountId: string;
  outcome?: DriftOutcome;
  /** The one-line reason the account could not be swept. */
  error?: string;
}

/** The own account's outcome, as a single-account sweep reports it, and the members'. */
export interface OrganizationSweepOutcome extends DriftOutcome {
  /** Every ACTIVE member account, in ListAccounts order. */
  members: MemberSweep[];
  /** Accounts ListAccounts returned that are not ACTIVE (SUSPENDED, PENDING_CLOSURE, …): not swept. */
  skipped: { accountId: string; state: string }[];
  /** Why the Organization's accounts could not be listed, when they could not. */
  listError?: string;
}

/** An AWS read that failed (lambda/middleware.ts's test, without loading the Lambda middleware here). */
const isReadFailure = (error: unknown): boolean =>
  error instanceof AwsReadError ||
  (error instanceof AggregateError && error.errors.some((inner) => inner instanceof AwsReadError));

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Sweeps the own account and every ACTIVE member. `deps.accountId` must be the Lambda's own account (it tells the
 * members from it). The own account's failure fails the invocation, as a single-account sweep's does, but only after
 * every member had its turn; a member's failure (a role that cannot be assumed, a permission missing, throttling past
 * retries, …) is logged, counted in MemberAccountFailures and reported in the outcome; ListAccounts' failure is
 * logged, counted in AwsReadErrors (for a failed read: it is the hub's own) and reported.
 */
export async function processOrganizationSweep(
  deps: DriftDeps,
  region: string,
  options: OrganizationSweepOptions,
): Promise<OrganizationSweepOutcome> {
  const own = deps.accountId;
  if (own === undefined) throw new Error('an Organization sweep needs the Lambda’s own account');
  const limit = pLimit(options.concurrency ?? MEMBER_SWEEP_CONCURRENCY);

  const ownSweep = limit(() => processSweep(deps, region)).then(
    (outcome) => ({ outcome }),
    (error: unknown) => ({ error }),
  );

  let accounts: OrganizationAccount[] = [];
  let listError: string | undefined;
  try {
    accounts = await options.listAccounts();
  } catch (error) {
    listError = messageOf(error);
    if (isReadFailure(error)) deps.metrics?.count('AwsReadErrors');
    deps.logger.warn('organization accounts could not be listed', { error: listError });
  }
  const others = accounts.filter((account) => account.id !== own);
  const active = others.filter((account) => account.state === 'ACTIVE');
  const skipped = others
    .filter((account) => account.state !== 'ACTIVE')
    .map((account) => ({ accountId: account.id, state: account.state }));

  const members = await Promise.all(
    active.map((account) =>
      limit(async (): Promise<MemberSweep> => {
        try {
          return { accountId: account.id, outcome: await processSweep(deps, region, account.id) };
        } catch (error) {
          // A metric of its own: a member's denied read is that account's setup, not the hub's permissions.
          deps.metrics?.count('MemberAccountFailures');
          deps.logger.warn('member account sweep failed', { accountId: account.id, error: messageOf(error) });
          return { accountId: account.id, error: messageOf(error) };
        }
      }),
    ),
  );
  const failed = members.filter((member) => member.error !== undefined).length;
  deps.logger.info('organization sweep finished', {
    members: members.length,
    failed,
    skipped: skipped.length,
    ...(listError === undefined ? {} : { listError }),
  });

  const ownResult = await ownSweep;
  if ('error' in ownResult) throw ownResult.error;
  return {
    ...ownResult.outcome,
    members,
    skipped,
    ...(listError === undefined ? {} : { listError }),
  };
}
