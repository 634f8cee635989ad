/**
 * What starts a drift check (SPEC §8): a CloudTrail API call from the EventBridge rule, a message of the delayed
 * re-check queue, or the scheduled sweep. Each becomes one DriftRequest for runDriftCheck.
 */
import { readCloudTrailEvent } from '../event-schemas/cloudtrail-event';
import { readField } from '../event-schemas/read-field';
import { affectedResourcesOfCall } from './affected-resources';
import { runDriftCheck } from './drift-check';
import type { DriftDeps, DriftOutcome } from './drift-deps';
import type { QueueMessage, RecheckMessage } from './recheck-queue';
import { memberAccountOf } from '../aws/member-access';
import { resolveVpcs } from './resolve-vpcs';

/** Runs the drift path for one EventBridge CloudTrail event. */
export async function processCloudTrailEvent(
  deps: DriftDeps,
  event: unknown,
  defaultRegion: string,
): Promise<DriftOutcome> {
  const call = readCloudTrailEvent(event);
  const region = call.region ?? defaultRegion;
  const { actor } = call;
  // EventBridge keeps the source account in `account` when a member's rule forwards the event to the hub's bus.
  const account = readField(event, 'account');
  const accountId = typeof account === 'string' && account !== '' ? account : undefined;
  const member = memberAccountOf(deps.accountId, accountId);
  if (member !== undefined && deps.member === undefined) {
    throw new Error(`event of account ${member}, but this deployment is not an Organization hub`);
  }
  return inAccount(deps, member, { eventID: actor.eventID }, () => checkCall(deps, call, region, member));
}

/**
 * A member account's check that failed (its role cannot be assumed, a read it denies, anything else). Not an AWS
 * read failure of the hub's: a member's missing grant is that account's setup, counted in MemberAccountFailures,
 * so AwsReadErrors keeps meaning the hub's own permissions.
 */
export class MemberAccountError extends Error {
  override name = 'MemberAccountError';
  constructor(
    readonly accountId: string,
    cause: unknown,
  ) {
    super(`account ${accountId}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Runs one account's check. A member's failure is logged with its account, counted, and thrown as a
 * MemberAccountError: the event or message fails alone (retried, then dead-lettered) and no other account's state is
 * touched, since each check is one account's.
 */
async function inAccount<T>(
  deps: DriftDeps,
  member: string | undefined,
  context: Record<string, unknown>,
  check: () => Promise<T>,
): Promise<T> {
  if (member === undefined) return check();
  try {
    return await check();
  } catch (error) {
    deps.metrics?.count('MemberAccountFailures');
    deps.logger.warn('member account check failed', {
      accountId: member,
      ...context,
      error: error instanceof Error ? error.message : String(error),
    });
    throw new MemberAccountError(member, error);
  }
}

async function checkCall(
  deps: DriftDeps,
  call: ReturnType<typeof readCloudTrailEvent>,
  region: string,
  member: string | undefined,
): Promise<DriftOutcome> {
  const { actor } = call;
  const scope = await resolveVpcs(deps.readerFor(member, region), affectedResourcesOfCall(call));
  if ('wholeRegion' in scope) {
    deps.metrics?.count('WholeRegionFallbacks');
    deps.logger.info('drift event re-checks the whole Region', {
      reason: scope.reason,
      eventID: actor.eventID,
    });
  }
  const deletedClusters: string[] = [];
  if (actor.eventName === 'DeleteCluster') {
    const name = readField(call.detail?.requestParameters, 'name');
    if (typeof name === 'string' && name !== '') deletedClusters.push(name);
  }
  return runDriftCheck(deps, {
    region,
    ...(member ? { accountId: member } : {}),
    vpcIds: 'wholeRegion' in scope ? null : scope.vpcIds,
    attempt: 0,
    actor,
    eventId: call.detail?.eventID ?? `event:${deps.now().toISOString()}`,
    deletedClusters,
  });
}

/** Runs the drift path for one message of the delayed re-check queue: a re-check, or a member account's sweep. */
export function processQueueMessage(
  deps: DriftDeps,
  message: QueueMessage,
  region: string,
): Promise<DriftOutcome> {
  if (message.kind === 'recheck') return processRecheckMessage(deps, message, region);
  const member = memberAccountOf(deps.accountId, message.account);
  return inAccount(deps, member, { sweep: true }, () => processSweep(deps, region, member));
}

/** Runs the drift path for one re-check message. */
export function processRecheckMessage(
  deps: DriftDeps,
  message: RecheckMessage,
  region: string,
): Promise<DriftOutcome> {
  const member = memberAccountOf(deps.accountId, message.account ?? undefined);
  return inAccount(deps, member, { attempt: message.attempt }, () => recheck(deps, message, region));
}

function recheck(deps: DriftDeps, message: RecheckMessage, region: string): Promise<DriftOutcome> {
  return runDriftCheck(deps, {
    region,
    ...(message.account ? { accountId: message.account } : {}),
    vpcIds: message.vpcIds,
    attempt: message.attempt,
    ...(message.event ? { actor: message.event } : {}),
    eventId: message.event?.eventID ?? `recheck:${deps.now().toISOString()}`,
    ...(message.configRules ? { configRules: message.configRules } : {}),
  });
}

/** The scheduled sweep: the whole Region (of `accountId`, default the own account), nobody to attribute a change to. */
export function processSweep(deps: DriftDeps, region: string, accountId?: string): Promise<DriftOutcome> {
  return runDriftCheck(deps, {
    region,
    ...(accountId ? { accountId } : {}),
    vpcIds: null,
    attempt: 0,
    eventId: `sweep:${deps.now().toISOString()}`,
  });
}
