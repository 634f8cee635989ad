import type { ClusterContext } from '../engine/cluster-context';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import type { Detail } from '../engine/findings';
import { CLUSTER_TYPE } from '../fixes/resource-types';
import {
  CLUSTER_SUBNETS_DOCUMENTATION,
  describeByZone,
  subnetsByZone,
} from '../fixes/cluster-subnet-choices';

interface Placement {
  zones: Set<string>;
  /** Why some cluster subnets cannot be placed in a zone, with the subnet concerned. */
  unplaced: { message: string; subnetId?: string }[];
}

function placeClusterSubnets(ctx: ClusterContext): Placement {
  const placement: Placement = {
    zones: new Set(),
    unplaced: ctx.clusterSubnets.unknown.map((message) => ({ message })),
  };
  for (const subnetId of ctx.clusterSubnets.ids) {
    const subnet = ctx.view.subnet(subnetId);
    if (subnet === undefined) {
      placement.unplaced.push({ message: `${subnetId} is not in ec2.Subnets`, subnetId });
    } else if (subnet.AvailabilityZone === undefined) {
      placement.unplaced.push({ message: `${subnetId}: AvailabilityZone is absent`, subnetId });
    } else {
      placement.zones.add(subnet.AvailabilityZone);
    }
  }
  return placement;
}

/**
 * No command: EKS takes new cluster subnets only in the Availability Zones the cluster was
 * created with, which the snapshot does not show, so any subnet picked here could be refused.
 */
function spreadDetail(ctx: ClusterContext, zones: ReadonlySet<string>, problem: string): Detail {
  const ids = new Set(ctx.clusterSubnets.ids);
  const candidates = subnetsByZone(
    ctx.view,
    ctx.vpcId,
    (s, zone) => !ids.has(s.SubnetId) && !zones.has(zone),
  );
  const choices =
    candidates.size > 0
      ? `Subnets of ${ctx.vpcId} in other Availability Zones: ${describeByZone(candidates)}.`
      : `The snapshot shows no subnet of ${ctx.vpcId} in another Availability Zone: create a private one first (aws ec2 create-subnet).`;
  return {
    resourceId: ctx.name,
    resourceType: CLUSTER_TYPE,
    problem,
    fix: {
      commands: [],
      decide:
        `Choose private subnets, each with at least 16 free addresses, so that the cluster subnets of ${ctx.name} ` +
        'span two or more Availability Zones, and set them: aws eks update-cluster-config --name ' +
        `${ctx.name} --resources-vpc-config subnetIds=<every subnet the cluster keeps or gains>. EKS accepts ` +
        'only subnets in the Availability Zones the cluster was created with, which the snapshot does not ' +
        'show; if none of those is another zone, the cluster has to be created again. ' +
        choices,
      documentation: CLUSTER_SUBNETS_DOCUMENTATION,
    },
  };
}

/** EKS needs cluster subnets in two Availability Zones, and one AZ outage must not take the control plane's ENIs down. */
export const subnetsMultiAz: Rule = {
  meta: {
    id: 'SUBNETS_MULTI_AZ',
    title: 'Cluster subnets span at least two Availability Zones',
    severity: 'medium',
    rationale:
      'EKS places its cross-account control-plane ENIs in the cluster subnets; with all of them in one Availability Zone, an AZ outage cuts nodes off from the API server, and EKS refuses to create or update a cluster without subnets in two AZs.',
    remediation:
      'Add a private subnet in another Availability Zone and give it to the cluster: aws eks update-cluster-config --name <cluster> --resources-vpc-config subnetIds=<subnet-a>,<subnet-b>',
    documentation: CLUSTER_SUBNETS_DOCUMENTATION,
    parameters: [],
    needs: ['Subnets'],
  },
  evaluate(ctx) {
    const verdict = new Verdict();
    const { zones, unplaced } = placeClusterSubnets(ctx);
    const spanned = [...zones].sort().join(', ');
    // Two known zones settle it: subnets the snapshot cannot place could only add zones.
    if (zones.size < 2 && unplaced.length > 0) {
      for (const { message, subnetId } of unplaced) {
        verdict.unknown(message, ...(subnetId === undefined ? [] : [subnetId]));
      }
    } else if (zones.size < 2) {
      const ids = ctx.clusterSubnets.ids;
      const message =
        ids.length === 0
          ? `${ctx.name} has no cluster subnets`
          : `cluster subnets ${ids.join(', ')} span only one Availability Zone (${spanned})`;
      const problem =
        ids.length === 0
          ? `${ctx.name} has no cluster subnets (resourcesVpcConfig.subnetIds is empty)`
          : `the cluster subnets of ${ctx.name}, ${ids.join(', ')}, are all in ${spanned}: an outage of that ` +
            'Availability Zone takes down every network interface of the control plane in the VPC';
      verdict.fail(message, ...ids).because(spreadDetail(ctx, zones, problem));
    }
    return verdict.outcome(`cluster subnets span ${zones.size} Availability Zones: ${spanned}`);
  },
};
