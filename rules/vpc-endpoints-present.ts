import type { ClusterContext } from '../engine/cluster-context';
import type { Detail, Fix } from '../engine/findings';
import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { createEndpointFix, ENDPOINT_DOCS, endpointTypeFor } from '../fixes/endpoint-commands';
import {
  absentEndpointFields,
  endpointAvailable,
  endpointExists,
  endpointIsType,
  serviceIs,
  serviceOf,
} from '../network/endpoints';
import { and, or, type Tri } from '../network/tri';
import type { VpcEndpoint } from '../snapshot/schema';
import { noServiceRequired } from './shared/no-service-required';

/*
 * The schema lower-cases State; annotations show it as DescribeVpcEndpoints spells it, so a
 * reader can paste it into `--filters Name=vpc-endpoint-state,Values=...`. Every state but
 * this one is already all lower-case in the API.
 */
const API_STATE: Record<string, string> = { pendingacceptance: 'pendingAcceptance' };
const API_TYPE: Record<string, string> = {
  interface: 'Interface',
  gateway: 'Gateway',
  gatewayloadbalancer: 'GatewayLoadBalancer',
};

/** s3 works through a Gateway or an Interface endpoint; every other service needs an Interface one. */
function hasUsableType(endpoint: VpcEndpoint, service: string): Tri {
  const isInterface = endpointIsType(endpoint, 'interface');
  return service === 's3' ? or(isInterface, endpointIsType(endpoint, 'gateway')) : isInterface;
}

function usableTypes(service: string): string {
  return service === 's3' ? 'Gateway or Interface' : 'Interface';
}

function absentFields(endpoint: VpcEndpoint): string {
  return `${endpoint.VpcEndpointId} has no ${absentEndpointFields(endpoint).join(', ')}`;
}

/**
 * Why an endpoint that is definitely for `service` does not serve the nodes: a wrong type,
 * else its state (known here, since the endpoint is not usable yet may have a usable type).
 */
function whyUnusable(endpoint: VpcEndpoint, service: string): string {
  const label = `${endpoint.VpcEndpointId} (${service})`;
  if (hasUsableType(endpoint, service) === false) {
    const type = endpoint.VpcEndpointType ?? '';
    return `${label} is a ${API_TYPE[type] ?? type} endpoint, not ${usableTypes(service)}`;
  }
  const state = endpoint.State ?? '';
  return `${label} is ${API_STATE[state] ?? state}`;
}

interface Findings {
  missing: string[];
  unusable: { note: string; endpoint: VpcEndpoint; service: string }[];
  unknown: { note: string; ids: string[] }[];
}

/** An endpoint of the VPC and the service it is for (null: the snapshot has no ServiceName). */
interface NamedEndpoint {
  endpoint: VpcEndpoint;
  service: string | undefined | null;
}

/** endpointIsFor, from the service read once per endpoint (five services ask about each). */
function isFor(named: NamedEndpoint, wanted: string): Tri {
  return serviceIs(named.service, wanted);
}

function judgeService(named: readonly NamedEndpoint[], service: string, findings: Findings): void {
  const candidates = named.filter((e) => isFor(e, service) !== false);
  const usable = (e: NamedEndpoint) =>
    and(isFor(e, service), endpointAvailable(e.endpoint), hasUsableType(e.endpoint, service));
  const present = or(...candidates.map(usable));
  if (present === true) return;
  if (present === null) {
    const doubtful = candidates.filter((e) => usable(e) === null).map((e) => e.endpoint);
    findings.unknown.push({
      note: `cannot tell whether ${service} has an available ${usableTypes(service)} endpoint: ${doubtful.map(absentFields).join(', ')}`,
      ids: doubtful.map((e) => e.VpcEndpointId),
    });
    return;
  }
  const own = candidates.filter((e) => isFor(e, service) === true).map((e) => e.endpoint);
  if (own.length === 0) findings.missing.push(service);
  for (const e of own) findings.unusable.push({ note: whyUnusable(e, service), endpoint: e, service });
}

function missingDetail(ctx: ClusterContext, service: string): Detail {
  return {
    resourceId: ctx.vpcId,
    resourceType: 'AWS::EC2::VPC',
    problem: `${ctx.vpcId} has no VPC endpoint of ${service}: nodes without internet cannot reach ${service}`,
    fix: createEndpointFix(ctx, service),
  };
}

