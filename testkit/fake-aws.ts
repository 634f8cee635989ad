/*
 * A fake AWS account/Region for the collector's tests and the live-collection benchmark.
 *
 * It is installed INTO real SDK v3 clients, as the last `finalizeRequest` middleware: the
 * SDK's own serialization, endpoint resolution, SigV4 signing, adaptive retry strategy and
 * `$metadata` (attempts, totalRetryDelay) all run for real; only the HTTP round trip is
 * replaced. The handler never calls `next()`, so nothing leaves the process: it answers each
 * attempt from a RawSnapshot (testkit/private-cluster.ts), or throws the error AWS would send
 * (a throttling error the SDK classifies and retries exactly like a real one).
 *
 * What it models, from the EC2/EKS/STS API references:
 * - pagination at each API's documented MaxResults range (out of range = the API's 400 error),
 *   with opaque NextToken / nextToken strings bound to the operation and its filters;
 * - the `vpc-id` filter, each Describe*'s own id filter and id list (VpcIds, SubnetIds, GroupIds,
 *   RouteTableIds, NetworkAclIds, VpcEndpointIds, DhcpOptionsIds, PrefixListIds), EC2's limit of
 *   200 values per filter, NotFound errors for unknown ids and EKS names;
 * - server-side request token buckets per service (EC2's documented bucket for non-mutating
 *   actions: 100 tokens refilled at 20/s, shared by every EC2 read; EKS 10 refilled at 10/s;
 *   STS unlimited): an empty bucket answers RequestLimitExceeded (EC2, HTTP 503) or
 *   ThrottlingException (EKS, HTTP 429);
 * - per-attempt latency from a seeded RNG, so runs are repeatable;
 * - the server's own counters (requests, served, throttled, failed per `service:Operation`),
 *   to compare with the client's CallLedger;
 * - error injection (e.g. UnauthorizedOperation for one action) via `inject`.
 *
 * Signing needs credentials: call useFakeCredentials() before createClients (tests, bench).
 */
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import { EKSServiceException } from '@aws-sdk/client-eks';
import { STSServiceException } from '@aws-sdk/client-sts';
import type { AwsClients } from '../aws/clients';
import type { Service } from '../aws/reader';
import { TokenBucket } from '../aws/token-bucket';
import type { RawSnapshot } from './private-cluster';

type Json = Record<string, unknown>;

/** A server-side request token bucket; undefined = unlimited. */
export interface BucketShape {
  capacity: number;
  refillPerSecond: number;
}

/** What AWS enforces per account and Region (the shapes the reader's DEFAULT_LIMITS pace to). */
export const AWS_BUCKETS: Record<Service, BucketShape | undefined> = {
  ec2: { capacity: 100, refillPerSecond: 20 },
  eks: { capacity: 10, refillPerSecond: 10 },
  sts: undefined,
};

/** One request as the fake sees it (one per HTTP attempt, retries included). */
export interface FakeRequest {
  service: Service;
  /** e.g. `DescribeSubnets`. */
  operation: string;
  /** The IAM action, e.g. `ec2:DescribeSubnets` (the CallLedger's key). */
  action: string;
  input: Json;
  /** The access key the request was signed with (SigV4's `Credential=`), as AWS tells callers apart. */
  accessKeyId?: string;
}

export interface FakeAwsOptions {
  /** Latency of every attempt, drawn uniformly from [min, max] ms. Default 0. */
  latencyMs?: { min: number; max: number };
  /** Seed of the latency RNG. */
  seed?: number;
  /** Server-side buckets per service; default AWS_BUCKETS. A service mapped to undefined is unlimited. */
  buckets?: Partial<Record<Service, BucketShape | undefined>>;
  /** Clock of the buckets, in ms (default performance.now). */
  now?: () => number;
  /** How latency is waited (default setTimeout). */
  sleep?: (ms: number) => Promise<void>;
  /**
   * Called for each attempt that got past the bucket: return (or throw) an error to answer
   * with it instead of the data, e.g. `accessDenied(request)`; undefined = answer normally.
   */
  inject?: (request: FakeRequest) => Error | undefined;
  /** Regions DescribeRegions answers; default the account's Region and three others of its partition. */
  regions?: readonly string[];
}

/** The server's view of one `service:Operation`. */
export interface ServerCounter {
  /** Attempts received (served + throttled + failed). */
  requests: number;
  served: number;
  throttled: number;
  /** Answered with an error other than throttling (injected, NotFound, bad parameter). */
  failed: number;
}

