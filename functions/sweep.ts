/** Scheduled sweep (SPEC §8): the whole Region through the drift path, so a missed event is caught within a period. */
import { processSweep, type DriftDeps, type DriftOutcome } from '../drift/process-event';
import { driftDepsFromEnvironment, lambdaRegion } from './drift-runtime';

export function makeHandler(deps: DriftDeps, region: string) {
  // The EventBridge "Scheduled Event" (events/schedule-sweep.json) carries nothing the sweep needs:
  // the Region is the function's own and every cluster in it is checked. Its id goes to the log,
  // so a sweep can be traced to the schedule that started it.
  return async (scheduledEvent?: unknown): Promise<DriftOutcome> => {
    const id = (scheduledEvent as { id?: unknown } | null | undefined)?.id;
    if (typeof id === 'string') deps.logger.info('sweep started', { scheduledEventId: id });
    return processSweep(deps, region);
  };
}

let built: ReturnType<typeof makeHandler> | undefined;

export const handler = (scheduledEvent?: unknown) => {
  built ??= makeHandler(driftDepsFromEnvironment(), lambdaRegion());
  return built(scheduledEvent);
};