/*
 * An endpoint that will not carry traffic: a new one of the right type where the old one is
 * gone (SPEC §3's states: it no longer exists) or can never work; where it may still become
 * usable (pending, pendingAcceptance), creating a second one would clash with it, so the fix
 * says what to check instead.
 */
function unusableFix(ctx: ClusterContext, endpoint: VpcEndpoint, service: string): Fix {
  const id = endpoint.VpcEndpointId;
  const state = endpoint.State;
  if (hasUsableType(endpoint, service) === false || endpointExists(endpoint) === false) {
    return createEndpointFix(ctx, service, endpointTypeFor(service));
  }
  const documentation = ENDPOINT_DOCS.createInterface;
  if (state === 'pendingacceptance') {
    return {
      commands: [],
      decide: `${id} waits for the owner of ${endpoint.ServiceName ?? 'its endpoint service'} to accept it. AWS services accept endpoints at once, so check that this is the AWS service you meant; if it is not, or it is never accepted, delete ${id} and create an endpoint of ${service}.`,
      documentation,
    };
  }
  if (state === 'pending') {
    return {
      commands: [],
      decide: `${id} is still being created: check again in a few minutes. If it does not become available, describe-vpc-endpoints shows its LastError; delete it and create it again once the cause is fixed.`,
      documentation,
    };
  }
  return {
    commands: [],
    decide: `${id} is ${state ?? 'in an unknown state'}, which is not one this guard knows how to fix: find out why (aws ec2 describe-vpc-endpoints --region ${ctx.view.region} --vpc-endpoint-ids ${id}) and replace it with an available ${usableTypes(service)} endpoint of ${service} if it stays so.`,
    documentation,
  };
}

/** Without an endpoint per service, nodes with no internet path cannot reach that AWS API at all. */
export const vpcEndpointsPresent: Rule = {
  meta: {
    id: 'VPC_ENDPOINTS_PRESENT',
    title: 'Every required AWS service has an available VPC endpoint',
    severity: 'critical',
    rationale:
      'Nodes without internet access reach AWS APIs only through VPC endpoints: without ec2 nodes cannot join, without ecr.api, ecr.dkr and s3 image pulls fail, without sts IAM roles for service accounts fail. An endpoint that is not available (e.g. pendingAcceptance) carries no traffic.',
    remediation:
      'Create the missing endpoint: aws ec2 create-vpc-endpoint --vpc-id <vpc> --vpc-endpoint-type Interface --service-name com.amazonaws.<region>.<service> (cn.com.amazonaws.<region>.<service> for some services in China Regions) --subnet-ids <one per AZ> --security-group-ids <sg> --private-dns-enabled; for s3 a Gateway endpoint with --route-table-ids. Accept or re-create endpoints that are not available.',
    documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html',
    parameters: ['requiredServices'],
    needs: ['VpcEndpoints'],
    shortCut: noServiceRequired,
  },
  evaluate(ctx, params) {
    const findings: Findings = { missing: [], unusable: [], unknown: [] };
    const region = ctx.view.region;
    const named = ctx.view
      .endpointsInVpc(ctx.vpcId)
      .map((endpoint) => ({ endpoint, service: serviceOf(endpoint, region) }));
    for (const service of params.requiredServices) judgeService(named, service, findings);

    const verdict = new Verdict();
    // SPEC §5's shape: `missing: ecr.dkr; vpce-0f1 (sts) is pendingAcceptance`.
    if (findings.missing.length > 0)
      verdict
        .fail(`missing: ${findings.missing.join(', ')}`, ...findings.missing)
        .because(...findings.missing.map((service) => missingDetail(ctx, service)));
    for (const { note, endpoint, service } of findings.unusable) {
      verdict.fail(note, endpoint.VpcEndpointId).because({
        resourceId: endpoint.VpcEndpointId,
        resourceType: 'AWS::EC2::VPCEndpoint',
        problem: `${note}: it carries no traffic, and ${service} has no other available ${usableTypes(service)} endpoint in ${ctx.vpcId}`,
        fix: unusableFix(ctx, endpoint, service),
      });
    }
    for (const { note, ids } of findings.unknown) verdict.unknown(note, ...ids);
    return verdict.outcome(
      `${ctx.vpcId} has an available endpoint for every required service (${params.requiredServices.join(', ')})`,
    );
  },
};