/** What the fake server saw, per action and in total. */
export class FakeAwsServer {
  readonly counters = new Map<string, ServerCounter>();
  /** Most attempts in flight at once, per service. */
  readonly maxInFlight: Record<Service, number> = { ec2: 0, eks: 0, sts: 0 };
  private readonly inFlight: Record<Service, number> = { ec2: 0, eks: 0, sts: 0 };

  /** @internal */
  count(action: string, outcome: 'served' | 'throttled' | 'failed'): void {
    const counter = this.counters.get(action) ?? { requests: 0, served: 0, throttled: 0, failed: 0 };
    counter.requests += 1;
    counter[outcome] += 1;
    this.counters.set(action, counter);
  }

  /** @internal */
  enter(service: Service): void {
    this.inFlight[service] += 1;
    this.maxInFlight[service] = Math.max(this.maxInFlight[service], this.inFlight[service]);
  }

  /** @internal */
  leave(service: Service): void {
    this.inFlight[service] -= 1;
  }

  get(action: string): ServerCounter {
    return this.counters.get(action) ?? { requests: 0, served: 0, throttled: 0, failed: 0 };
  }

  /** Totals over every action, or over one service's actions. */
  totals(service?: Service): ServerCounter {
    const total = { requests: 0, served: 0, throttled: 0, failed: 0 };
    for (const [action, c] of this.counters) {
      if (service && !action.startsWith(`${service}:`)) continue;
      total.requests += c.requests;
      total.served += c.served;
      total.throttled += c.throttled;
      total.failed += c.failed;
    }
    return total;
  }

