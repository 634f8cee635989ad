import type { ClusterContext } from './cluster-context';
import { UNRESOLVED_FIX, type Detail, type Fix, type Outcome } from './findings';
import type { Rule } from './rule';
import { CLUSTER_TYPE } from '../fixes/resource-types';

/** The fix of a detail its rule left open: the remediation, or how to capture what is missing. */
function fallbackFix(rule: Rule, outcome: Outcome, region: string): Fix {
  const { remediation, documentation } = rule.meta;
  if (outcome.compliance !== 'INSUFFICIENT_DATA') return { commands: [], decide: remediation, documentation };
  return {
    commands: [],
    decide:
      'The snapshot does not show this, so it was not checked. Capture the snapshot again with the ' +
      `read-only permissions the README lists (private-eks-guard snapshot --region ${region} --out FILE), ` +
      'or add what is missing to the file, and check again.',
    documentation,
  };
}

/**
 * A finding's details as the output shows them: every NON_COMPLIANT or INSUFFICIENT_DATA
 * finding has at least one (the cluster itself, when the rule named nothing), each names a
 * resource, and each has a fix. COMPLIANT and NOT_APPLICABLE findings have none.
 */
export function completeDetails(rule: Rule, ctx: ClusterContext, outcome: Outcome): Detail[] {
  const { compliance, details } = outcome;
  if (compliance === 'COMPLIANT' || compliance === 'NOT_APPLICABLE') return details;
  const region = ctx.view.region;
  if (details.length === 0) {
    return [
      {
        resourceId: ctx.name,
        resourceType: CLUSTER_TYPE,
        problem: outcome.annotation,
        fix: fallbackFix(rule, outcome, region),
      },
    ];
  }
  let complete = true;
  for (const detail of details) {
    if (detail.resourceId === '' || detail.fix === UNRESOLVED_FIX) complete = false;
  }
  if (complete) return details;
  return details.map((detail) => ({
    resourceId: detail.resourceId === '' ? ctx.name : detail.resourceId,
    resourceType: detail.resourceId === '' ? CLUSTER_TYPE : detail.resourceType,
    problem: detail.problem,
    fix: detail.fix === UNRESOLVED_FIX ? fallbackFix(rule, outcome, region) : detail.fix,
  }));
}
