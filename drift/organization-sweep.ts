/**
 * The hourly sweep of an Organization hub (deploy/org, a stage with `organization: { hub: true }`): the own account
 * as every stage sweeps it, then one message per ACTIVE member account on the re-check queue, which the drift
 * Lambda takes as a whole-Region check of that member through its member role and under its own state keys. The
 * queue carries the fan-out, so no invocation holds the whole Organization: a member's check has the drift
 * Lambda's time, is retried and then dead-lettered alone, and the event source mapping bounds how many run at once.
 */
import { isReadFailure } from '../aws/errors';
import type { OrganizationAccount } from '../aws/organization';
import type { DriftDeps, DriftOutcome } from './drift-deps';
import type { QueuedMemberSweep } from './recheck-queue';
import { processSweep } from './triggers';

export interface OrganizationSweepOptions {
  /** Every account of the Organization (organizations:ListAccounts, aws/organization.ts). */
  listAccounts(): Promise<OrganizationAccount[]>;
}

/** The own account's outcome, as a single-account sweep reports it, and the members' messages. */
export interface OrganizationSweepOutcome extends DriftOutcome {
  /** Every ACTIVE member account, in ListAccounts order: its sweep queued with a delay, or why it was not. */
  members: QueuedMemberSweep[];
  /** Accounts ListAccounts returned that are not ACTIVE (SUSPENDED, PENDING_CLOSURE, …): not swept. */
  skipped: { accountId: string; state: string }[];
  /** Why the Organization's accounts could not be listed, when they could not. */
  listError?: string;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Sweeps the own account and queues a sweep of every ACTIVE member. `deps.accountId` must be the Lambda's own
 * account (it tells the members from it). The own account's failure fails the invocation, as a single-account
 * sweep's does, but only after the members were queued; a member whose message SQS did not take is logged and
 * counted in MemberAccountFailures; ListAccounts' failure is logged, counted in AwsReadErrors (for a failed read:
 * it is the hub's own) and reported.
 */
export async function processOrganizationSweep(
  deps: DriftDeps,
  region: string,
  options: OrganizationSweepOptions,
): Promise<OrganizationSweepOutcome> {
  const own = deps.accountId;
  if (own === undefined) throw new Error('an Organization sweep needs the Lambda’s own account');

  const ownSweep = processSweep(deps, region).then(
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
  const active = others.filter((account) => account.state === 'ACTIVE').map((account) => account.id);
  const skipped = others
    .filter((account) => account.state !== 'ACTIVE')
    .map((account) => ({ accountId: account.id, state: account.state }));

  const members = active.length === 0 ? [] : await deps.recheckQueue.enqueueMemberSweeps(active);
  let failed = 0;
  for (const member of members) {
    if (!('error' in member)) continue;
    failed += 1;
    deps.metrics?.count('MemberAccountFailures');
    deps.logger.warn('member account sweep could not be queued', {
      accountId: member.accountId,
      error: member.error,
    });
  }
  deps.logger.info('organization sweep queued', {
    members: members.length,
    failed,
    skipped: skipped.length,
    lastDelaySeconds: members.reduce((last, m) => ('delaySeconds' in m ? m.delaySeconds : last), 0),
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
