/**
 * Recording what a drift run judged (SPEC §8): every finding but INSUFFICIENT_DATA goes through the state store's
 * conditional write, and the alerts those writes claim (a transition this run won, or an earlier run's alert left
 * pending) are published. The rules whose state changed are collected for AWS Config's re-evaluation.
 */
import pLimit from 'p-limit';
import { evaluateCluster } from '../engine/evaluate';
import type { Finding } from '../engine/findings';
import type { Cluster } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';
import type { AlertClaim, RecordResult } from '../state/state-store';
import { publishClaimed } from './alert-claims';
import { configRuleName } from '../engine/config-rule-names';
import { publisherWithSecurityHub, transitionFinding } from '../securityhub/transition-import';
import type { DriftDeps, DriftOutcome, DriftRequest } from './drift-deps';

const RECORD_CONCURRENCY = 8;

function isConfigVisibleChange(result: RecordResult): boolean {
  return (
    result.transition !== 'NONE' || result.reason === 'SILENT_CHANGE' || result.reason === 'FIRST_SIGHTING'
  );
}

/** Records every judged finding and publishes the alerts this call claimed (new or left pending); returns publish failures. */
export async function recordAndAlert(
  deps: DriftDeps,
  request: DriftRequest,
  view: SnapshotView,
  clusters: readonly Cluster[],
  observedAt: Date,
  outcome: DriftOutcome,
  changedRules: Set<string>,
): Promise<unknown[]> {
  const limit = pLimit(RECORD_CONCURRENCY);
  const failures: unknown[] = [];
  const findings: Finding[] = [];
  for (const cluster of clusters) {
    outcome.judgedClusters.push(cluster.name);
    // INSUFFICIENT_DATA means "could not tell": never stored, never alerted (SPEC §4).
    findings.push(
      ...evaluateCluster(view, cluster, deps.guard.rules, deps.guard.params).filter(
        (f) => f.compliance !== 'INSUFFICIENT_DATA',
      ),
    );
  }
  await Promise.all(
    findings.map((finding) =>
      limit(async () => {
        const result = await deps.store.record({
          clusterName: finding.resourceId,
          ruleId: finding.ruleId,
          compliance: finding.compliance,
          annotation: finding.annotation,
          eventId: request.eventId,
          observedAt,
          // Kept with a pending alert so a resend by a later run still names who made the change.
          ...(request.actor ? { alertDetail: JSON.stringify(request.actor) } : {}),
        });
        if (isConfigVisibleChange(result)) {
          changedRules.add(configRuleName(finding.ruleId, deps.configRuleNamePrefix));
        }
        // A claim is this run's duty to publish: a transition it won, or an earlier run's alert left pending.
        if (result.transition !== 'NONE') deps.metrics?.count('Transitions');
        if (result.claim === undefined) return;
        const failure = await publishClaimed(
          withSecurityHub(deps, view, finding, result.claim),
          view,
          finding,
          result.claim,
          result.transition === 'NONE',
        );
        if (failure === undefined) {
          deps.metrics?.count('AlertsPublished');
          outcome.alerts.push({
            clusterName: finding.resourceId,
            ruleId: finding.ruleId,
            kind: result.claim.alert.kind,
            ...(result.transition === 'NONE' ? { resent: true as const } : {}),
          });
        } else {
          deps.metrics?.count('AlertsFailed');
          failures.push(failure);
        }
      }),
    ),
  );
  return failures;
}

/**
 * The deps whose publisher also imports the claimed transition into Security Hub, when the stage enables it: the import
 * is one more channel of the alert, so it is sent once per transition and resent with the alert if it failed.
 */
function withSecurityHub(
  deps: DriftDeps,
  view: SnapshotView,
  finding: Finding,
  claim: AlertClaim,
): DriftDeps {
  const target = deps.securityHub;
  if (target === undefined) return deps;
  const scope = { accountId: view.accountId, region: view.region, partition: view.partition };
  return {
    ...deps,
    publisher: publisherWithSecurityHub(deps.publisher, target, claim.alert, () => {
      const rule = deps.guard.rules.find((r) => r.meta.id === finding.ruleId);
      if (rule === undefined) throw new Error(`rule ${finding.ruleId} is not among the stage's rules`);
      return transitionFinding(finding, rule.meta, scope, claim.alert, target.productArn);
    }),
  };
}
