/**
 * Publishing the alert a state write claimed (SPEC §8–§9): the transition rebuilt from the finding and the actor
 * stored with the claim, sent to the topics it has not reached yet, then the pending flag cleared; a failed
 * publish gives the claim back, so the retried invocation (or the sweep) resends it.
 */
import { ALERT_CHANNELS, AlertPublishError, type AlertChannel } from '../alerts/sns-publisher';
import { ruleFacts, type Actor, type Partition, type Transition } from '../alerts/transition';
import type { Finding } from '../engine/findings';
import type { SnapshotView } from '../snapshot/view';
import type { AlertClaim } from '../state/state-store';
import { configRuleName } from '../engine/config-rule-names';
import type { DriftDeps } from './drift-deps';

/**
 * Publishes a claimed alert, then clears its pending flag; a failed publish gives the claim back so the retried
 * invocation resends it. Returns the publish error, if any.
 */
export async function publishClaimed(
  deps: DriftDeps,
  view: SnapshotView,
  finding: Finding,
  claim: AlertClaim,
  resend: boolean,
): Promise<unknown> {
  const where = {
    clusterName: finding.resourceId,
    ruleId: finding.ruleId,
    transition: claim.alert.kind,
    resend,
  };
  const transition = toTransition(deps, view, finding, claim.alert.kind, actorOfDetail(claim.alert.detail));
  try {
    await deps.publisher.publish(transition, {
      skip: (claim.alert.delivered ?? []).filter(isAlertChannel),
    });
  } catch (error) {
    deps.logger.warn('alert publish failed', { ...where, error: errorMessage(error) });
    // The channels this attempt reached are noted with the claim's release, so the resend skips them.
    const delivered = error instanceof AlertPublishError ? error.delivered : [];
    // Best effort: if this fails too, the lease runs out and the next observation of the key resends.
    await deps.store.releaseAlertClaim(claim, delivered).catch((releaseError: unknown) =>
      deps.logger.warn('could not release the alert claim', {
        ...where,
        error: errorMessage(releaseError),
      }),
    );
    return error;
  }
  try {
    if (!(await deps.store.markAlerted(claim))) {
      deps.logger.warn('alert claim was superseded before it could be cleared', where);
    }
  } catch (error) {
    // The alert is out; failing the invocation would only resend it sooner. The flag stays, so a later run
    // resends once the lease expires: the at-least-once side of the trade-off (state/state-store.ts).
    deps.logger.warn('alert sent but its pending flag could not be cleared', {
      ...where,
      error: errorMessage(error),
    });
  }
  return undefined;
}

function isAlertChannel(value: string): value is AlertChannel {
  return (ALERT_CHANNELS as readonly string[]).includes(value);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const ACTOR_FIELDS = ['userIdentityArn', 'sourceIPAddress', 'eventName', 'eventTime', 'eventID'] as const;

/** The actor stored with a pending alert; anything unreadable means "no actor" rather than a lost alert. */
function actorOfDetail(detail: string | undefined): Actor | undefined {
  if (detail === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(detail);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const record = parsed as Record<string, unknown>;
  if (!ACTOR_FIELDS.every((field) => typeof record[field] === 'string')) return undefined;
  return Object.fromEntries(ACTOR_FIELDS.map((field) => [field, record[field]])) as unknown as Actor;
}

function toTransition(
  deps: DriftDeps,
  view: SnapshotView,
  finding: Finding,
  kind: 'NEW_VIOLATION' | 'RESOLVED',
  actor: Actor | undefined,
): Transition {
  return {
    kind,
    accountId: view.accountId,
    region: view.region,
    partition: view.partition as Partition,
    clusterName: finding.resourceId,
    clusterArn: finding.clusterArn,
    ...ruleFacts(finding.ruleId),
    configRuleName: configRuleName(finding.ruleId, deps.configRuleNamePrefix),
    annotation: finding.annotation,
    // Issue 11: a NEW_VIOLATION's next steps show each detail and its fix (RESOLVED ones have none).
    details: finding.details,
    ...(actor ? { actor } : {}),
  };
}
