import {
  DescribeDhcpOptionsCommand,
  DescribeNetworkAclsCommand,
  DescribePrefixListsCommand,
  DescribeRegionsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  GetManagedPrefixListEntriesCommand,
  type DescribeRegionsCommandOutput,
  type DescribeVpcAttributeCommandOutput,
  type Filter,
  type GetManagedPrefixListEntriesCommandOutput,
  type SecurityGroup,
  type Vpc,
} from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
  type Cluster,
  type DescribeClusterCommandOutput,
  type DescribeFargateProfileCommandOutput,
  type DescribeNodegroupCommandOutput,
  type FargateProfile,
  type ListClustersCommandOutput,
  type ListFargateProfilesCommandOutput,
  type ListNodegroupsCommandOutput,
  type Nodegroup,
} from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, type GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts';
import { AwsReadError } from './errors';
import type { AwsReader } from './reader';

/** What to collect: a whole account/Region, or only some VPCs (what the drift path needs). */
export interface CollectScope {
  /** Empty or absent = the whole Region. */
  vpcIds?: readonly string[];
}

/** The SPEC §2 document, as plain JSON (validate it with `parseSnapshot`). */
export type RawSnapshotJson = Record<string, unknown> & {
  schemaVersion: 1;
  accountId: string;
  region: string;
};

/** EKS tags the cluster security group it creates with the cluster's name; clusters never change VPC. */
const CLUSTER_NAME_TAG = 'aws:eks:cluster-name';
/** EC2 accepts up to 200 values in one filter. */
const FILTER_VALUES = 200;

/** The page sizes the EC2 and EKS API references allow at most. */
const PAGE = { ec2: 1000, routeTables: 100, prefixListEntries: 100, eks: 100 } as const;

