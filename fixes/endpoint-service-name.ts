/**
 * The `--service-name` of a VPC endpoint a fix creates. Commercial and GovCloud Regions name
 * AWS services `com.amazonaws.<region>.<service>`. China Regions prefix some services with
 * `cn.` and not others, by service and Region, and public sources disagree on which, so a
 * China name is written literally only when the snapshot shows it; otherwise the command
 * asks EC2 at run time, among exactly the two names SPEC §3 accepts.
 */
import { serviceOf } from '../network/endpoints';
import type { SnapshotView } from '../snapshot/view';
import { awsCli } from './aws-cli';

export type EndpointType = 'Interface' | 'Gateway';

/** A literal name, or the command line whose output (one word) is the name. */
export type ServiceNameSource = { name: string; lookup?: undefined } | { name?: undefined; lookup: string };

/** `${type} ${service}` → the ServiceName of an endpoint of that type in the snapshot, by view. */
const seenNames = new WeakMap<SnapshotView, Map<string, string>>();

/**
 * Every endpoint of the snapshot (any VPC, any state: EC2 accepted the name when it created
 * it) by type and service, read once per snapshot: fixes for thousands of failing clusters
 * would otherwise scan every endpoint for each.
 */
function namesIn(view: SnapshotView): Map<string, string> {
  let names = seenNames.get(view);
  if (names) return names;
  names = new Map();
  for (const endpoint of view.snapshot.ec2?.VpcEndpoints ?? []) {
    const service = serviceOf(endpoint, view.region);
    // An endpoint of unknown type does not say which name the other type has (s3 in China).
    if (typeof service !== 'string' || endpoint.VpcEndpointType === undefined) continue;
    const key = `${endpoint.VpcEndpointType} ${service}`;
    if (!names.has(key)) names.set(key, endpoint.ServiceName!);
  }
  seenNames.set(view, names);
  return names;
}

/** The ServiceName an existing endpoint of `type` for `service` has in the snapshot, if any. */
export function snapshotServiceName(
  view: SnapshotView,
  service: string,
  type: EndpointType,
): string | undefined {
  return namesIn(view).get(`${type.toLowerCase()} ${service}`);
}

/**
 * `aws ec2 describe-vpc-endpoint-services` narrowed on the server to the two names SPEC §3
 * accepts and the endpoint type, printing the first match. A server-side filter, not a
 * `--query` over every service: with `--output text` the CLI applies `--query` to each page
 * of a paginated answer, so a client-side pick could print one word per page.
 */
export function serviceNameLookup(region: string, service: string, type: EndpointType): string {
  return awsCli('ec2', 'describe-vpc-endpoint-services', region, [
    [
      'filters',
      [
        {
          Name: 'service-name',
          Values: [`com.amazonaws.${region}.${service}`, `cn.com.amazonaws.${region}.${service}`],
        },
        { Name: 'service-type', Values: [type] },
      ],
    ],
    ['query', 'ServiceNames[0]'],
    ['output', 'text'],
  ]);
}

/**
 * Partitions whose AWS services are all `com.amazonaws.<region>.<service>`. China differs by
 * service; for the isolated partitions no public source was found to rely on, so they ask EC2.
 */
const STANDARD_NAMES: ReadonlySet<string> = new Set(['aws', 'aws-us-gov']);

/** Where the `--service-name` of a new `type` endpoint for `service` comes from. */
export function endpointServiceName(
  view: SnapshotView,
  service: string,
  type: EndpointType,
): ServiceNameSource {
  const seen = snapshotServiceName(view, service, type);
  if (seen !== undefined) return { name: seen };
  if (STANDARD_NAMES.has(view.partition)) return { name: `com.amazonaws.${view.region}.${service}` };
  return { lookup: serviceNameLookup(view.region, service, type) };
}
