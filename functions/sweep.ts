/** Scheduled sweep (SPEC §8): the whole Region through the drift path, so a missed event is caught within a period. */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { createHubClients } from '../aws/hub-clients';
import { accountOfFunctionArn } from '../aws/member-access';
import { listOrganizationAccounts } from '../aws/organization';
import type { DriftDeps, DriftOutcome } from '../drift/drift-deps';
import {
  processOrganizationSweep,
  type OrganizationSweepOptions,
  type OrganizationSweepOutcome,
} from '../drift/organization-sweep';
import { processSweep } from '../drift/triggers';
import { readField } from '../event-schemas/read-field';
import { withPowertools } from '../lambda/middleware';
import { createPowertools } from '../lambda/powertools';
import type { MetricName } from '../telemetry/metrics';
import { driftDepsFromEnvironment, isOrganizationHub, lambdaRegion, reportsOf } from './drift-runtime';

/**
 * `organization`: a hub stage's sweep (deps.accountId must then be the Lambda's own account), which also queues a
 * sweep of every ACTIVE member account of the Organization; absent, the own account only, as every single-account
 * stage.
 */
export function makeHandler(deps: DriftDeps, region: string, organization?: OrganizationSweepOptions) {
  // The EventBridge "Scheduled Event" (events/schedule-sweep.json) carries nothing the sweep needs:
  // the Region is the function's own and every cluster in it is checked. Its id goes to the log,
  // so a sweep can be traced to the schedule that started it.
  return async (scheduledEvent?: ScheduledEvent): Promise<DriftOutcome | OrganizationSweepOutcome> => {
    const id = (scheduledEvent as { id?: unknown } | null | undefined)?.id;
    if (typeof id === 'string') deps.logger.info('sweep started', { scheduledEventId: id });
    if (organization === undefined) return processSweep(deps, region);
    return processOrganizationSweep(deps, region, organization);
  };
}

/** The hub's ListAccounts, with the function's own credentials (the management or delegated-administrator account). */
function organizationFromEnvironment(
  region: string,
  env: NodeJS.ProcessEnv,
): OrganizationSweepOptions | undefined {
  if (!isOrganizationHub(env)) return undefined;
  const clients = createHubClients({ region });
  return { listAccounts: () => listOrganizationAccounts(clients, region) };
}

/** What the sweep publishes on every invocation: a hub stage's also MemberAccountFailures (members not queued). */
export const sweepReports = (env: NodeJS.ProcessEnv = process.env): MetricName[] =>
  reportsOf(['Transitions', 'AlertsPublished', 'AlertsFailed', 'RechecksScheduled', 'AwsReadErrors'], env);

const tools = createPowertools('private-eks-guard-sweep');
let built: ReturnType<typeof makeHandler> | undefined;

export const handler = withPowertools(
  (scheduledEvent: ScheduledEvent, context: Context) => {
    if (!built) {
      const region = lambdaRegion();
      const organization = organizationFromEnvironment(region, process.env);
      const accountId = accountOfFunctionArn(context?.invokedFunctionArn);
      if (organization !== undefined && accountId === undefined) {
        throw new Error('a hub stage’s sweep cannot tell its own account: invokedFunctionArn has none');
      }
      built = makeHandler(
        driftDepsFromEnvironment(tools, process.env, organization === undefined ? undefined : accountId),
        region,
        organization,
      );
    }
    return built(scheduledEvent);
  },
  tools,
  {
    correlationId: (event) => readField(event, 'id'),
    reports: sweepReports(),
  },
);
