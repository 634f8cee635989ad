import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { securityGroupsAdmit, type AdmissionResult, type FlowSide } from '../network/security-groups';
import type { VpcEndpoint } from '../snapshot/schema';
import {
  explainAdmission,
  nodesSide,
  reportFailedAdmissions,
  type FailedAdmission,
} from './shared/admission-explanation';
import { noServiceRequired } from './shared/no-service-required';
import { judgedEndpointsOf } from './shared/judged-endpoints';

function endpointSide(endpoint: VpcEndpoint): FlowSide {
  const groupIds = endpoint.Groups.flatMap((g) => (g.GroupId === undefined ? [] : [g.GroupId]));
  const unnamed = groupIds.length < endpoint.Groups.length;
  return {
    label: endpoint.VpcEndpointId,
    groups: {
      ids: groupIds,
      unknown: unnamed ? [`${endpoint.VpcEndpointId} lists a security group without GroupId`] : [],
    },
    subnets: { ids: endpoint.SubnetIds, unknown: [] },
    resourceId: endpoint.VpcEndpointId,
  };
}

/**
 * Interface endpoints answer on tcp/443 at ENIs guarded by their own security groups; nodes
 * that cannot reach them cannot pull images, get credentials or call EC2 in a private VPC.
 */
export const vpcEndpointsSecurityGroups: Rule = {
  meta: {
    id: 'VPC_ENDPOINTS_SECURITY_GROUPS',
    title: 'Security groups allow nodes to reach the VPC interface endpoints on tcp/443',
    severity: 'critical',
    rationale:
      'In a private cluster every call to ECR, STS, EC2 and the other required services goes to interface endpoint ENIs on tcp/443. If the endpoint security groups do not admit the nodes, or the node security groups do not let the traffic out, image pulls, IAM roles for service accounts and node bootstrap time out.',
    remediation:
      'Allow HTTPS from the nodes on each endpoint security group, e.g. aws ec2 authorize-security-group-ingress --group-id <endpoint-sg> --protocol tcp --port 443 --source-group <node-sg> (or --cidr <node subnet CIDR>), and make sure the node security groups allow tcp/443 egress to the endpoint subnets or group.',
    documentation: 'https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html',
    parameters: ['requiredServices', 'nodeSecurityGroupIds', 'nodeSubnetIds'],
    needs: ['VpcEndpoints', 'SecurityGroups', 'Subnets'],
    shortCut: noServiceRequired,
  },
  evaluate(ctx, params) {
    const verdict = new Verdict();
    const nodes = nodesSide(ctx);
    const clusterGroupId = ctx.cluster.resourcesVpcConfig.clusterSecurityGroupId;
    const judged = judgedEndpointsOf(ctx, params.requiredServices);
    // Endpoints usually share one security group and the same subnets: decide each pair once.
    const admissions = new Map<string, AdmissionResult>();
    // Every failing endpoint first: endpoints that share a security group lack the same rule,
    // and its one fix names them all (running the same command twice would fail the second time).
    let failed: FailedAdmission[] | undefined;
    for (const { endpoint, service, member } of judged) {
      const side = endpointSide(endpoint);
      const key = `${side.groups.ids.join()} ${side.groups.unknown.length} ${side.subnets.ids.join()}`;
      let result = admissions.get(key);
      if (!result) admissions.set(key, (result = securityGroupsAdmit(ctx.view, nodes, side, 'tcp', 443)));
      if (result.admitted === true) continue;
      // An endpoint that may not be judged at all cannot make the cluster non-compliant.
      const subject = `${endpoint.VpcEndpointId} (${service})${member === true ? '' : ' if it is judged'}`;
      const explained = explainAdmission(ctx.view, nodes, side, 'tcp', 443, result, {
        subject,
        clusterGroupId,
      });
      (failed ??= []).push({
        flow: `nodes → ${endpoint.VpcEndpointId} (${service})`,
        explained,
        offenders: [endpoint.VpcEndpointId, ...explained.offenders],
        definite: member === true,
      });
    }
    if (failed) {
      reportFailedAdmissions(verdict, failed, {
        region: ctx.view.region,
        documentation: this.meta.documentation,
        clusterGroupId,
      });
    }
    const count = judged.length;
    return verdict.outcome(
      count === 0
        ? 'no judged interface endpoint in the VPC'
        : `security groups allow tcp/443 from the nodes to ${count} judged interface endpoint${count === 1 ? '' : 's'}`,
    );
  },
};
