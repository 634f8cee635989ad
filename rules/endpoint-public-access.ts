import type { ClusterContext } from '../engine/cluster-context';
import type { Outcome } from '../engine/findings';
import type { Params } from '../engine/params';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { coveredByUnion, type Cidr } from '../network/cidr';
import { known, not, type Tri } from '../network/tri';

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

function evaluateDisabled(ctx: ClusterContext): Outcome {
  const verdict = new Verdict();
  verdict.check(
    not(known(ctx.cluster.resourcesVpcConfig.endpointPublicAccess)),
    `${ctx.name}: public API server endpoint access is on; publicAccess=disabled requires it off`,
    [ctx.name],
    `${ctx.name}: resourcesVpcConfig.endpointPublicAccess is absent`,
  );
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
    judgeCidrs(ctx, verdict, publicOn, problems);
  }
  const cidrs = ctx.cluster.resourcesVpcConfig.publicAccessCidrs?.join(', ') || 'none';
  return verdict.outcome(
    publicOn
      ? `${ctx.name}: public API server endpoint access is on, restricted to ${cidrs}`
      : `${ctx.name}: public API server endpoint admits only ${cidrs}`,
  );
}

function judgeCidrs(ctx: ClusterContext, verdict: Verdict, publicOn: Tri, problems: CidrProblems): void {
  const whileOn = not(publicOn);
  const ifOn = `${ctx.name}: resourcesVpcConfig.endpointPublicAccess is absent, and if public access is on`;
  if (problems.open.length > 0) {
    const open = problems.open.join(', ');
    verdict.check(
      whileOn,
      `${ctx.name}: public API server endpoint is on and open to the internet (${open})`,
      problems.open,
      `${ifOn} it is open to the internet (${open})`,
    );
  }
  if (problems.outside.length > 0) {
    const outside = problems.outside.join(', ');
    verdict.check(
      whileOn,
      `${ctx.name}: public API server endpoint is on and admits ${outside}, outside allowedPublicCidrs`,
      problems.outside,
      `${ifOn} it admits ${outside}, outside allowedPublicCidrs`,
    );
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
    documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
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
