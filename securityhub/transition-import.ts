/**
 * The drift pipeline's Security Hub import (the stage's opt-in `securityHub.importFindings`): each transition the
 * state store records is imported once, as the finding of its cluster and rule — a NEW_VIOLATION as FAILED, a RESOLVED
 * as PASSED with Workflow RESOLVED.
 *
 * Workflow RESOLVED takes a second call: BatchImportFindings sets `Workflow` only when it creates a finding and ignores
 * it afterwards (User Guide "BatchImportFindings for finding providers"), so a RESOLVED is imported PASSED and then,
 * once that import succeeded, its workflow is set with BatchUpdateFindings (securityhub/update-workflow.ts). A
 * NEW_VIOLATION needs no such call: Security Hub itself moves a RESOLVED (or NOTIFIED) finding back to NEW when its
 * Compliance.Status goes from PASSED to FAILED (API reference, Workflow `Status`), which is what its FAILED import
 * does; a SUPPRESSED one stays as a person left it.
 *
 * The import rides on the alert's claim (state/state-store.ts): it is one more channel beside the chat and email
 * topics, and the workflow update another (`securityhub`, `securityhub-workflow`). All are attempted, so a Security
 * Hub outage does not hold back a page and a topic outage does not hold back the import; when any fails, the claim is
 * released with the channels that were reached, and the retried invocation sends only what is missing (a failed
 * workflow update is retried without importing or paging again). The import carries the transition's own observation
 * time as UpdatedAt, so even a repeat (a run that dies after importing) is one that Security Hub ignores; a repeated
 * workflow update sets the same status again.
 */
import type { AwsSecurityFinding, SecurityHubClient } from '@aws-sdk/client-securityhub';
import {
  AlertPublishError,
  ALERT_CHANNELS,
  type AlertChannel,
  type PublishOptions,
} from '../alerts/sns-publisher';
import type { Transition } from '../alerts/transition';
import type { Finding } from '../engine/findings';
import type { RuleMeta } from '../engine/rule';
import type { PendingAlert } from '../state/state-store';
import { asffFinding } from './asff';
import { importFindings } from './import-findings';
import { setWorkflowStatus } from './update-workflow';

/** The name of the Security Hub import "channel" in a pending alert's `delivered` list. */
export const SECURITY_HUB_CHANNEL = 'securityhub';
/** The "channel" of a RESOLVED's workflow update (BatchUpdateFindings), once it succeeded. */
export const SECURITY_HUB_WORKFLOW_CHANNEL = 'securityhub-workflow';

/** What the drift deps carry when the stage imports into Security Hub. */
export interface SecurityHubTarget {
  client: Pick<SecurityHubClient, 'send'>;
  /** The account's default product ARN in the deployment's Region (SECURITY_HUB_PRODUCT_ARN). */
  productArn: string;
}

export interface AlertPublisher {
  publish(transition: Transition, options?: PublishOptions): Promise<unknown>;
}

/** Where the finding is: the view's account, Region and partition. */
export interface FindingScope {
  accountId: string;
  region: string;
  partition: string;
}

/**
 * The ASFF of a recorded transition: FAILED since the observation that made it for a NEW_VIOLATION; PASSED for a
 * RESOLVED, dated from when the violation began (the state's `since` before the transition).
 */
export function transitionFinding(
  finding: Finding,
  rule: RuleMeta,
  scope: FindingScope,
  alert: Pick<PendingAlert, 'kind' | 'observedAt' | 'previousSince'>,
  productArn: string,
): AwsSecurityFinding {
  const resolved = alert.kind === 'RESOLVED';
  return asffFinding(finding, rule, {
    ...scope,
    productArn,
    createdAt: resolved ? (alert.previousSince ?? alert.observedAt) : alert.observedAt,
    updatedAt: alert.observedAt,
    status: resolved ? 'PASSED' : 'FAILED',
  });
}

/**
 * `publisher`, plus the Security Hub import of `asff` unless the claim's alert already reached Security Hub, and for a
 * RESOLVED the finding's Workflow RESOLVED once it is imported (unless already set). Any failure rejects with an
 * AlertPublishError whose `delivered` names every channel reached, `securityhub` and `securityhub-workflow` included,
 * so releasing the claim records them and the resend skips them.
 */
export function publisherWithSecurityHub(
  publisher: AlertPublisher,
  target: SecurityHubTarget,
  alert: Pick<PendingAlert, 'delivered'>,
  asff: () => AwsSecurityFinding,
): AlertPublisher {
  return {
    async publish(transition, options) {
      const delivered = alert.delivered ?? [];
      let imported = delivered.includes(SECURITY_HUB_CHANNEL);
      const resolvedWorkflow = delivered.includes(SECURITY_HUB_WORKFLOW_CHANNEL);
      const failures: { topicArn: string; error: unknown }[] = [];
      const errors: string[] = [];
      const what = `the ${transition.kind} finding for ${transition.clusterName}/${transition.ruleId}`;
      const fail = (action: string, error: unknown) => {
        failures.push({ topicArn: target.productArn, error });
        errors.push(`${action} failed: ${error instanceof Error ? error.message : String(error)}`);
      };
      // The topics first: a page should not wait on Security Hub.
      let reached: string[] = ALERT_CHANNELS.filter((channel) => !(options?.skip ?? []).includes(channel));
      try {
        await publisher.publish(transition, options);
      } catch (error) {
        reached = error instanceof AlertPublishError ? [...error.delivered] : [];
        if (error instanceof AlertPublishError) failures.push(...error.failures);
        errors.push(error instanceof Error ? error.message : String(error));
      }
      let finding: AwsSecurityFinding | undefined;
      if (!imported) {
        try {
          finding = asff();
          await importFindings(target.client, [finding]);
          reached.push(SECURITY_HUB_CHANNEL);
          imported = true;
        } catch (error) {
          fail(`importing ${what} into Security Hub`, error);
        }
      }
      // Only after the PASSED import: the update cannot create the finding, and the workflow belongs to a PASSED one.
      if (transition.kind === 'RESOLVED' && imported && !resolvedWorkflow) {
        try {
          finding ??= asff();
          await setWorkflowStatus(
            target.client,
            [{ Id: finding.Id, ProductArn: finding.ProductArn }],
            'RESOLVED',
          );
          reached.push(SECURITY_HUB_WORKFLOW_CHANNEL);
        } catch (error) {
          fail(`setting Workflow.Status RESOLVED on ${what} in Security Hub`, error);
        }
      }
      if (errors.length === 0) return;
      // The store keeps any channel name in the alert's delivered set; AlertChannel names only the topics.
      throw new AlertPublishError(errors.join('; '), failures, reached as AlertChannel[]);
    },
  };
}
