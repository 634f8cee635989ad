import type { Detail, Severity } from '../engine/findings';
import { configRuleName } from '../engine/rule';
import { ruleById } from '../rules';

export type TransitionKind = 'NEW_VIOLATION' | 'RESOLVED';
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov';

/** Who made the API call that caused the transition (from the CloudTrail event, SPEC §8). */
export interface Actor {
  userIdentityArn: string;
  sourceIPAddress: string;
  eventName: string;
  eventTime: string;
  eventID: string;
}

/** One change of a cluster × rule between violated and not violated; the input of every alert. */
export interface Transition {
  kind: TransitionKind;
  accountId: string;
  region: string;
  partition: Partition;
  clusterName: string;
  clusterArn: string;
  ruleId: string;
  configRuleName: string;
  severity: Severity;
  title: string;
  annotation: string;
  remediation: string;
  /** Absent when the scheduled sweep found the change (no API call to attribute it to). */
  actor?: Actor;
  /**
   * A NEW_VIOLATION's offending resources or flows, each with its fix (issue 11): the finding's
   * `details`, in its order. Alerts show as many as their channel's limits allow, whole; a
   * RESOLVED alert shows none (nothing is left to fix).
   */
  details?: readonly Detail[];
  /**
   * How many details the finding has, when `details` carries only some of them: a transition
   * rebuilt from a chat message (functions/slack-notifier.ts) has the details the chat alert
   * showed. Absent means `details.length`.
   */
  detailCount?: number;
}

export type RuleFacts = Pick<Transition, 'ruleId' | 'configRuleName' | 'severity' | 'title' | 'remediation'>;

/** The rule-derived fields of a Transition, from the catalog, so handlers cannot mistype them. */
export function ruleFacts(ruleId: string): RuleFacts {
  const rule = ruleById(ruleId);
  if (!rule) throw new Error(`unknown rule id ${JSON.stringify(ruleId)}`);
  const { id, severity, title, remediation } = rule.meta;
  return { ruleId: id, configRuleName: configRuleName(id), severity, title, remediation };
}
