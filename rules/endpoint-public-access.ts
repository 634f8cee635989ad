import type { ClusterContext } from '../engine/cluster-context';
import type { Detail, Fix, Outcome } from '../engine/findings';
import type { Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { coveredByUnion, type Cidr } from '../network/cidr';
import { known, not, type Tri } from '../network/tri';
import {
  CLUSTER_ENDPOINT_DOCUMENTATION,
  disablePublicAccess,
  setPublicAccessCidrs,
} from '../fixes/eks-endpoint-access';
import { CLUSTER_TYPE } from '../fixes/resource-types';

/** What is wrong with the public endpoint's CIDRs, in `restricted` mode; undefined when the list is absent. */
interface CidrProblems {
  /** CIDRs that admit the whole internet (`0.0.0.0/0`, `::/0`). */
  open: string[];
  /** CIDRs not inside the union of `allowedPublicCidrs` (when that parameter is set). */
  outside: string[];
  /** CIDRs the snapshot holds in a form that does not parse. */
  unparsed: string[];
}

function cidrProblems(ctx: ClusterContext, allowed: readonly Cidr[] | undefined): CidrProblems | undefined {
  const texts = ctx.cluster.resourcesVpcConfig.publicAccessCidrs;
  if (texts === undefined) return undefined;
  const problems: CidrProblems = { open: [], outside: [], unparsed: [] };
  for (const text of texts) {
    const cidr = ctx.view.cidr(text);
    if (cidr === undefined) problems.unparsed.push(text);
    // A /0 of either family is the whole internet, whatever the allowed list says.
    else if (cidr.prefix === 0) problems.open.push(text);
    else if (allowed !== undefined && !coveredByUnion(cidr, allowed)) problems.outside.push(text);
  }
  return problems;
}

function clusterDetail(ctx: ClusterContext, problem: string, fix: Omit<Fix, 'documentation'>): Detail {
  return {
    resourceId: ctx.name,
    resourceType: CLUSTER_TYPE,
    problem,
    fix: { ...fix, documentation: CLUSTER_ENDPOINT_DOCUMENTATION },
  };
}

function evaluateDisabled(ctx: ClusterContext): Outcome {
  const verdict = new Verdict();
  const off = verdict.check(
    not(known(ctx.cluster.resourcesVpcConfig.endpointPublicAccess)),
    `${ctx.name}: public API server endpoint access is on; publicAccess=disabled requires it off`,
    [ctx.name],
    `${ctx.name}: resourcesVpcConfig.endpointPublicAccess is absent`,
  );
  if (off === false) {
    const cidrs = ctx.cluster.resourcesVpcConfig.publicAccessCidrs;
    verdict.because(
      clusterDetail(
        ctx,
        `${ctx.name} has its public API server endpoint on` +
          (cidrs === undefined ? '' : `, admitting ${cidrs.join(', ') || 'no CIDR'}`) +
          '; publicAccess=disabled requires it off. Whoever runs kubectl from outside the VPC then needs a ' +
          'connected network (VPN, Direct Connect, transit gateway) or a host inside it',
        { commands: [disablePublicAccess(ctx.view.region, ctx.name)] },
      ),
    );
  }
  return verdict.outcome(`${ctx.name}: public API server endpoint access is off`);
}

/**
 * Compliant while public access is off, or while every public CIDR is acceptable. EKS
 * reports `0.0.0.0/0` even while public access is off, so the CIDRs only count when it is on
 * (and, when that is unknown, a bad CIDR makes the finding unknown rather than a violation).
 */
function evaluateRestricted(ctx: ClusterContext, params: Params): Outcome {
  const verdict = new Verdict();
  const publicOn: Tri = known(ctx.cluster.resourcesVpcConfig.endpointPublicAccess);
  if (publicOn === false) return verdict.outcome(`${ctx.name}: public API server endpoint access is off`);

  const problems = cidrProblems(ctx, params.allowedPublicCidrs);
  if (problems === undefined) {
    verdict.unknown(
      publicOn
        ? `${ctx.name}: public API server endpoint access is on but resourcesVpcConfig.publicAccessCidrs is absent`
        : `${ctx.name}: resourcesVpcConfig.endpointPublicAccess and publicAccessCidrs are absent`,
      ctx.name,
    );
  } else {
    judgeCidrs(ctx, verdict, publicOn, problems, params.allowedPublicCidrs);
  }
  const cidrs = ctx.cluster.resourcesVpcConfig.publicAccessCidrs?.join(', ') || 'none';
  return verdict.outcome(
    publicOn
      ? `${ctx.name}: public API server endpoint access is on, restricted to ${cidrs}`
      : `${ctx.name}: public API server endpoint admits only ${cidrs}`,
  );
}

/**
 * The public CIDRs to keep: the cluster's own that pass; else the allowed ones of the address
 * families the cluster already admits (EKS refuses IPv6 CIDRs on an IPv4 cluster); else none,
 * and the user decides.
 */
function replacementCidrs(ctx: ClusterContext, problems: CidrProblems, allowed: readonly Cidr[]): string[] {
  const current = ctx.cluster.resourcesVpcConfig.publicAccessCidrs ?? [];
  const bad = new Set([...problems.open, ...problems.outside, ...problems.unparsed]);
  const kept = current.filter((text) => !bad.has(text));
  if (kept.length > 0) return kept;
  const families = new Set(current.map((text) => ctx.view.cidr(text)?.family));
  return allowed.filter((cidr) => families.has(cidr.family)).map((cidr) => cidr.text);
}

/** One detail for every CIDR the public endpoint should not admit: EKS sets the list in one call. */
function restrictDetail(
  ctx: ClusterContext,
  problems: CidrProblems,
  allowed: readonly Cidr[] | undefined,
): Detail {
  const wrongs = [
    ...(problems.open.length > 0 ? [`open to the internet through ${problems.open.join(', ')}`] : []),
    ...(problems.outside.length > 0
      ? [`admitting ${problems.outside.join(', ')}, outside allowedPublicCidrs`]
      : []),
  ];
  const bad = [...problems.open, ...problems.outside].join(', ');
  const problem = `${ctx.name} has its public API server endpoint on and ${wrongs.join(' and ')}`;
  const cidrs = allowed === undefined ? [] : replacementCidrs(ctx, problems, allowed);
  if (cidrs.length > 0) {
    return clusterDetail(ctx, problem, {
      commands: [setPublicAccessCidrs(ctx.view.region, ctx.name, cidrs)],
    });
  }
  const why =
    allowed === undefined
      ? 'allowedPublicCidrs is not set, so the check cannot tell which networks should reach it'
      : `none of allowedPublicCidrs (${allowed.map((c) => c.text).join(', ')}) is of an address family the cluster admits`;
  return clusterDetail(ctx, problem, {
    commands: [],
    decide:
      `Choose the networks that may reach the public API server endpoint of ${ctx.name} in place of ${bad} ` +
      `(${why}): your offices' or VPN's egress CIDRs, say. Set them as its publicAccessCidrs ` +
      `(aws eks update-cluster-config --name ${ctx.name} --resources-vpc-config '{"publicAccessCidrs":[…]}') and ` +
      'in the parameter allowedPublicCidrs; or, if nobody needs the API server from the internet, turn public ' +
      'access off (endpointPrivateAccess=true,endpointPublicAccess=false).',
  });
}

function judgeCidrs(
  ctx: ClusterContext,
  verdict: Verdict,
  publicOn: Tri,
  problems: CidrProblems,
  allowed: readonly Cidr[] | undefined,
): void {
  const whileOn = not(publicOn);
  const ifOn = `${ctx.name}: resourcesVpcConfig.endpointPublicAccess is absent, and if public access is on`;
  // Both notes share the detail; the verdict keeps one copy.
  let detail: Detail | undefined;
  const explain = () => verdict.because((detail ??= restrictDetail(ctx, problems, allowed)));
  if (problems.open.length > 0) {
    const open = problems.open.join(', ');
    const judged = verdict.check(
      whileOn,
      `${ctx.name}: public API server endpoint is on and open to the internet (${open})`,
      problems.open,
      `${ifOn} it is open to the internet (${open})`,
    );
    if (judged === false) explain();
  }
  if (problems.outside.length > 0) {
    const outside = problems.outside.join(', ');
    const judged = verdict.check(
      whileOn,
      `${ctx.name}: public API server endpoint is on and admits ${outside}, outside allowedPublicCidrs`,
      problems.outside,
      `${ifOn} it admits ${outside}, outside allowedPublicCidrs`,
    );
    if (judged === false) explain();
  }
  for (const text of problems.unparsed) {
    verdict.unknown(`${ctx.name}: public access CIDR ${text} does not parse`, text);
  }
}

/** The private cluster's API server must not be reachable from the internet (or only from known networks). */
export const endpointPublicAccess: Rule = {
  meta: {
    id: 'ENDPOINT_PUBLIC_ACCESS',
    title: 'Cluster API server endpoint is not publicly accessible',
    severity: 'high',
    rationale:
      'A private cluster keeps its Kubernetes API off the internet; a public endpoint open to 0.0.0.0/0 exposes the API server to credential stuffing and to any leaked kubeconfig, and defeats the network isolation the private VPC provides.',
    remediation:
      'Turn public access off: aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true; or, where publicAccess=restricted, limit it: --resources-vpc-config publicAccessCidrs=203.0.113.0/24',
    documentation: CLUSTER_ENDPOINT_DOCUMENTATION,
    parameters: ['publicAccess', 'allowedPublicCidrs'],
    needs: [],
    shortCut: (params) =>
      params.publicAccess === 'allowed'
        ? {
            compliance: 'COMPLIANT',
            annotation: 'publicAccess=allowed: a public API server endpoint is accepted',
          }
        : undefined,
  },
  evaluate(ctx, params) {
    return params.publicAccess === 'restricted' ? evaluateRestricted(ctx, params) : evaluateDisabled(ctx);
  },
};
