/**
 * What starts a drift check (SPEC §8): a CloudTrail API call from the EventBridge rule, a message of the delayed
 * re-check queue, or the scheduled sweep. Each becomes one DriftRequest for runDriftCheck.
 */
import { readCloudTrailEvent } from '../event-schemas/cloudtrail-event';
import { readField } from '../event-schemas/read-field';
import { affectedResourcesOfCall } from './affected-resources';
import { runDriftCheck } from './drift-check';
import type { DriftDeps, DriftOutcome } from './drift-deps';
import type { RecheckMessage } from './recheck-queue';
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
  const scope = await resolveVpcs(deps.readerFor(region), affectedResourcesOfCall(call));
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
    vpcIds: 'wholeRegion' in scope ? null : scope.vpcIds,
    attempt: 0,
    actor,
    eventId: call.detail?.eventID ?? `event:${deps.now().toISOString()}`,
    deletedClusters,
  });
}

/** Runs the drift path for one message of the delayed re-check queue. */
export function processRecheckMessage(
  deps: DriftDeps,
  message: RecheckMessage,
  region: string,
): Promise<DriftOutcome> {
  return runDriftCheck(deps, {
    region,
    vpcIds: message.vpcIds,
    attempt: message.attempt,
    ...(message.event ? { actor: message.event } : {}),
    eventId: message.event?.eventID ?? `recheck:${deps.now().toISOString()}`,
    ...(message.configRules ? { configRules: message.configRules } : {}),
  });
}

/** The scheduled sweep: the whole Region, nobody to attribute a change to. */
export function processSweep(deps: DriftDeps, region: string): Promise<DriftOutcome> {
  return runDriftCheck(deps, {
    region,
    vpcIds: null,
    attempt: 0,
    eventId: `sweep:${deps.now().toISOString()}`,
  });
}
