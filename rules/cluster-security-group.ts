import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import type { Protocol } from '../network/protocol';
import { securityGroupsAdmit, type FlowSide } from '../network/security-groups';
import {
  controlPlaneSide,
  explainAdmission,
  nodesSide,
  reportFailedAdmissions,
  type FailedAdmission,
} from './shared/admission-explanation';

interface ClusterFlow {
  /** What stops working when the flow is blocked. */
  purpose: string;
  from: FlowSide;
  to: FlowSide;
  protocol: Protocol;
  port: number;
}

function clusterFlows(nodes: FlowSide, controlPlane: FlowSide): ClusterFlow[] {
  return [
    { purpose: 'API server', from: nodes, to: controlPlane, protocol: 'tcp', port: 443 },
    { purpose: 'kubelet', from: controlPlane, to: nodes, protocol: 'tcp', port: 10250 },
    { purpose: 'CoreDNS', from: nodes, to: nodes, protocol: 'tcp', port: 53 },
    { purpose: 'CoreDNS', from: nodes, to: nodes, protocol: 'udp', port: 53 },
  ];
}

/**
 * Nodes and the control plane talk over the cluster and node security groups only: nodes
 * call the API server, the API server calls kubelets (logs, exec, webhooks), pods resolve
 * names through CoreDNS on other nodes.
 */
export const clusterSecurityGroup: Rule = {
  meta: {
    id: 'CLUSTER_SECURITY_GROUP',
    title: 'Security groups allow node ↔ control plane and node ↔ node DNS traffic',
    severity: 'critical',
    rationale:
      'Nodes reach the private API server endpoint on tcp/443 through the control-plane ENIs in the cluster subnets; the control plane reaches kubelets on tcp/10250 (kubectl logs/exec, metrics); pods resolve names through CoreDNS on tcp/udp 53 on other nodes. If the security groups block any of these, nodes fail to join, kubectl exec and logs hang, or DNS inside the cluster fails.',
    remediation:
      "Keep the EKS cluster security group's self-referencing all-traffic ingress rule and attach it to the nodes, or add the missing rule, e.g. aws ec2 authorize-security-group-ingress --group-id <control-plane-sg> --protocol tcp --port 443 --source-group <node-sg> (tcp/10250 on the node group from the control-plane group; tcp and udp 53 between node groups).",
    documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html',
    parameters: ['nodeSecurityGroupIds', 'nodeSubnetIds'],
    needs: ['SecurityGroups', 'Subnets'],
  },
  evaluate(ctx) {
    const verdict = new Verdict();
    const clusterGroupId = ctx.cluster.resourcesVpcConfig.clusterSecurityGroupId;
    // Every failing flow first, so a rule two flows lack is one fix naming both.
    let failed: FailedAdmission[] | undefined;
    for (const flow of clusterFlows(nodesSide(ctx), controlPlaneSide(ctx))) {
      const { from, to, protocol, port } = flow;
      const result = securityGroupsAdmit(ctx.view, from, to, protocol, port);
      if (result.admitted === true) continue;
      const subject = `${flow.purpose} (${from.label} → ${to.label})`;
      const explained = explainAdmission(ctx.view, from, to, protocol, port, result, {
        subject,
        clusterGroupId,
      });
      (failed ??= []).push({ flow: subject, explained, offenders: explained.offenders, definite: true });
    }
    if (failed) {
      reportFailedAdmissions(verdict, failed, {
        region: ctx.view.region,
        documentation: this.meta.documentation,
        clusterGroupId,
      });
    }
    return verdict.outcome(
      'security groups allow nodes → control plane tcp/443, control plane → nodes tcp/10250, nodes → nodes tcp/udp 53',
    );
  },
};
