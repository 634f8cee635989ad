/** What the drift path is given (every client, the store, the publisher, the clock) and what one run reports. */
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { PublishOptions } from '../alerts/sns-publisher';
import type { Actor, Transition } from '../alerts/transition';
import type { AwsReader } from '../aws/reader';
import type { Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import type { SecurityHubTarget } from '../securityhub/transition-import';
import type { StateStore } from '../state/state-store';
import type { GuardLogger } from '../telemetry/log';
import type { GuardMetrics } from '../telemetry/metrics';
import type { RecheckQueue } from './recheck-queue';

export type DriftLogger = GuardLogger;

/** The stage's rules and parameters (GUARD_CONFIG), parsed once per container. */
export interface GuardConfig {
  rules: readonly Rule[];
  params: Params;
}

export interface DriftDeps {
  /** A reader for a Region (events name theirs; the handler caches one per Region). */
  readerFor(region: string): AwsReader;
  store: Pick<StateStore, 'record' | 'forgetCluster' | 'listClusters' | 'markAlerted' | 'releaseAlertClaim'>;
  publisher: { publish(transition: Transition, options?: PublishOptions): Promise<unknown> };
  recheckQueue: Pick<RecheckQueue, 'enqueue'>;
  config: ConfigServiceClient;
  guard: GuardConfig;
  /** CONFIG_RULE_NAME_PREFIX; default engine/config-rule-names.ts's. */
  configRuleNamePrefix?: string;
  now(): Date;
  logger: DriftLogger;
  /** Counts for operators (telemetry/metrics.ts); absent = not counted. */
  metrics?: GuardMetrics;
  /** Imports every transition into Security Hub (the stage's securityHub.importFindings); absent = off. */
  securityHub?: SecurityHubTarget;
}

/** One run of the drift path. */
export interface DriftRequest {
  region: string;
  /** null = the whole Region; [] = no collection (only `configRules` to retry). */
  vpcIds: readonly string[] | null;
  /** 0 for a fresh event or sweep; n for the n-th delayed re-check. */
  attempt: number;
  /** Who made the change; absent for the sweep. */
  actor?: Actor;
  /** Stored as the state's last event id: the CloudTrail eventID, or a synthetic id. */
  eventId: string;
  /** Clusters the event deleted: their state is forgotten whether or not they are still listed. */
  deletedClusters?: readonly string[];
  /** Config rule names whose re-evaluation an earlier run could not start. */
  configRules?: readonly string[];
}

export interface DriftOutcome {
  scope: 'vpcs' | 'region' | 'none';
  vpcIds: string[];
  judgedClusters: string[];
  settlingClusters: string[];
  recheckEnqueued: boolean;
  /** `resent`: the alert of an earlier run's transition whose publish had failed. */
  alerts: { clusterName: string; ruleId: string; kind: 'NEW_VIOLATION' | 'RESOLVED'; resent?: true }[];
  forgottenClusters: string[];
  configRulesStarted: string[];
  configRulesDeferred: string[];
}