  /** Counters sorted by action. */
  toJSON(): Record<string, ServerCounter> {
    return Object.fromEntries([...this.counters].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
}

/** Sets documented dummy credentials (AWS's own example keys) so the SDK can sign offline. */
export function useFakeCredentials(): void {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
  process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
  delete process.env.AWS_SESSION_TOKEN;
  // Never fall through to the instance metadata service, even if the env keys were removed.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
}

// ---------------------------------------------------------------------------------------------
// Errors, shaped as the SDK deserializes them (name = AWS error code, $fault, $metadata).

/** The SigV4 access key of a signed request, from its Authorization header. */
export function signedAccessKey(request: unknown): string | undefined {
  const headers = (request as { headers?: Record<string, string> } | undefined)?.headers ?? {};
  const authorization = headers.authorization ?? headers.Authorization ?? '';
  return /Credential=([^/]+)\//.exec(authorization)?.[1];
}

/** An error of `service` as the SDK deserializes it. */
export function errorOf(service: Service, code: string, status: number, message: string): Error {
  const options = {
    name: code,
    $fault: status >= 500 && code !== 'RequestLimitExceeded' ? ('server' as const) : ('client' as const),
    $metadata: { httpStatusCode: status, requestId: '00000000-fake-aws-0000-000000000000' },
    message,
  };
  if (service === 'ec2') {
    // EC2's query protocol also carries the code as `Code`.
    return Object.assign(new EC2ServiceException(options), { Code: code });
  }
  return service === 'eks' ? new EKSServiceException(options) : new STSServiceException(options);
}

/** EC2's RequestLimitExceeded (HTTP 503), EKS's ThrottlingException (429), STS's Throttling (400). */
export function throttlingError(service: Service): Error {
  if (service === 'ec2') return errorOf('ec2', 'RequestLimitExceeded', 503, 'Request limit exceeded.');
  if (service === 'eks') return errorOf('eks', 'ThrottlingException', 429, 'Rate exceeded');
  return errorOf('sts', 'Throttling', 400, 'Rate exceeded');
}

/** What each service answers a caller without the IAM permission for `request`. */
export function accessDenied(
  request: FakeRequest,
  principal = 'arn:aws:iam::111122223333:user/auditor',
): Error {
  const why = `User: ${principal} is not authorized to perform: ${request.action} because no identity-based policy allows the ${request.action} action`;
  if (request.service === 'ec2') {
    return errorOf(
      'ec2',
      'UnauthorizedOperation',
      403,
      `You are not authorized to perform this operation. ${why}. Encoded authorization failure message: AbCdEf0123456789`,
    );
  }
  if (request.service === 'eks') return errorOf('eks', 'AccessDeniedException', 403, why);
  return errorOf('sts', 'AccessDenied', 403, why);
}

/** An error the fake answers; thrown by handlers, turned into the SDK error of the service. */
class Refusal extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

// ---------------------------------------------------------------------------------------------
// Pagination

/**
 * MaxResults ranges of the EC2 and EKS API references (and the botocore model):
 * DescribeSecurityGroups / DescribeSubnets / DescribeVpcs / DescribeNetworkAcls /
 * DescribeDhcpOptions 5–1000, DescribeRouteTables 5–100, GetManagedPrefixListEntries 1–100,
 * EKS ListClusters / ListNodegroups / ListFargateProfiles 1–100 (default 100).
 * DescribeVpcEndpoints has no range but returns at most 1,000 items a page; DescribePrefixLists
 * documents none. EC2 returns every item when MaxResults is absent (DescribeSecurityGroups
 * documents it); DescribeVpcEndpoints is taken to page at 1,000 then too.
 */
interface PageRule {
  min?: number;
  max?: number;
  /** Page size when MaxResults is absent (undefined = everything). */
  byDefault?: number;
  /** Values above max are served as max instead of refused. */
  capped?: boolean;
}

const PAGE_RULES: Record<string, PageRule> = {
  'ec2:DescribeVpcs': { min: 5, max: 1000 },
  'ec2:DescribeSubnets': { min: 5, max: 1000 },
  'ec2:DescribeRouteTables': { min: 5, max: 100 },
  'ec2:DescribeNetworkAcls': { min: 5, max: 1000 },
  'ec2:DescribeSecurityGroups': { min: 5, max: 1000 },
  'ec2:DescribeVpcEndpoints': { max: 1000, byDefault: 1000, capped: true },
  'ec2:DescribeDhcpOptions': { min: 5, max: 1000 },
  'ec2:DescribePrefixLists': {},
  'ec2:GetManagedPrefixListEntries': { min: 1, max: 100 },
  'eks:ListClusters': { min: 1, max: 100, byDefault: 100 },
  'eks:ListNodegroups': { min: 1, max: 100, byDefault: 100 },
  'eks:ListFargateProfiles': { min: 1, max: 100, byDefault: 100 },
};

/** The largest page each paginated action serves (Infinity = one page holds everything). */
export const MAX_PAGE: Record<string, number> = Object.fromEntries(
  Object.entries(PAGE_RULES).map(([action, rule]) => [action, rule.max ?? Infinity]),
);

function pageSize(service: Service, action: string, requested: unknown): number {
  const rule = PAGE_RULES[action] ?? {};
  if (requested === undefined || requested === null) return rule.byDefault ?? Infinity;
  const n = Number(requested);
  if (rule.capped && rule.max !== undefined && n > rule.max) return rule.max;
  const tooSmall = !Number.isInteger(n) || n < (rule.min ?? 1);
  if (tooSmall || (rule.max !== undefined && n > rule.max)) {
    const range = `between ${rule.min ?? 1} and ${rule.max ?? 'any'}`;
    if (service === 'eks') {
      throw new Refusal('InvalidParameterException', 400, `maxResults must be ${range}`);
    }
    throw new Refusal(
      'InvalidParameterValue',
      400,
      `Value ( ${String(requested)} ) for parameter maxResults is invalid. Expecting a value ${range}.`,
    );
  }
  return n;
}

/**
 * One page of `items`. The token is opaque to the caller but names the action, the request's
 * other parameters and the offset, so a token replayed on another request is refused.
 */
function paginate<T>(
  service: Service,
  action: string,
  input: Json,
  items: readonly T[],
  tokenField: 'NextToken' | 'nextToken',
  sizeField: 'MaxResults' | 'maxResults',
): { items: T[]; next?: string } {
  const size = pageSize(service, action, input[sizeField]);
  const scope = JSON.stringify(
    Object.entries(input)
      .filter(([k]) => k !== tokenField && k !== sizeField)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  let offset = 0;
  const token = input[tokenField];
  if (token !== undefined && token !== null && token !== '') {
    let decoded: { a?: string; s?: string; o?: number } = {};
    try {
      decoded = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as typeof decoded;
    } catch {
      // refused below
    }
    if (decoded.a !== action || decoded.s !== scope || typeof decoded.o !== 'number') {
      if (service === 'eks')
        throw new Refusal('InvalidParameterException', 400, 'The nextToken is not valid');
      throw new Refusal('InvalidPaginationToken', 400, 'The specified pagination token is not valid.');
    }
    offset = decoded.o;
  }
  const end = Math.min(items.length, offset + size);
  const next =
    end < items.length
      ? Buffer.from(JSON.stringify({ a: action, s: scope, o: end }), 'utf8').toString('base64url')
      : undefined;
  return { items: items.slice(offset, end), ...(next === undefined ? {} : { next }) };
}

// ---------------------------------------------------------------------------------------------
// The account

/** EC2's documented filter limits: up to 50 filters, 200 values per filter, per request. */
const MAX_FILTERS = 50;
const MAX_FILTER_VALUES = 200;

/** DescribePrefixLists describes the AWS services of gateway endpoints (S3, DynamoDB) only. */
export function isGatewayServiceList(list: Json): boolean {
  return /^(cn\.)?com\.amazonaws\.[a-z0-9-]+\.(s3|dynamodb)$/.test(String(list.PrefixListName ?? ''));
}

type Filter = { Name?: string; Values?: string[] };

function applyFilters(items: readonly Json[], input: Json, supported: Record<string, string>): Json[] {
  const filters = (input.Filters as Filter[] | undefined) ?? [];
  if (filters.length > MAX_FILTERS) {
    throw new Refusal('FilterLimitExceeded', 400, `The maximum number of filters is ${MAX_FILTERS}.`);
  }
  let out = [...items];
  for (const filter of filters) {
    const field = supported[filter.Name ?? ''];
    if (!field) throw new Refusal('InvalidParameterValue', 400, `The filter '${filter.Name}' is invalid`);
    const values = filter.Values ?? [];
    if (values.length > MAX_FILTER_VALUES) {
      throw new Refusal(
        'FilterLimitExceeded',
        400,
        `The maximum number of filter values specified on a single call is ${MAX_FILTER_VALUES}`,
      );
    }
    const wanted = new Set(values);
    out = out.filter((item) => wanted.has(String(item[field])));
  }
  return out;
}

/** Items whose `field` is one of `ids` (in the account's order); an unknown id refuses the call. */
function byIds(items: readonly Json[], ids: unknown, field: string, notFound: string, noun: string): Json[] {
  if (ids === undefined) return [...items];
  const wanted = ids as string[];
  const known = new Set(items.map((item) => String(item[field])));
  const missing = wanted.filter((id) => !known.has(id));
  if (missing.length > 0) {
    throw new Refusal(notFound, 400, `The ${noun} '${missing.join(', ')}' does not exist`);
  }
  const set = new Set(wanted);
  return items.filter((item) => set.has(String(item[field])));
}

function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

function defaultRegions(region: string): string[] {
  const partition = partitionOf(region);
  const others =
    partition === 'aws-cn'
      ? ['cn-north-1', 'cn-northwest-1']
      : partition === 'aws-us-gov'
        ? ['us-gov-east-1', 'us-gov-west-1']
        : ['eu-west-1', 'us-east-1', 'us-west-2', 'ap-southeast-1'];
  return [...new Set([region, ...others])].sort();
}

type Handler = (input: Json) => Json;

/**
 * The Describe* of the things inside a VPC: the `vpc-id` filter, their own id filter and id list,
 * and the NotFound code and wording EC2 answers for an id it does not know.
 */
const VPC_MEMBER_LISTS = (
  [
    [
      'DescribeSubnets',
      'Subnets',
      'SubnetId',
      'SubnetIds',
      'subnet-id',
      'InvalidSubnetID.NotFound',
      'subnet ID',
    ],
    [
      'DescribeRouteTables',
      'RouteTables',
      'RouteTableId',
      'RouteTableIds',
      'route-table-id',
      'InvalidRouteTableID.NotFound',
      'routeTable ID',
    ],
    [
      'DescribeNetworkAcls',
      'NetworkAcls',
      'NetworkAclId',
      'NetworkAclIds',
      'network-acl-id',
      'InvalidNetworkAclID.NotFound',
      'networkAcl ID',
    ],
    [
      'DescribeSecurityGroups',
      'SecurityGroups',
      'GroupId',
      'GroupIds',
      'group-id',
      'InvalidGroup.NotFound',
      'security group',
    ],
    [
      'DescribeVpcEndpoints',
      'VpcEndpoints',
      'VpcEndpointId',
      'VpcEndpointIds',
      'vpc-endpoint-id',
      'InvalidVpcEndpointId.NotFound',
      'Vpc Endpoint Id',
    ],
  ] as const
).map(([action, key, field, param, filter, notFound, noun]) => ({
  action,
  key,
  field,
  param,
  filter,
  notFound,
  noun,
}));

/** The read API of one account/Region, answered from `account`. */
function buildApi(account: RawSnapshot, regions: readonly string[]): Record<string, Handler> {
  const { ec2, eks } = account;
  const clusters = new Map(eks.clusters.map((c) => [String(c.name), c]));
  const vpcIds = new Set(ec2.Vpcs.map((v) => String(v.VpcId)));
  const prefixLists = new Map(ec2.PrefixLists.map((pl) => [String(pl.PrefixListId), pl]));
  const gatewayLists = ec2.PrefixLists.filter(isGatewayServiceList).map((pl) => ({
    PrefixListId: pl.PrefixListId,
    PrefixListName: pl.PrefixListName,
    Cidrs: pl.Cidrs ?? [],
  }));
  const clone = <T>(value: T): T => structuredClone(value);

  const ec2List =
    (
      action: string,
      key: string,
      items: readonly Json[],
      filters: Record<string, string>,
      ids?: { param: string; field: string; notFound: string; noun: string },
    ): Handler =>
    (input) => {
      let selected = ids ? byIds(items, input[ids.param], ids.field, ids.notFound, ids.noun) : [...items];
      selected = applyFilters(selected, input, filters);
      const page = paginate('ec2', action, input, selected, 'NextToken', 'MaxResults');
      return { [key]: clone(page.items), ...(page.next ? { NextToken: page.next } : {}) };
    };

  const cluster = (name: unknown): Json => {
    const found = clusters.get(String(name));
    if (!found)
      throw new Refusal('ResourceNotFoundException', 404, `No cluster found for name: ${String(name)}.`);
    return found;
  };
  const members = (record: Record<string, Json[]> | undefined, clusterName: unknown) => {
    cluster(clusterName);
    return record?.[String(clusterName)] ?? [];
  };

  return {
    'sts:GetCallerIdentity': () => ({
      UserId: 'AIDAJQABLZS4A3QDU576Q',
      Account: account.accountId,
      Arn: `arn:${partitionOf(account.region)}:iam::${account.accountId}:user/auditor`,
    }),
    'ec2:DescribeRegions': () => ({
      Regions: regions.map((RegionName) => ({
        Endpoint: `ec2.${RegionName}.amazonaws.com${RegionName.startsWith('cn-') ? '.cn' : ''}`,
        RegionName,
        OptInStatus: 'opt-in-not-required',
      })),
    }),
    'ec2:DescribeVpcs': ec2List(
      'ec2:DescribeVpcs',
      'Vpcs',
      ec2.Vpcs,
      { 'vpc-id': 'VpcId', 'dhcp-options-id': 'DhcpOptionsId' },
      { param: 'VpcIds', field: 'VpcId', notFound: 'InvalidVpcID.NotFound', noun: 'vpc ID' },
    ),
    ...Object.fromEntries(
      VPC_MEMBER_LISTS.map(({ action, key, field, param, filter, notFound, noun }) => [
        `ec2:${action}`,
        ec2List(
          `ec2:${action}`,
          key,
          (ec2 as unknown as Record<string, Json[]>)[key]!,
          { 'vpc-id': 'VpcId', [filter]: field },
          { param, field, notFound, noun },
        ),
      ]),
    ),
    'ec2:DescribeDhcpOptions': ec2List(
      'ec2:DescribeDhcpOptions',
      'DhcpOptions',
      ec2.DhcpOptions,
      { 'dhcp-options-id': 'DhcpOptionsId' },
      {
        param: 'DhcpOptionsIds',
        field: 'DhcpOptionsId',
        notFound: 'InvalidDhcpOptionID.NotFound',
        noun: 'dhcp option ID',
      },
    ),
    'ec2:DescribePrefixLists': ec2List(
      'ec2:DescribePrefixLists',
      'PrefixLists',
      gatewayLists,
      { 'prefix-list-id': 'PrefixListId', 'prefix-list-name': 'PrefixListName' },
      {
        param: 'PrefixListIds',
        field: 'PrefixListId',
        notFound: 'InvalidPrefixListID.NotFound',
        noun: 'prefix list ID',
      },
    ),
    'ec2:GetManagedPrefixListEntries': (input) => {
      const list = prefixLists.get(String(input.PrefixListId));
      if (!list) {
        throw new Refusal(
          'InvalidPrefixListID.NotFound',
          400,
          `The prefix list ID '${String(input.PrefixListId)}' does not exist`,
        );
      }
      const entries = ((list.Cidrs as string[] | undefined) ?? []).map((Cidr) => ({ Cidr }));
      const page = paginate(
        'ec2',
        'ec2:GetManagedPrefixListEntries',
        input,
        entries,
        'NextToken',
        'MaxResults',
      );
      return { Entries: page.items, ...(page.next ? { NextToken: page.next } : {}) };
    },
    'ec2:DescribeVpcAttribute': (input) => {
      const VpcId = String(input.VpcId);
      if (!vpcIds.has(VpcId)) {
        throw new Refusal('InvalidVpcID.NotFound', 400, `The vpc ID '${VpcId}' does not exist`);
      }
      const attribute = String(input.Attribute);
      const key = attribute.charAt(0).toUpperCase() + attribute.slice(1);
      const stored = ec2.VpcAttributes[VpcId] ?? {};
      // A new non-default VPC resolves DNS but gives no hostnames until told to.
      const value = stored[key] ?? { Value: attribute === 'enableDnsSupport' };
      return { VpcId, [key]: clone(value) };
    },
    'eks:ListClusters': (input) => {
      const page = paginate(
        'eks',
        'eks:ListClusters',
        input,
        [...clusters.keys()],
        'nextToken',
        'maxResults',
      );
      return { clusters: page.items, ...(page.next ? { nextToken: page.next } : {}) };
    },
    'eks:DescribeCluster': (input) => ({ cluster: clone(cluster(input.name)) }),
    'eks:ListNodegroups': (input) => {
      const names = members(eks.nodegroups, input.clusterName).map((ng) => String(ng.nodegroupName));
      const page = paginate('eks', 'eks:ListNodegroups', input, names, 'nextToken', 'maxResults');
      return { nodegroups: page.items, ...(page.next ? { nextToken: page.next } : {}) };
    },
    'eks:DescribeNodegroup': (input) => {
      const found = members(eks.nodegroups, input.clusterName).find(
        (ng) => ng.nodegroupName === input.nodegroupName,
      );
      if (!found) {
        throw new Refusal(
          'ResourceNotFoundException',
          404,
          `No node group found for name: ${String(input.nodegroupName)}.`,
        );
      }
      return { nodegroup: clone(found) };
    },
    'eks:ListFargateProfiles': (input) => {
      const names = members(eks.fargateProfiles, input.clusterName).map((fp) =>
        String(fp.fargateProfileName),
      );
      const page = paginate('eks', 'eks:ListFargateProfiles', input, names, 'nextToken', 'maxResults');
      return { fargateProfileNames: page.items, ...(page.next ? { nextToken: page.next } : {}) };
    },
    'eks:DescribeFargateProfile': (input) => {
      const found = members(eks.fargateProfiles, input.clusterName).find(
        (fp) => fp.fargateProfileName === input.fargateProfileName,
      );
      if (!found) {
        throw new Refusal(
          'ResourceNotFoundException',
          404,
          `No Fargate Profile found with name: ${String(input.fargateProfileName)}.`,
        );
      }
      return { fargateProfile: clone(found) };
    },
  };
}

/** A small, fast, seedable PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface MiddlewareContext {
  commandName?: string;
}
type Next = (args: unknown) => Promise<unknown>;
interface Stack {
  add(
    middleware: (
      next: Next,
      context: MiddlewareContext,
    ) => (args: { input: Json; request?: unknown }) => Promise<unknown>,
    options: { step: 'finalizeRequest'; priority: 'low'; name: string },
  ): void;
  remove(name: string): boolean;
}

/**
 * Installs the fake account into the three clients (replacing any earlier fake) and returns
 * the server, whose counters say what it saw. Only the HTTP exchange is faked: every SDK
 * middleware before it (serialization, signing, adaptive retry) runs for real.
 */
export function installFakeAws(
  clients: AwsClients,
  account: RawSnapshot,
  options: FakeAwsOptions = {},
): FakeAwsServer {
  const server = new FakeAwsServer();
  const api = buildApi(account, options.regions ?? defaultRegions(account.region));
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = rng(options.seed ?? 1);
  const { min, max } = options.latencyMs ?? { min: 0, max: 0 };
  const shapes = { ...AWS_BUCKETS, ...options.buckets };
  const buckets: Record<Service, TokenBucket | undefined> = {
    ec2: undefined,
    eks: undefined,
    sts: undefined,
  };
  for (const service of ['ec2', 'eks', 'sts'] as const) {
    const shape = shapes[service];
    if (shape) buckets[service] = new TokenBucket(shape.capacity, shape.refillPerSecond, now);
  }

  const transport =
    (service: Service) =>
    (_next: Next, context: MiddlewareContext) =>
    async (args: { input: Json; request?: unknown }): Promise<unknown> => {
      const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
      const action = `${service}:${operation}`;
      const accessKeyId = signedAccessKey(args.request);
      const request: FakeRequest = {
        service,
        operation,
        action,
        input: args.input ?? {},
        ...(accessKeyId === undefined ? {} : { accessKeyId }),
      };
      const latency = min + (max - min) * random();
      server.enter(service);
      try {
        // The server decides on arrival, and its answer takes one latency to come back.
        const bucket = buckets[service];
        if (bucket && !bucket.tryTake()) {
          server.count(action, 'throttled');
          await sleep(latency);
          throw throttlingError(service);
        }
        let data: Json;
        try {
          const injected = options.inject?.(request);
          if (injected) throw injected;
          const handler = api[action];
          if (!handler) throw new Refusal('InvalidAction', 400, `fake AWS does not answer ${action}`);
          data = handler(request.input);
        } catch (error) {
          server.count(action, 'failed');
          await sleep(latency);
          throw error instanceof Refusal ? errorOf(service, error.code, error.status, error.message) : error;
        }
        server.count(action, 'served');
        await sleep(latency);
        return {
          output: {
            $metadata: { httpStatusCode: 200, requestId: '00000000-fake-aws-0000-000000000000' },
            ...data,
          },
          response: {},
        };
      } finally {
        server.leave(service);
      }
    };

  for (const service of ['ec2', 'eks', 'sts'] as const) {
    const stack = clients[service].middlewareStack as unknown as Stack;
    stack.remove('fakeAwsTransport');
    stack.add(transport(service), { step: 'finalizeRequest', priority: 'low', name: 'fakeAwsTransport' });
  }
  return server;
}

// ---------------------------------------------------------------------------------------------
// The minimum number of calls a collection needs

export interface CallBudget {
  /** Per IAM action (the CallLedger's keys). */
  byAction: Record<string, number>;
  total: number;
}

const pages = (count: number, action: string) =>
  Math.max(1, Math.ceil(count / (MAX_PAGE[action] ?? Infinity)));

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * The fewest calls that collect `account` completely (the whole Region, or `scope.vpcIds`):
 *
 *   1 sts:GetCallerIdentity
 * + for each EC2 list: pages = max(1, ceil(items / largest page)) — DescribeVpcs, Subnets,
 *   NetworkAcls, SecurityGroups, VpcEndpoints, DhcpOptions at 1,000, DescribeRouteTables at 100,
 *   DescribePrefixLists in one page; in VPC scope, per filter of at most 200 VPC ids (EC2's
 *   value limit), and DescribeDhcpOptions by the VPCs' option-set ids (none for "default")
 * + GetManagedPrefixListEntries pages (100 entries) for each customer-managed list that an
 *   in-scope security-group rule references
 * + 2 DescribeVpcAttribute (enableDnsSupport, enableDnsHostnames) per VPC that holds a cluster
 * + eks:ListClusters pages (100 names; Region scope only — VPC scope finds clusters by the
 *   cluster security group's `aws:eks:cluster-name` tag) + 1 DescribeCluster per cluster
 * + per cluster: ListNodegroups pages + 1 DescribeNodegroup per node group
 *              + ListFargateProfiles pages + 1 DescribeFargateProfile per profile.
 *
 * The issue's own formula stops at DescribeCluster; node groups and Fargate profiles have no
 * batch API, so each costs a call, and we count them.
 */
export function minimumCalls(account: RawSnapshot, scope: { vpcIds?: readonly string[] } = {}): CallBudget {
  const { ec2, eks } = account;
  const scoped = scope.vpcIds && scope.vpcIds.length > 0 ? [...new Set(scope.vpcIds)].sort() : undefined;
  const inScope = (item: Json) => !scoped || scoped.includes(String(item.VpcId));
  const byAction: Record<string, number> = { 'sts:GetCallerIdentity': 1 };

  const lists: [string, Json[]][] = [
    ['ec2:DescribeSubnets', ec2.Subnets],
    ['ec2:DescribeRouteTables', ec2.RouteTables],
    ['ec2:DescribeNetworkAcls', ec2.NetworkAcls],
    ['ec2:DescribeSecurityGroups', ec2.SecurityGroups],
    ['ec2:DescribeVpcEndpoints', ec2.VpcEndpoints],
  ];
  if (scoped) {
    const chunks = chunk(scoped, MAX_FILTER_VALUES);
    byAction['ec2:DescribeVpcs'] = chunks.length;
    for (const [action, items] of lists) {
      byAction[action] = chunks
        .map((ids) => items.filter((item) => ids.includes(String(item.VpcId))).length)
        .reduce((sum, count) => sum + pages(count, action), 0);
    }
    const options = new Set(
      ec2.Vpcs.filter(inScope)
        .map((v) => String(v.DhcpOptionsId ?? 'default'))
        .filter((id) => id !== 'default'),
    );
    byAction['ec2:DescribeDhcpOptions'] = Math.ceil(options.size / MAX_FILTER_VALUES);
  } else {
    byAction['ec2:DescribeVpcs'] = pages(ec2.Vpcs.length, 'ec2:DescribeVpcs');
    for (const [action, items] of lists) byAction[action] = pages(items.length, action);
    byAction['ec2:DescribeDhcpOptions'] = pages(ec2.DhcpOptions.length, 'ec2:DescribeDhcpOptions');
  }
  const gateway = ec2.PrefixLists.filter(isGatewayServiceList);
  byAction['ec2:DescribePrefixLists'] = pages(gateway.length, 'ec2:DescribePrefixLists');
  const known = new Set(gateway.map((pl) => String(pl.PrefixListId)));
  const referenced = new Set<string>();
  for (const group of ec2.SecurityGroups.filter(inScope)) {
    const permissions = [
      ...((group.IpPermissions as Json[] | undefined) ?? []),
      ...((group.IpPermissionsEgress as Json[] | undefined) ?? []),
    ];
    for (const permission of permissions) {
      for (const ref of (permission.PrefixListIds as Json[] | undefined) ?? []) {
        const id = String(ref.PrefixListId ?? '');
        if (id && !known.has(id)) referenced.add(id);
      }
    }
  }
  byAction['ec2:GetManagedPrefixListEntries'] = [...referenced].reduce((sum, id) => {
    const list = ec2.PrefixLists.find((pl) => pl.PrefixListId === id);
    return (
      sum + pages(((list?.Cidrs as string[] | undefined) ?? []).length, 'ec2:GetManagedPrefixListEntries')
    );
  }, 0);

  const clusters = eks.clusters.filter((c) => {
    const vpcId = (c.resourcesVpcConfig as Json | undefined)?.vpcId;
    return !scoped || scoped.includes(String(vpcId));
  });
  const vpcs = new Set(ec2.Vpcs.map((v) => String(v.VpcId)));
  const clusterVpcs = new Set(
    clusters
      .map((c) => String((c.resourcesVpcConfig as Json | undefined)?.vpcId))
      .filter((id) => vpcs.has(id)),
  );
  byAction['ec2:DescribeVpcAttribute'] = 2 * clusterVpcs.size;
  if (!scoped) byAction['eks:ListClusters'] = pages(eks.clusters.length, 'eks:ListClusters');
  byAction['eks:DescribeCluster'] = clusters.length;
  let listNodegroups = 0;
  let describeNodegroup = 0;
  let listFargate = 0;
  let describeFargate = 0;
  for (const c of clusters) {
    const nodegroups = eks.nodegroups[String(c.name)] ?? [];
    const profiles = eks.fargateProfiles?.[String(c.name)] ?? [];
    listNodegroups += pages(nodegroups.length, 'eks:ListNodegroups');
    describeNodegroup += nodegroups.length;
    listFargate += pages(profiles.length, 'eks:ListFargateProfiles');
    describeFargate += profiles.length;
  }
  byAction['eks:ListNodegroups'] = listNodegroups;
  byAction['eks:DescribeNodegroup'] = describeNodegroup;
  byAction['eks:ListFargateProfiles'] = listFargate;
  byAction['eks:DescribeFargateProfile'] = describeFargate;

  const sorted = Object.fromEntries(
    Object.entries(byAction)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  return { byAction: sorted, total: Object.values(sorted).reduce((sum, n) => sum + n, 0) };
}