type Ec2Page = { NextToken?: string };
const ec2Token = (page: Ec2Page) => page.NextToken;
const eksToken = (page: { nextToken?: string }) => page.nextToken;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * One paginated EC2 Describe* list, whole Region or filtered by VPC (in chunks of the
 * filter's value limit). `make` builds the command for a filter and a page token.
 */
async function describeAll<Item>(
  reader: AwsReader,
  vpcIds: readonly string[] | undefined,
  make: (filters: Filter[] | undefined, token: string | undefined) => object & { input: object },
  /** The page member that holds the items, e.g. `Subnets`. */
  member: string,
): Promise<Item[]> {
  type Page = Ec2Page & Record<string, unknown>;
  const filterSets = vpcIds
    ? chunks(vpcIds, FILTER_VALUES).map((ids) => [{ Name: 'vpc-id', Values: ids }])
    : [undefined];
  const results = await Promise.all(
    filterSets.map((filters) => reader.pages<Page>('ec2', (token) => make(filters, token), ec2Token)),
  );
  return results.flat().flatMap((page) => (page[member] as Item[] | undefined) ?? []);
}

async function describeVpcs(reader: AwsReader, vpcIds: readonly string[] | undefined): Promise<Vpc[]> {
  if (!vpcIds) {
    return describeAll<Vpc>(
      reader,
      undefined,
      (_, NextToken) => new DescribeVpcsCommand({ MaxResults: PAGE.ec2, NextToken }),
      'Vpcs',
    );
  }
  const pages = await Promise.all(
    chunks(vpcIds, FILTER_VALUES).map((ids) =>
      reader.pages<{ Vpcs?: Vpc[]; NextToken?: string }>(
        'ec2',
        (NextToken) => new DescribeVpcsCommand({ VpcIds: ids, NextToken }),
        ec2Token,
      ),
    ),
  );
  return pages.flat().flatMap((page) => page.Vpcs ?? []);
}

async function describeDhcpOptions(reader: AwsReader, vpcs: readonly Vpc[] | undefined): Promise<unknown[]> {
  type Page = { DhcpOptions?: unknown[]; NextToken?: string };
  if (!vpcs) {
    const pages = await reader.pages<Page>(
      'ec2',
      (NextToken) => new DescribeDhcpOptionsCommand({ MaxResults: PAGE.ec2, NextToken }),
      ec2Token,
    );
    return pages.flatMap((p) => p.DhcpOptions ?? []);
  }
  // "default" means the VPC has no option set: there is nothing to describe.
  const ids = [
    ...new Set(vpcs.map((v) => v.DhcpOptionsId).filter((id): id is string => !!id && id !== 'default')),
  ];
  const pages = await Promise.all(
    chunks(ids, FILTER_VALUES).map((DhcpOptionsIds) =>
      reader.pages<Page>(
        'ec2',
        (NextToken) => new DescribeDhcpOptionsCommand({ DhcpOptionsIds, NextToken }),
        ec2Token,
      ),
    ),
  );
  return pages.flat().flatMap((p) => p.DhcpOptions ?? []);
}

/**
 * AWS-managed prefix lists come with their CIDRs from DescribePrefixLists; customer-managed
 * lists that security-group rules reference are read entry by entry, in the same shape.
 */
async function prefixLists(reader: AwsReader, groups: Promise<SecurityGroup[]>): Promise<unknown[]> {
  type Page = { PrefixLists?: { PrefixListId?: string }[]; NextToken?: string };
  const managed = (
    await reader.pages<Page>('ec2', (NextToken) => new DescribePrefixListsCommand({ NextToken }), ec2Token)
  ).flatMap((p) => p.PrefixLists ?? []);
  const known = new Set(managed.map((pl) => pl.PrefixListId));
  const referenced = new Set<string>();
  for (const group of await groups) {
    for (const permission of [...(group.IpPermissions ?? []), ...(group.IpPermissionsEgress ?? [])]) {
      for (const ref of permission.PrefixListIds ?? []) {
        if (ref.PrefixListId && !known.has(ref.PrefixListId)) referenced.add(ref.PrefixListId);
      }
    }
  }
  const customer = await Promise.all(
    [...referenced].sort().map(async (PrefixListId) => {
      const pages = await reader.pages<GetManagedPrefixListEntriesCommandOutput>(
        'ec2',
        (NextToken) =>
          new GetManagedPrefixListEntriesCommand({
            PrefixListId,
            MaxResults: PAGE.prefixListEntries,
            NextToken,
          }),
        ec2Token,
      );
      const cidrs = pages.flatMap((p) => p.Entries ?? []).flatMap((e) => (e.Cidr ? [e.Cidr] : []));
      return { PrefixListId, Cidrs: cidrs };
    }),
  );
  return [...managed, ...customer];
}

async function vpcAttributes(reader: AwsReader, vpcIds: readonly string[]): Promise<Record<string, unknown>> {
  const entries = await Promise.all(
    vpcIds.map(async (VpcId) => {
      const [support, hostnames] = await Promise.all(
        (['enableDnsSupport', 'enableDnsHostnames'] as const).map((Attribute) =>
          reader.send<DescribeVpcAttributeCommandOutput>(
            'ec2',
            new DescribeVpcAttributeCommand({ VpcId, Attribute }),
          ),
        ),
      );
      return [
        VpcId,
        { EnableDnsSupport: support!.EnableDnsSupport, EnableDnsHostnames: hostnames!.EnableDnsHostnames },
      ] as const;
    }),
  );
  return Object.fromEntries(entries);
}

interface Workloads {
  nodegroups: Nodegroup[];
  fargateProfiles: FargateProfile[];
}

/** A read of something deleted since it was named (a cluster, node group or profile) yields `gone`. */
async function unlessGone<T, G>(read: Promise<T>, gone: G): Promise<T | G> {
  try {
    return await read;
  } catch (error) {
    if (error instanceof AwsReadError && error.code === 'ResourceNotFoundException') return gone;
    throw error;
  }
}

function describeCluster(reader: AwsReader, name: string): Promise<Cluster | undefined> {
  return unlessGone(
    reader
      .send<DescribeClusterCommandOutput>('eks', new DescribeClusterCommand({ name }))
      .then((o) => o.cluster),
    undefined,
  );
}

/**
 * An EKS list (all pages) and a Describe of each name it lists; what was deleted between
 * the two reads (or the cluster itself) is left out.
 */
async function listThenDescribe<Page extends { nextToken?: string }, Output, Item>(
  reader: AwsReader,
  list: (nextToken: string | undefined) => { input: object },
  namesOf: (page: Page) => string[] | undefined,
  describe: (name: string) => { input: object },
  itemOf: (output: Output) => Item | undefined,
): Promise<Item[]> {
  const pages = await unlessGone(reader.pages<Page>('eks', list, eksToken), []);
  const outputs = await Promise.all(
    pages
      .flatMap((p) => namesOf(p) ?? [])
      .map((name) => unlessGone(reader.send<Output>('eks', describe(name)), undefined)),
  );
  return outputs.flatMap((output) => {
    const item = output === undefined ? undefined : itemOf(output);
    return item === undefined ? [] : [item];
  });
}

/**
 * A cluster's managed node groups and Fargate profiles: their subnets are node subnets
 * (SPEC §3). They need only the cluster's name, so they are read alongside DescribeCluster.
 */
async function workloadsOf(reader: AwsReader, clusterName: string): Promise<Workloads> {
  const [nodegroups, fargateProfiles] = await Promise.all([
    listThenDescribe(
      reader,
      (nextToken) => new ListNodegroupsCommand({ clusterName, maxResults: PAGE.eks, nextToken }),
      (page: ListNodegroupsCommandOutput) => page.nodegroups,
      (nodegroupName) => new DescribeNodegroupCommand({ clusterName, nodegroupName }),
      (output: DescribeNodegroupCommandOutput) => output.nodegroup,
    ),
    listThenDescribe(
      reader,
      (nextToken) => new ListFargateProfilesCommand({ clusterName, maxResults: PAGE.eks, nextToken }),
      (page: ListFargateProfilesCommandOutput) => page.fargateProfileNames,
      (fargateProfileName) => new DescribeFargateProfileCommand({ clusterName, fargateProfileName }),
      (output: DescribeFargateProfileCommandOutput) => output.fargateProfile,
    ),
  ]);
  return { nodegroups, fargateProfiles };
}

/** Every cluster name of the Region (ListClusters). */
async function allClusterNames(reader: AwsReader): Promise<string[]> {
  const pages = await reader.pages<ListClustersCommandOutput>(
    'eks',
    (nextToken) => new ListClustersCommand({ maxResults: PAGE.eks, nextToken }),
    eksToken,
  );
  return pages.flatMap((p) => p.clusters ?? []);
}

/**
 * The clusters of some VPCs without describing every cluster of the Region: EKS tags each
 * cluster security group `aws:eks:cluster-name`, and the VPC's groups are collected anyway.
 */
async function clusterNamesOfVpcs(groups: Promise<SecurityGroup[]>): Promise<string[]> {
  const names = new Set<string>();
  for (const group of await groups) {
    const tag = group.Tags?.find((t) => t.Key === CLUSTER_NAME_TAG);
    if (tag?.Value) names.add(tag.Value);
  }
  return [...names];
}

/**
 * Collects the SPEC §2 snapshot of one account/Region, or of some VPCs of it. Independent
 * reads run concurrently (the reader bounds and paces them); any failed read fails the whole
 * collection with an AwsReadError — a partial snapshot is never returned.
 */
export async function collectSnapshot(reader: AwsReader, scope: CollectScope = {}): Promise<RawSnapshotJson> {
  const vpcIds = scope.vpcIds && scope.vpcIds.length > 0 ? [...new Set(scope.vpcIds)].sort() : undefined;
  const identity = reader.send<GetCallerIdentityCommandOutput>('sts', new GetCallerIdentityCommand({}));
  const vpcs = describeVpcs(reader, vpcIds);
  const subnets = describeAll(
    reader,
    vpcIds,
    (Filters, NextToken) => new DescribeSubnetsCommand({ Filters, MaxResults: PAGE.ec2, NextToken }),
    'Subnets',
  );
  const routeTables = describeAll(
    reader,
    vpcIds,
    (Filters, NextToken) =>
      new DescribeRouteTablesCommand({ Filters, MaxResults: PAGE.routeTables, NextToken }),
    'RouteTables',
  );
  const networkAcls = describeAll(
    reader,
    vpcIds,
    (Filters, NextToken) => new DescribeNetworkAclsCommand({ Filters, MaxResults: PAGE.ec2, NextToken }),
    'NetworkAcls',
  );
  const securityGroups = describeAll<SecurityGroup>(
    reader,
    vpcIds,
    (Filters, NextToken) => new DescribeSecurityGroupsCommand({ Filters, MaxResults: PAGE.ec2, NextToken }),
    'SecurityGroups',
  );
  const endpoints = describeAll(
    reader,
    vpcIds,
    (Filters, NextToken) => new DescribeVpcEndpointsCommand({ Filters, MaxResults: PAGE.ec2, NextToken }),
    'VpcEndpoints',
  );
  const dhcpOptions = vpcIds
    ? vpcs.then((v) => describeDhcpOptions(reader, v))
    : describeDhcpOptions(reader, undefined);
  const lists = prefixLists(reader, securityGroups);
  const names = (vpcIds ? clusterNamesOfVpcs(securityGroups) : allClusterNames(reader)).then((found) =>
    [...new Set(found)].sort(),
  );
  const workloads = names.then((found) =>
    Promise.all(found.map(async (name) => [name, await workloadsOf(reader, name)] as const)),
  );
  const inScope = (cluster: Cluster) => !vpcIds || vpcIds.includes(cluster.resourcesVpcConfig?.vpcId ?? '');
  const clusters = names
    .then((found) => Promise.all(found.map((name) => describeCluster(reader, name))))
    .then((found) => found.filter((c): c is Cluster => c !== undefined && inScope(c)));
  // DNS attributes are read only for VPCs that hold clusters: two calls per VPC, no batch API.
  const attributes = clusters.then((found) =>
    vpcAttributes(
      reader,
      [...new Set(found.map((c) => c.resourcesVpcConfig?.vpcId).filter((id): id is string => !!id))].sort(),
    ),
  );

  // Wait for everything, so a failure anywhere rejects only after no read is left in flight.
  const settled = await Promise.allSettled([
    identity,
    vpcs,
    subnets,
    routeTables,
    networkAcls,
    securityGroups,
    endpoints,
    dhcpOptions,
    lists,
    workloads,
    attributes,
  ]);
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;

  const found = await clusters;
  const workloadsByName = new Map(await workloads);
  const snapshot = {
    schemaVersion: 1 as const,
    accountId: (await identity).Account!,
    region: reader.region,
    capturedAt: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eks: {
      clusters: found,
      nodegroups: Object.fromEntries(found.map((c) => [c.name!, workloadsByName.get(c.name!)!.nodegroups])),
      fargateProfiles: Object.fromEntries(
        found.map((c) => [c.name!, workloadsByName.get(c.name!)!.fargateProfiles]),
      ),
    },
    ec2: {
      Vpcs: await vpcs,
      VpcAttributes: await attributes,
      Subnets: await subnets,
      RouteTables: await routeTables,
      NetworkAcls: await networkAcls,
      SecurityGroups: await securityGroups,
      VpcEndpoints: await endpoints,
      DhcpOptions: await dhcpOptions,
      PrefixLists: await lists,
    },
  };
  // Plain JSON (SDK Dates become ISO strings): exactly what `snapshot --out` writes and `check --snapshot` reads.
  return JSON.parse(JSON.stringify(snapshot)) as RawSnapshotJson;
}

/** Every Region enabled for the account, from any Region of its partition. */
export async function listEnabledRegions(reader: AwsReader): Promise<string[]> {
  const output = await reader.send<DescribeRegionsCommandOutput>('ec2', new DescribeRegionsCommand({}));
  return (output.Regions ?? []).flatMap((r) => (r.RegionName ? [r.RegionName] : [])).sort();
}
