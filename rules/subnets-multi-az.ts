import type { ClusterContext } from '../engine/cluster-context';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';

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
    documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html',
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
      verdict.fail(
        ids.length === 0
          ? `${ctx.name} has no cluster subnets`
          : `cluster subnets ${ids.join(', ')} span only one Availability Zone (${spanned})`,
        ...ids,
      );
    }
    return verdict.outcome(`cluster subnets span ${zones.size} Availability Zones: ${spanned}`);
  },
};
