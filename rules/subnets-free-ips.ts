import type { Rule } from '../engine/rule';
import type { ClusterContext } from '../engine/cluster-context';
import type { Detail } from '../engine/findings';
import { Verdict } from '../engine/verdict';
import type { Subnet } from '../snapshot/schema';
import {
  CLUSTER_SUBNETS_DOCUMENTATION,
  describeByZone,
  subnetsByZone,
} from '../fixes/cluster-subnet-choices';
import { resourceTypeOf } from '../fixes/resource-types';

/**
 * No command: which addresses can be freed, or which subnet should replace this one, only the
 * user knows; the subnets of the same zone with room are listed to choose from.
 */
function fullSubnetDetail(ctx: ClusterContext, subnet: Subnet, count: number, min: number): Detail {
  const id = subnet.SubnetId;
  const zone = subnet.AvailabilityZone;
  const clusterSubnets = new Set(ctx.clusterSubnets.ids);
  const roomy =
    zone === undefined
      ? new Map<string, Subnet[]>()
      : subnetsByZone(
          ctx.view,
          ctx.vpcId,
          (s, z) => z === zone && !clusterSubnets.has(s.SubnetId) && (s.AvailableIpAddressCount ?? 0) >= min,
        );
  const choices =
    roomy.size > 0
      ? `Subnets of ${ctx.vpcId} in that zone with at least ${min} free addresses: ${describeByZone(roomy)}.`
      : `The snapshot shows no other subnet of ${ctx.vpcId} in that zone with at least ${min} free addresses: ` +
        'create one (aws ec2 create-subnet; aws ec2 associate-vpc-cidr-block first if the VPC has no room).';
  return {
    resourceId: id,
    resourceType: resourceTypeOf(id),
    problem:
      `${id}${zone === undefined ? '' : ` (${zone})`}, a cluster subnet of ${ctx.name}, has ${count} free IP ` +
      `addresses, fewer than ${min}: EKS places network interfaces of the control plane in the cluster ` +
      'subnets when it creates, upgrades or scales it, and needs at least 6 free addresses there (16 recommended)',
    fix: {
      commands: [],
      decide:
        `Free addresses in ${id} (delete network interfaces nobody uses, or move nodes and load balancers to ` +
        `other subnets), or replace it among the cluster subnets of ${ctx.name} with a subnet of the same ` +
        `Availability Zone (EKS accepts only the zones the cluster was created with): aws eks ` +
        `update-cluster-config --name ${ctx.name} --resources-vpc-config subnetIds=<the new list>. ` +
        choices,
      documentation: CLUSTER_SUBNETS_DOCUMENTATION,
    },
  };
}

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
    documentation: CLUSTER_SUBNETS_DOCUMENTATION,
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
        verdict
          .fail(`${subnetId} has ${count} free IP addresses (minimum ${min})`, subnetId)
          .because(fullSubnetDetail(ctx, subnet, count, min));
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
