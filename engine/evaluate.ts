import type { Cluster } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';
import { buildClusterContext, clusterArn, type ClusterContext } from './cluster-context';
import { completeDetails } from './details';
import { inSpecOrder, joinAnnotation, type Finding, type Outcome } from './findings';
import type { Params } from './params';
import { configRuleName, type Rule } from './rule';

function outcome(compliance: Outcome['compliance'], annotation: string): Outcome {
  return { compliance, annotation: joinAnnotation([annotation]), offenders: [], details: [] };
}

/**
 * SPEC §4 steps 2–3, which read only the parameters and which sections the snapshot holds:
 * the same answer for every cluster of a snapshot, so evaluateSnapshot asks once per rule.
 */
function decidedBeforeData(rule: Rule, view: SnapshotView, params: Params): Outcome | undefined {
  const { meta } = rule;
  const shortCut = meta.shortCut?.(params);
  if (shortCut) return outcome(shortCut.compliance, shortCut.annotation);
  const needs = [...meta.needs, ...(meta.conditionalNeeds?.(params) ?? [])];
  const absent = needs.filter((section) => !view.has(section));
  if (absent.length > 0) {
    return outcome('INSUFFICIENT_DATA', `snapshot has no ${absent.map((s) => `ec2.${s}`).join(', ')}`);
  }
  return undefined;
}

/** SPEC §4's evaluation model, steps 1–3, then the rule's own steps 4–5. */
export function evaluateRule(rule: Rule, ctx: ClusterContext, params: Params): Outcome {
  return evaluateDecided(rule, ctx, params, decidedBeforeData(rule, ctx.view, params));
}

/** evaluateRule with steps 2–3 already decided (`before`, undefined when they decide nothing). */
function evaluateDecided(
  rule: Rule,
  ctx: ClusterContext,
  params: Params,
  before: Outcome | undefined,
): Outcome {
  const { meta } = rule;
  if (ctx.cluster.status === 'deleting')
    return outcome('NOT_APPLICABLE', `cluster ${ctx.name} is being deleted`);
  // A copy: each finding owns its offenders list.
  if (before) return { ...before, offenders: [...before.offenders], details: [...before.details] };
  if (meta.readsVpcObject && ctx.view.has('Vpcs') && !ctx.view.vpc(ctx.vpcId)) {
    return outcome('INSUFFICIENT_DATA', `ec2.Vpcs does not hold ${ctx.vpcId}`);
  }
  try {
    return rule.evaluate(ctx, params);
  } catch (error) {
    // A bug must never pass for a result: it surfaces as "not checked", with the cause.
    return outcome('INSUFFICIENT_DATA', `internal error in ${meta.id}: ${(error as Error).message}`);
  }
}

const configRuleNames = new Map<string, string>();

// Built field by field, not by spreading the outcome: 10,000 clusters make 160,000 of these.
function finding(rule: Rule, ctx: ClusterContext, result: Outcome): Finding {
  let name = configRuleNames.get(rule.meta.id);
  if (name === undefined) configRuleNames.set(rule.meta.id, (name = configRuleName(rule.meta.id)));
  return {
    ruleId: rule.meta.id,
    configRuleName: name,
    severity: rule.meta.severity,
    resourceType: 'AWS::EKS::Cluster',
    resourceId: ctx.name,
    clusterArn: ctx.arn,
    vpcId: ctx.vpcId,
    compliance: result.compliance,
    annotation: result.annotation,
    offenders: result.offenders,
    details: completeDetails(rule, ctx, result),
  };
}

/** Adds one finding per rule for `cluster` to `findings`. */
function addClusterFindings(
  findings: Finding[],
  view: SnapshotView,
  cluster: Cluster,
  rules: readonly Rule[],
  params: Params,
  before: readonly (Outcome | undefined)[],
): void {
  const ctx = buildClusterContext(view, cluster, params);
  // A plain loop: the CLI runs this 16 times per cluster, mostly before the JIT has optimized it.
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    findings.push(finding(rule, ctx, evaluateDecided(rule, ctx, params, before[i])));
  }
}

/** Every rule for one cluster: exactly one finding per rule. */
export function evaluateCluster(
  view: SnapshotView,
  cluster: Cluster,
  rules: readonly Rule[],
  params: Params,
): Finding[] {
  const findings: Finding[] = [];
  const before = rules.map((rule) => decidedBeforeData(rule, view, params));
  addClusterFindings(findings, view, cluster, rules, params, before);
  return findings;
}

/** Every rule for every cluster of the snapshot, sorted as SPEC §5 says. */
export function evaluateSnapshot(view: SnapshotView, rules: readonly Rule[], params: Params): Finding[] {
  const before = rules.map((rule) => decidedBeforeData(rule, view, params));
  const clusters = view.clusters;
  const perCluster: Finding[][] = [];
  for (let i = 0; i < clusters.length; i++) {
    const findings: Finding[] = [];
    addClusterFindings(findings, view, clusters[i]!, rules, params, before);
    perCluster.push(findings);
  }
  return inSpecOrder(perCluster);
}

export { clusterArn };
