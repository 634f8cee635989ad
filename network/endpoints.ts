import type { VpcEndpoint } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';
import { and, not, or, type Tri } from './tri';

const GONE_STATES = new Set(['deleting', 'deleted', 'rejected', 'failed', 'expired']);

/**
 * The service suffix of an endpoint (`ecr.dkr` for `cn.com.amazonaws.cn-north-1.ecr.dkr`),
 * undefined for a service of another Region or a non-AWS (PrivateLink partner) service,
 * null when the snapshot leaves `ServiceName` out.
 */
export function serviceOf(endpoint: VpcEndpoint, region: string): string | undefined | null {
  const name = endpoint.ServiceName;
  if (name === undefined) return null;
  const prefixes = servicePrefixes(region);
  for (let i = 0; i < prefixes.length; i++) {
    if (name.startsWith(prefixes[i]!)) return name.slice(prefixes[i]!.length);
  }
  return undefined;
}

// Built once per Region, not per call: rules ask for the service of every endpoint of every cluster.
let prefixesRegion: string | undefined;
let prefixes: readonly string[] = [];
function servicePrefixes(region: string): readonly string[] {
  if (region !== prefixesRegion) {
    prefixes = [`com.amazonaws.${region}.`, `cn.com.amazonaws.${region}.`];
    prefixesRegion = region;
  }
  return prefixes;
}

/** SPEC §3: an endpoint exists unless its State is deleting, deleted, rejected, failed or expired. */
export function endpointExists(endpoint: VpcEndpoint): Tri {
  return endpoint.State === undefined ? null : !GONE_STATES.has(endpoint.State);
}

export function endpointAvailable(endpoint: VpcEndpoint): Tri {
  return endpoint.State === undefined ? null : endpoint.State === 'available';
}

export function endpointIsType(endpoint: VpcEndpoint, type: 'interface' | 'gateway'): Tri {
  return endpoint.VpcEndpointType === undefined ? null : endpoint.VpcEndpointType === type;
}

/** Whether an endpoint whose serviceOf is `actual` is for `wanted`: unknown when ServiceName is absent. */
export function serviceIs(actual: string | undefined | null, wanted: string): Tri {
  return actual === null ? null : actual === wanted;
}

/** Whether the endpoint is for `service`, three-valued (unknown when ServiceName is absent). */
export function endpointIsFor(endpoint: VpcEndpoint, region: string, service: string): Tri {
  return serviceIs(serviceOf(endpoint, region), service);
}

/** An existing s3 Gateway endpoint serves the VPC. */
export function s3GatewayServesVpc(view: SnapshotView, vpcId: string): Tri {
  return or(
    ...view
      .endpointsInVpc(vpcId)
      .map((e) => and(endpointIsFor(e, view.region, 's3'), endpointIsType(e, 'gateway'), endpointExists(e))),
  );
}

/** The s3 endpoints of the VPC that are existing Gateway endpoints (definitely or possibly). */
export function s3GatewayEndpoints(
  view: SnapshotView,
  vpcId: string,
): { endpoint: VpcEndpoint; member: Tri }[] {
  return view
    .endpointsInVpc(vpcId)
    .map((endpoint) => ({
      endpoint,
      member: and(
        endpointIsFor(endpoint, view.region, 's3'),
        endpointIsType(endpoint, 'gateway'),
        endpointExists(endpoint),
      ),
    }))
    .filter((e) => e.member !== false);
}

export interface JudgedEndpoint {
  endpoint: VpcEndpoint;
  /** The required service it is for (`'?'` when ServiceName is absent). */
  service: string;
  /** true, or null when the snapshot cannot tell whether the endpoint is judged. */
  member: Tri;
}

/**
 * SPEC §3 "judged Interface endpoints": existing Interface endpoints of required services
 * in the VPC, except an s3 Interface endpoint while an existing s3 Gateway endpoint serves
 * the VPC, unless it has private DNS on and not only for inbound Resolver endpoints (only
 * then does the nodes' S3 traffic reach it). Definite non-members are left out; possible
 * members carry `member: null`, so a rule reports a failing one as unknown, not a violation.
 */
export function judgedInterfaceEndpoints(
  view: SnapshotView,
  vpcId: string,
  requiredServices: readonly string[],
): readonly JudgedEndpoint[] {
  const gatewayServes = s3GatewayServesVpc(view, vpcId);
  const judged: JudgedEndpoint[] = [];
  for (const endpoint of view.endpointsInVpc(vpcId)) {
    const service = serviceOf(endpoint, view.region);
    if (service === undefined || (service !== null && !requiredServices.includes(service))) continue;
    const base = and(endpointIsType(endpoint, 'interface'), endpointExists(endpoint));
    let member: Tri = base;
    if (service === null) {
      member = and(base, null);
    } else if (service === 's3') {
      const takesS3Traffic = and(
        endpoint.PrivateDnsEnabled ?? null,
        endpoint.DnsOptions?.PrivateDnsOnlyForInboundResolverEndpoint !== true,
      );
      member = and(base, not(and(gatewayServes, not(takesS3Traffic))));
    }
    if (member !== false) judged.push({ endpoint, service: service ?? '?', member });
  }
  return judged;
}

/** The fields an endpoint lacks that would tell its service, state or type. */
export function absentEndpointFields(endpoint: VpcEndpoint): string[] {
  return (['ServiceName', 'State', 'VpcEndpointType'] as const).filter(
    (field) => endpoint[field] === undefined,
  );
}

/** Why the snapshot cannot tell whether an endpoint belongs to the judged set (its `member` is null). */
export function membershipDoubt({ endpoint }: JudgedEndpoint): string {
  const absent = absentEndpointFields(endpoint);
  return absent.length > 0
    ? `it has no ${absent.join(', ')}`
    : 'unknown whether it or the s3 Gateway endpoint takes the S3 traffic';
}
