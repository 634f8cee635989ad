import type { ClusterContext } from '../engine/cluster-context';
import { joinAnnotation, UNRESOLVED_FIX, type Outcome } from '../engine/findings';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { addRouteTablesFix } from '../fixes/endpoint-commands';
import { absentEndpointFields, s3GatewayEndpoints, s3GatewayServesVpc } from '../network/endpoints';
import { noServiceRequired } from './shared/no-service-required';

/** The route tables the existing s3 Gateway endpoints add their prefix-list route to. */
interface GatewayTables {
  endpointIds: string[];
  tables: Set<string>;
  /** Tables only possible Gateway endpoints (State or Type absent) route. */
  possibleTables: Map<string, string[]>;
}

function gatewayTables(ctx: ClusterContext): GatewayTables {
  const result: GatewayTables = { endpointIds: [], tables: new Set(), possibleTables: new Map() };
  for (const { endpoint, member } of s3GatewayEndpoints(ctx.view, ctx.vpcId)) {
    if (member === true) {
      result.endpointIds.push(endpoint.VpcEndpointId);
      for (const table of endpoint.RouteTableIds) result.tables.add(table);
    } else {
      for (const table of endpoint.RouteTableIds) {
        result.possibleTables.set(table, [
          ...(result.possibleTables.get(table) ?? []),
          endpoint.VpcEndpointId,
        ]);
      }
    }
  }
  return result;
}

function notApplicable(annotation: string): Outcome {
  return { compliance: 'NOT_APPLICABLE', annotation, offenders: [], details: [] };
}

/** Every s3 endpoint that may be an existing Gateway one lacks a field that would tell. */
function gatewayUnknown(ctx: ClusterContext): Outcome {
  const candidates = s3GatewayEndpoints(ctx.view, ctx.vpcId).map((g) => g.endpoint);
  const why = candidates.map((e) => {
    return `${e.VpcEndpointId} has no ${absentEndpointFields(e).join(', ')}`;
  });
  return {
    compliance: 'INSUFFICIENT_DATA',
    annotation: joinAnnotation([
      `cannot tell whether ${ctx.vpcId} has an existing s3 Gateway endpoint: ${why.join(', ')}`,
    ]),
    offenders: candidates.map((e) => e.VpcEndpointId),
    details: candidates.map((e, i) => ({
      resourceId: e.VpcEndpointId,
      resourceType: 'AWS::EC2::VPCEndpoint',
      problem: why[i]!,
      fix: UNRESOLVED_FIX,
    })),
  };
}

/** ECR keeps image layers in S3: a node subnet whose table lacks the Gateway route cannot pull images. */
export const s3GatewayRoutes: Rule = {
  meta: {
    id: 'S3_GATEWAY_ROUTES',
    title: 'The s3 Gateway endpoint routes every node subnet',
    severity: 'critical',
    rationale:
      'ECR serves image layers from S3. A Gateway endpoint carries S3 traffic only for subnets whose route table it is attached to; nodes in any other subnet have no path to S3 without internet, so image pulls fail there.',
    remediation:
      "Attach the node subnets' route tables: aws ec2 modify-vpc-endpoint --vpc-endpoint-id <s3 gateway vpce> --add-route-table-ids <rtb>, or in the console: VPC > Endpoints > Actions > Manage route tables.",
    documentation: 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html',
    parameters: ['requiredServices', 'nodeSubnetIds'],
    needs: ['VpcEndpoints', 'RouteTables'],
    shortCut: (params) => {
      const nothingRequired = noServiceRequired(params);
      if (nothingRequired) return nothingRequired;
      if (!params.requiredServices.includes('s3'))
        return { compliance: 'NOT_APPLICABLE', annotation: 's3 is not a required service' };
      return undefined;
    },
  },
  evaluate(ctx) {
    const { view, vpcId } = ctx;
    const serves = s3GatewayServesVpc(view, vpcId);
    // SPEC §4 step 4: an Interface-only or missing s3 is the other endpoint rules' concern.
    if (serves === false) return notApplicable(`${vpcId} has no existing s3 Gateway endpoint`);
    if (serves === null) return gatewayUnknown(ctx);

    const verdict = new Verdict();
    const gateways = gatewayTables(ctx);
    const unrouted = new Map<string, string[]>(); // table → node subnets using it
    for (const subnetId of ctx.nodeSubnets.ids) {
      const lookup = view.effectiveRouteTable(subnetId, vpcId);
      if (lookup.reason !== undefined) {
        verdict.unknown(`cannot tell the route table of ${subnetId}: ${lookup.reason}`, subnetId);
        continue;
      }
      const table = lookup.found.RouteTableId;
      if (gateways.tables.has(table)) continue;
      const possibleBy = gateways.possibleTables.get(table);
      if (possibleBy) {
        verdict.unknown(
          `${subnetId} uses ${table}, attached only to ${possibleBy.join(', ')}, which may not be an existing s3 Gateway endpoint`,
          subnetId,
        );
      } else {
        unrouted.set(table, [...(unrouted.get(table) ?? []), subnetId]);
      }
    }
    const endpoints = gateways.endpointIds.join(', ');
    for (const [table, subnets] of unrouted) {
      // One attachment fixes every subnet of the table: each detail carries the same line, run once.
      const fix = addRouteTablesFix(ctx, gateways.endpointIds[0]!, [table]);
      verdict
        .fail(
          `route table ${table} of ${subnets.join(', ')} is not attached to s3 Gateway endpoint ${endpoints}`,
          ...subnets,
          table,
        )
        .because(
          ...subnets.map((subnetId) => ({
            resourceId: subnetId,
            resourceType: 'AWS::EC2::Subnet',
            problem: `node subnet ${subnetId} uses route table ${table}, which has no route to S3 through s3 Gateway endpoint ${endpoints}: its nodes cannot pull image layers from S3`,
            fix,
          })),
        );
    }
    for (const reason of ctx.nodeSubnets.unknown) verdict.unknown(`node subnets incomplete: ${reason}`);
    return verdict.outcome(`every node subnet's route table is attached to s3 Gateway endpoint ${endpoints}`);
  },
};
