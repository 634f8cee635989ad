import type { ClusterContext } from '../engine/cluster-context';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { addSubnetFix, ENDPOINT_DOCS, nodeSubnetsByZone } from '../fixes/endpoint-commands';
import { membershipDoubt, type JudgedEndpoint } from '../network/endpoints';
import type { SnapshotView } from '../snapshot/view';
import { noServiceRequired } from './shared/no-service-required';
import { judgedEndpointsOf } from './shared/judged-endpoints';

/** The Availability Zones of some subnets, and why the list may be incomplete. */
interface Zones {
  names: Set<string>;
  doubts: string[];
}

function zonesOf(view: SnapshotView, subnetIds: readonly string[], doubts: readonly string[] = []): Zones {
  const zones: Zones = { names: new Set(), doubts: [...doubts] };
  for (const id of subnetIds) {
    const subnet = view.subnet(id);
    if (!subnet) zones.doubts.push(`${id} is not in ec2.Subnets`);
    else if (subnet.AvailabilityZone === undefined) zones.doubts.push(`${id} has no AvailabilityZone`);
    else zones.names.add(subnet.AvailabilityZone);
  }
  return zones;
}

function judge(verdict: Verdict, ctx: ClusterContext, nodeZones: Zones, judged: JudgedEndpoint): void {
  const { endpoint, service, member } = judged;
  const id = endpoint.VpcEndpointId;
  const own = zonesOf(ctx.view, endpoint.SubnetIds);
  const uncovered = [...nodeZones.names].filter((zone) => !own.names.has(zone)).sort();
  if (uncovered.length === 0) return;
  const problem = `${id} (${service}) has no subnet in ${uncovered.join(', ')}`;
  // An endpoint subnet of unknown AZ may sit in the uncovered zone; a possible member may not be judged.
  const doubts = [...own.doubts, ...(member === true ? [] : [membershipDoubt(judged)])];
  if (doubts.length === 0) {
    // Each uncovered zone has a node subnet: node subnets are what put the zone on the list.
    const nodeSubnetIn = nodeSubnetsByZone(ctx).byZone;
    verdict.fail(problem, id).because(
      ...uncovered.map((zone) => {
        const subnetId = nodeSubnetIn.get(zone)!;
        return {
          resourceId: id,
          resourceType: 'AWS::EC2::VPCEndpoint',
          problem: `${id} (${service}) has no subnet in ${zone}, where node subnet ${subnetId} is: nodes there reach it across zones and lose it when another zone fails`,
          fix: addSubnetFix(ctx, id, subnetId),
        };
      }),
    );
  } else verdict.unknown(`cannot tell whether ${problem}: ${doubts.join(', ')}`, id);
}

/** An AZ without an endpoint subnet sends its nodes' traffic across zones and ties them to another AZ's health. */
export const vpcEndpointsAzCoverage: Rule = {
  meta: {
    id: 'VPC_ENDPOINTS_AZ_COVERAGE',
    title: 'Interface endpoints have a subnet in every Availability Zone with nodes',
    severity: 'medium',
    rationale:
      'Nodes in an Availability Zone where an Interface endpoint has no network interface reach it across zones: traffic costs more, adds latency, and the nodes lose the service (image pulls, node join, STS) when the zone holding the endpoint fails.',
    remediation:
      'Add a subnet in each uncovered zone: aws ec2 modify-vpc-endpoint --vpc-endpoint-id <vpce> --add-subnet-ids <subnet in that AZ>, or in the console: VPC > Endpoints > Actions > Manage subnets.',
    documentation: ENDPOINT_DOCS.subnets,
    parameters: ['requiredServices', 'nodeSubnetIds'],
    needs: ['VpcEndpoints', 'Subnets'],
    shortCut: noServiceRequired,
  },
  evaluate(ctx, params) {
    const verdict = new Verdict();
    const judged = judgedEndpointsOf(ctx, params.requiredServices);
    const nodeZones = zonesOf(ctx.view, ctx.nodeSubnets.ids, ctx.nodeSubnets.unknown);
    for (const endpoint of judged) judge(verdict, ctx, nodeZones, endpoint);
    // A node zone the snapshot does not show may be one no endpoint covers.
    if (judged.length > 0 && nodeZones.doubts.length > 0) {
      verdict.unknown(`cannot tell every Availability Zone with nodes: ${nodeZones.doubts.join(', ')}`);
    }
    const zones = [...nodeZones.names].sort().join(', ');
    return verdict.outcome(
      judged.length === 0
        ? `${ctx.vpcId} has no Interface endpoint of a required service to judge`
        : `all ${judged.length} Interface endpoints of required services have a subnet in every node AZ (${zones})`,
    );
  },
};
