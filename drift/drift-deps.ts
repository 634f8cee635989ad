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

export type DriftStore = Pick<
  StateStore,
  'record' | 'forgetCluster' | 'listClusters' | 'markAlerted' | 'releaseAlertClaim'
>;

/** What an Organization hub uses in one member account × Region (deploy/org): its state, its AWS Config. */
export interface MemberScope {
  /** The member's state: its own keys in the same table (state/table-schema.ts's scopePrefix). */
  store: DriftStore;
  /** AWS Config of the member, with the config-reporter role's credentials. */
  config: ConfigServiceClient;
}

export interface DriftDeps {
  /**
   * A reader for an account and Region (events name theirs; the handler caches one per account × Region).
   * `accountId` undefined = the Lambda's own account, with its own credentials; another account is read through
   * its member role (aws/member-access.ts).
   */
  readerFor(accountId: string | undefined, region: string): AwsReader;
  store: DriftStore;
  publisher: { publish(transition: Transition, options?: PublishOptions): Promise<unknown> };
  recheckQueue: Pick<RecheckQueue, 'enqueue' | 'enqueueMemberSweeps'>;
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
  /**
   * The Lambda's own account. Set, an event of another account (forwarded by an Organization member, its
   * `account` field) is checked in that account through `member`; absent, every event is the own account's.
   */
  accountId?: string;
  /** The member account × Region's state and Config (an Organization hub only). */
  member?(accountId: string, region: string): MemberScope;
}

/** One run of the drift path. */
export interface DriftRequest {
  region: string;
  /** The account of the event (its `account` field) or re-check; absent = the Lambda's own. */
  accountId?: string;
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
