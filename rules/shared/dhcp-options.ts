import type { ClusterContext } from '../../engine/cluster-context';
import type { Detail, Outcome } from '../../engine/findings';
import { Verdict } from '../../engine/verdict';
import type { DhcpOptionSet, Vpc } from '../../snapshot/schema';
import {
  completedConfigurations,
  DHCP_OPTIONS_DOCUMENTATION,
  replaceDhcpOptionSet,
} from '../../fixes/dhcp-option-set';
import { resourceTypeOf } from '../../fixes/resource-types';

/** `DhcpOptionsId` of a VPC associated with no DHCP option set. */
const NO_OPTION_SET = 'default';

/**
 * Shared by both DHCP rules: finds the cluster VPC's DHCP option set and lets `judge` check
 * it, recording violations on `verdict` and returning the annotation shown if it stays
 * compliant (any text once it has recorded a violation or unknown). A VPC with
 * no set (`DhcpOptionsId: "default"`) fails with `noSetViolation`. `ec2.DhcpOptions` matters
 * only when the VPC names a set, which the engine's "needs" cannot express, so its absence
 * is handled here.
 */
export function judgeDhcpOptionSet(
  ctx: ClusterContext,
  noSetViolation: string,
  judge: (set: DhcpOptionSet, vpc: Vpc, verdict: Verdict) => string,
): Outcome {
  const verdict = new Verdict();
  const vpc = ctx.view.vpc(ctx.vpcId);
  if (vpc === undefined) {
    verdict.unknown(`ec2.Vpcs does not hold ${ctx.vpcId}`, ctx.vpcId);
  } else if (vpc.DhcpOptionsId === NO_OPTION_SET) {
    verdict
      .fail(noSetViolation, ctx.vpcId)
      .because(replaceSetDetail(ctx, undefined, ctx.vpcId, noSetViolation));
  } else if (!ctx.view.has('DhcpOptions')) {
    verdict.unknown('snapshot has no ec2.DhcpOptions');
  } else {
    const set = ctx.view.dhcpOptions(vpc.DhcpOptionsId);
    if (set !== undefined) return verdict.outcome(judge(set, vpc, verdict));
    verdict.unknown(
      `${vpc.DhcpOptionsId} (DHCP options of ${ctx.vpcId}) is not in ec2.DhcpOptions`,
      vpc.DhcpOptionsId,
    );
  }
  // Every path here recorded a violation or an unknown, so no compliant annotation is shown.
  return verdict.outcome('');
}

/**
 * The detail of a set (or of a VPC without one, `set` undefined) that a new set resolves: the
 * current configurations, completed (fixes/dhcp-option-set.ts), associated with the VPC.
 */
export function replaceSetDetail(
  ctx: ClusterContext,
  set: DhcpOptionSet | undefined,
  resourceId: string,
  problem: string,
): Detail {
  const region = ctx.view.region;
  return {
    resourceId,
    resourceType: resourceTypeOf(resourceId),
    problem,
    fix: {
      commands: replaceDhcpOptionSet(region, ctx.vpcId, completedConfigurations(set, region)),
      documentation: DHCP_OPTIONS_DOCUMENTATION,
    },
  };
}

/** The non-empty values of `key` (as AWS spells it, e.g. `domain-name-servers`), over every entry for it. */
export function dhcpValues(set: DhcpOptionSet, key: string): string[] {
  return set.DhcpConfigurations.filter((c) => c.Key === key)
    .flatMap((c) => c.Values.map((v) => v.Value?.trim() ?? ''))
    .filter((value) => value.length > 0);
}
