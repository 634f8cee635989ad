import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';

/** EKS needs free addresses in the cluster subnets for its cross-account ENIs, at creation and at every upgrade. */
export const subnetsFreeIps: Rule = {
  meta: {
    id: 'SUBNETS_FREE_IPS',
    title: 'Cluster subnets have enough free IP addresses',
    severity: 'medium',
    rationale:
      'EKS places cross-account control-plane ENIs in the cluster subnets and needs at least 6 free addresses in them (16 recommended) to create, upgrade or scale the control plane; a full subnet makes cluster updates fail.',
    remediation:
      'Free addresses in the subnet, or add larger subnets (a secondary VPC CIDR: aws ec2 associate-vpc-cidr-block) and give them to the cluster: aws eks update-cluster-config --name <cluster> --resources-vpc-config subnetIds=<subnets>',
    documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html',
    parameters: ['minFreeIps'],
    needs: ['Subnets'],
  },
  evaluate(ctx, params) {
    const verdict = new Verdict();
    const min = params.minFreeIps;
    for (const reason of ctx.clusterSubnets.unknown) verdict.unknown(reason);
    let lowest: { subnetId: string; count: number } | undefined;
    for (const subnetId of ctx.clusterSubnets.ids) {
      const subnet = ctx.view.subnet(subnetId);
      const count = subnet?.AvailableIpAddressCount;
      if (subnet === undefined) {
        verdict.unknown(`${subnetId} is not in ec2.Subnets`, subnetId);
      } else if (count === undefined) {
        verdict.unknown(`${subnetId}: AvailableIpAddressCount is absent`, subnetId);
      } else if (count < min) {
        verdict.fail(`${subnetId} has ${count} free IP addresses (minimum ${min})`, subnetId);
      }
      if (count !== undefined && (lowest === undefined || count < lowest.count)) lowest = { subnetId, count };
    }
    return verdict.outcome(
      lowest === undefined
        ? `${ctx.name} has no cluster subnets to check`
        : `every cluster subnet has at least ${min} free IP addresses (fewest: ${lowest.subnetId} with ${lowest.count})`,
    );
  },
};
