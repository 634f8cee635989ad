/** Scheduled sweep (SPEC §8): the whole Region through the drift path, so a missed event is caught within a period. */
import type { ScheduledEvent } from 'aws-lambda';
import type { DriftDeps, DriftOutcome } from '../drift/drift-deps';
import { processSweep } from '../drift/triggers';
import { readField } from '../event-schemas/read-field';
import { withPowertools } from '../lambda/middleware';
import { createPowertools } from '../lambda/powertools';
import { driftDepsFromEnvironment, lambdaRegion } from './drift-runtime';

export function makeHandler(deps: DriftDeps, region: string) {
  // The EventBridge "Scheduled Event" (events/schedule-sweep.json) carries nothing the sweep needs:
  // the Region is the function's own and every cluster in it is checked. Its id goes to the log,
  // so a sweep can be traced to the schedule that started it.
  return async (scheduledEvent?: ScheduledEvent): Promise<DriftOutcome> => {
    const id = (scheduledEvent as { id?: unknown } | null | undefined)?.id;
    if (typeof id === 'string') deps.logger.info('sweep started', { scheduledEventId: id });
    return processSweep(deps, region);
  };
}

const tools = createPowertools('private-eks-guard-sweep');
let built: ReturnType<typeof makeHandler> | undefined;

export const handler = withPowertools(
  (scheduledEvent: ScheduledEvent) => {
    built ??= makeHandler(driftDepsFromEnvironment(tools), lambdaRegion());
    return built(scheduledEvent);
  },
  tools,
  {
    correlationId: (event) => readField(event, 'id'),
    reports: ['Transitions', 'AlertsPublished', 'AlertsFailed', 'RechecksScheduled', 'AwsReadErrors'],
  },
);
