/** Scheduled sweep (SPEC §8): the whole Region through the drift path, so a missed event is caught within a period. */
import { processSweep, type DriftDeps, type DriftOutcome } from '../drift/process-event';
import { driftDepsFromEnvironment, lambdaRegion } from './drift-runtime';

export function makeHandler(deps: DriftDeps, region: string) {
  return async (): Promise<DriftOutcome> => processSweep(deps, region);
}

let built: ReturnType<typeof makeHandler> | undefined;

export const handler = () => {
  built ??= makeHandler(driftDepsFromEnvironment(), lambdaRegion());
  return built();
};
