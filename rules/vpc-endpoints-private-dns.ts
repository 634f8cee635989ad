import type { ClusterContext } from '../engine/cluster-context';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { ENDPOINT_DOCS, enablePrivateDnsFix } from '../fixes/endpoint-commands';
import { membershipDoubt, type JudgedEndpoint } from '../network/endpoints';
import { known, not, or } from '../network/tri';
import { noServiceRequired } from './shared/no-service-required';
import { judgedEndpointsOf } from './shared/judged-endpoints';

function judge(verdict: Verdict, ctx: ClusterContext, judged: JudgedEndpoint): void {
  const { endpoint, service, member } = judged;
  const label = `${endpoint.VpcEndpointId} (${service})`;
  const privateDns = known(endpoint.PrivateDnsEnabled);
  // A possible member that fails is not a violation: the endpoint may not be judged at all.
  const passes = or(not(member), privateDns);
  const unknownMessage =
    privateDns === null
      ? `${label} has no PrivateDnsEnabled`
      : `${label} has private DNS off, and may not be judged: ${membershipDoubt(judged)}`;
  const message = `${label} has private DNS off`;
  if (verdict.check(passes, message, [endpoint.VpcEndpointId], unknownMessage) !== false) return;
  verdict.because({
    resourceId: endpoint.VpcEndpointId,
    resourceType: 'AWS::EC2::VPCEndpoint',
    problem: `${message}: the nodes resolve the ${service} hostname to public addresses they cannot reach, not to this endpoint`,
    fix: enablePrivateDnsFix(ctx, endpoint, service),
  });
}

/** Without private DNS, service hostnames resolve to public addresses the nodes cannot reach. */
export const vpcEndpointsPrivateDns: Rule = {
  meta: {
    id: 'VPC_ENDPOINTS_PRIVATE_DNS',
    title: 'Interface endpoints of required services have private DNS enabled',
    severity: 'critical',
    rationale:
      'kubelet, containerd and AWS SDKs call the public service hostnames (ec2.<region>.amazonaws.com, the ECR registry, sts). Only with private DNS do these names resolve to the endpoint in the VPC; otherwise they resolve to public addresses a private node cannot reach, and nodes fail to join or pull images.',
    remediation:
      'Enable private DNS: aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce> --private-dns-enabled (the VPC needs enableDnsSupport and enableDnsHostnames), or in the console: VPC > Endpoints > Actions > Modify private DNS name.',
    documentation: ENDPOINT_DOCS.privateDns,
    parameters: ['requiredServices'],
    needs: ['VpcEndpoints'],
    shortCut: noServiceRequired,
  },
  evaluate(ctx, params) {
    const verdict = new Verdict();
    const judged = judgedEndpointsOf(ctx, params.requiredServices);
    for (const endpoint of judged) judge(verdict, ctx, endpoint);
    return verdict.outcome(
      judged.length === 0
        ? `${ctx.vpcId} has no Interface endpoint of a required service to judge`
        : `all ${judged.length} Interface endpoints of required services have private DNS on`,
    );
  },
};
