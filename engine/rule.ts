import type { SectionName } from '../snapshot/schema';
import { configRuleName as configRuleNameUnder } from './config-rule-names';
import type { ClusterContext } from './cluster-context';
import type { Outcome, Severity } from './findings';
import type { ParameterName, Params } from './params';

/** An answer decided by parameters alone (SPEC §4 step 2), before any data is read. */
export interface ShortCut {
  compliance: 'COMPLIANT' | 'NOT_APPLICABLE';
  annotation: string;
}

export interface RuleMeta {
  /** SPEC §4 id, e.g. `VPC_ENDPOINTS_PRESENT`; the module file is its kebab-case form. */
  id: string;
  title: string;
  severity: Severity;
  /** Why the check matters for a private cluster (what breaks when it fails). */
  rationale: string;
  /** What to do about a violation: shown in alerts' next steps and in the CLI. */
  remediation: string;
  /** The AWS documentation page for the rule's fixes (details whose rule gives no page of their own). */
  documentation: string;
  /** Parameters the rule reads (and the Config rule's InputParameters carry). */
  parameters: readonly ParameterName[];
  /** `ec2.*` sections without which the rule reports INSUFFICIENT_DATA (SPEC §4 step 3). */
  needs: readonly SectionName[];
  /** Sections needed only for some parameter values (e.g. VpcEndpoints only when services are required). */
  conditionalNeeds?: (params: Params) => readonly SectionName[];
  /** The VPC rules: INSUFFICIENT_DATA when `ec2.Vpcs` is present but lacks the cluster's VPC. */
  readsVpcObject?: boolean;
  /** SPEC §4 step 2. */
  shortCut?: (params: Params) => ShortCut | undefined;
}

export interface Rule {
  meta: RuleMeta;
  /**
   * SPEC §4 steps 4–5 for one cluster. The engine has already handled a deleting cluster,
   * parameter short cuts and absent sections. Pure: reads only `ctx` and `params`.
   */
  evaluate(ctx: ClusterContext, params: Params): Outcome;
}

/**
 * `private-eks-` + the id in kebab case (SPEC §4); engine/config-rule-names.ts holds the prefix and the other
 * names. One argument on purpose, so `ids.map(configRuleName)` keeps the default prefix.
 */
export function configRuleName(ruleId: string): string {
  return configRuleNameUnder(ruleId);
}
