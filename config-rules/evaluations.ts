/** Findings → AWS Config Evaluations, and PutEvaluations in batches (SPEC §7). */
import {
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type ConfigServiceClient,
  type Evaluation,
  type GetComplianceDetailsByConfigRuleCommandOutput,
} from '@aws-sdk/client-config-service';
import { MAX_ANNOTATION, truncate, type Compliance } from '../engine/findings';
import { PutEvaluationsError } from './errors';
import { CLUSTER_TYPE } from './scope';

/** PutEvaluations accepts at most 100 evaluations a call. */
export const PUT_EVALUATIONS_BATCH = 100;
/** GetComplianceDetailsByConfigRule's largest page. */
export const COMPLIANCE_DETAILS_PAGE = 100;

/** What is written about one cluster. */
export interface ClusterResult {
  clusterName: string;
  compliance: Compliance;
  annotation: string;
}

export type ConfigClient = Pick<ConfigServiceClient, 'send'>;

/**
 * One Evaluation, or undefined for INSUFFICIENT_DATA: Config computes that itself from the absence of results, and
 * an evaluator that writes it hides the real cause (which the caller logs instead).
 */
export function toEvaluation(result: ClusterResult, orderingTimestamp: Date): Evaluation | undefined {
  if (result.compliance === 'INSUFFICIENT_DATA') return undefined;
  const annotation = truncate(result.annotation.trim(), MAX_ANNOTATION);
  return {
    ComplianceResourceType: CLUSTER_TYPE,
    ComplianceResourceId: result.clusterName,
    ComplianceType: result.compliance,
    ...(annotation ? { Annotation: annotation } : {}),
    OrderingTimestamp: orderingTimestamp,
  };
}

/** Writes every evaluation in calls of at most 100; any FailedEvaluations fail the invocation. */
export async function putEvaluations(
  config: ConfigClient,
  resultToken: string,
  evaluations: readonly Evaluation[],
): Promise<number> {
  let calls = 0;
  for (let i = 0; i < evaluations.length; i += PUT_EVALUATIONS_BATCH) {
    const batch = evaluations.slice(i, i + PUT_EVALUATIONS_BATCH);
    const output = await config.send(
      new PutEvaluationsCommand({ Evaluations: batch, ResultToken: resultToken }),
    );
    calls++;
    const failed = output.FailedEvaluations ?? [];
    if (failed.length > 0) {
      const names = failed.map((e) => `${e.ComplianceResourceId} (${e.ComplianceType})`);
      throw new PutEvaluationsError(
        `PutEvaluations rejected ${failed.length} of ${batch.length} evaluations: ${names.slice(0, 5).join(', ')}${
          names.length > 5 ? ', …' : ''
        }`,
      );
    }
  }
  return calls;
}

/**
 * Cluster names this Config rule holds a COMPLIANT or NON_COMPLIANT result for. Results already NOT_APPLICABLE are
 * not asked for, so a cluster deleted long ago is not re-written on every periodic run.
 */
export async function evaluatedClusterNames(config: ConfigClient, configRuleName: string): Promise<string[]> {
  const names = new Set<string>();
  let token: string | undefined;
  do {
    const page: GetComplianceDetailsByConfigRuleCommandOutput = await config.send(
      new GetComplianceDetailsByConfigRuleCommand({
        ConfigRuleName: configRuleName,
        ComplianceTypes: ['COMPLIANT', 'NON_COMPLIANT'],
        Limit: COMPLIANCE_DETAILS_PAGE,
        NextToken: token,
      }),
    );
    for (const result of page.EvaluationResults ?? []) {
      const qualifier = result.EvaluationResultIdentifier?.EvaluationResultQualifier;
      if (qualifier?.ResourceType === CLUSTER_TYPE && qualifier.ResourceId) names.add(qualifier.ResourceId);
    }
    token = page.NextToken || undefined;
  } while (token !== undefined);
  return [...names].sort();
}
