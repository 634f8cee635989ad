/*
 * The fake AWS account itself, driven through real SDK clients (createClients: adaptive
 * retry, signing, $metadata), so what the collector benchmark measures is what the SDK does.
 */
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
} from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, DescribeNodegroupCommand, ListClustersCommand } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { createClients, destroyClients, type AwsClients } from '../../aws/clients';
import { collectSnapshot } from '../../aws/collect';
import { AwsReadError } from '../../aws/errors';
import { AwsReader } from '../../aws/reader';
import { parseSnapshot } from '../../snapshot/load';
import {
  accessDenied,
  installFakeAws,
  minimumCalls,
  useFakeCredentials,
  type FakeAwsOptions,
} from '../../testkit/fake-aws';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';

const REGION = 'eu-west-1';
const UNLIMITED: FakeAwsOptions['buckets'] = { ec2: undefined, eks: undefined, sts: undefined };
const NO_PACING = { ec2: { concurrency: 4 }, eks: { concurrency: 4 }, sts: { concurrency: 1 } };

useFakeCredentials();

const opened: AwsClients[] = [];
function clients(maxAttempts?: number): AwsClients {
  const c = createClients({ region: REGION, ...(maxAttempts === undefined ? {} : { maxAttempts }) });
  opened.push(c);
  return c;
}
afterEach(() => {
  jest.useRealTimers();
  while (opened.length > 0) destroyClients(opened.pop()!);
});

/** An account whose lists span several pages, with a customer-managed prefix list in one group's rules. */
function account(clusters = 12): RawSnapshot {
  const { snapshot } = privateClustersSnapshot(clusters, { region: REGION });
  snapshot.ec2.PrefixLists.push({
    PrefixListId: 'pl-0c0ffee0c0ffee000',
    PrefixListName: 'corp-admin-networks',
    Cidrs: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'],
  });
  const group = snapshot.ec2.SecurityGroups[3] as { IpPermissions: Record<string, unknown>[] };
  group.IpPermissions.push({
    IpProtocol: 'tcp',
    FromPort: 443,
    ToPort: 443,
    IpRanges: [],
    PrefixListIds: [{ PrefixListId: 'pl-0c0ffee0c0ffee000' }],
  });
  return snapshot;
}

/** Under fake timers: lets `promise` run (SDK backoff, rate limiter, pacing) for up to `ms` of fake time. */
async function settle<T>(promise: Promise<T>, ms = 60_000): Promise<T> {
  const outcome = promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  await jest.advanceTimersByTimeAsync(ms);
  const result = await outcome;
  if ('error' in result) throw result.error;
  return result.value;
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { attempts?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

// The SDK loads parts of itself lazily on a client's first call; under fake timers that
// first call can stall, so load them with real timers whichever test runs first.
beforeAll(async () => {
  const c = clients();
  installFakeAws(c, account(1), { buckets: UNLIMITED });
  await Promise.all([
    c.ec2.send(new DescribeVpcsCommand({})),
    c.eks.send(new ListClustersCommand({})),
    c.sts.send(new GetCallerIdentityCommand({})),
  ]);
});

describe('fake AWS: reads', () => {
  it('pages at the requested size with opaque tokens and returns every item exactly once', async () => {
    const data = account();
    const c = clients();
    installFakeAws(c, data, { buckets: UNLIMITED });
    const seen: string[] = [];
    const tokens: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await c.ec2.send(new DescribeRouteTablesCommand({ MaxResults: 5, NextToken }));
      expect(page.RouteTables!.length).toBeLessThanOrEqual(5);
      seen.push(...page.RouteTables!.map((rt) => rt.RouteTableId!));
      NextToken = page.NextToken;
      if (NextToken) tokens.push(NextToken);
    } while (NextToken);
    expect(seen).toHaveLength(data.ec2.RouteTables.length);
    expect(new Set(seen)).toEqual(new Set(data.ec2.RouteTables.map((rt) => rt.RouteTableId)));
    expect(tokens).toHaveLength(Math.ceil(data.ec2.RouteTables.length / 5) - 1);
    expect(tokens.every((t) => !/^\d+$/.test(t))).toBe(true);

    const names: string[] = [];
    let nextToken: string | undefined;
    do {
      const page = await c.eks.send(new ListClustersCommand({ maxResults: 5, nextToken }));
      names.push(...page.clusters!);
      nextToken = page.nextToken;
    } while (nextToken);
    expect(names).toEqual(data.eks.clusters.map((cl) => cl.name));
  });

  it('answers everything in one page without MaxResults, and refuses a size outside the documented range', async () => {
    const data = account();
    const c = clients();
    installFakeAws(c, data, { buckets: UNLIMITED });
    const all = await c.ec2.send(new DescribeSubnetsCommand({}));
    expect(all.Subnets).toHaveLength(data.ec2.Subnets.length);
    expect(all.NextToken).toBeUndefined();
    // DescribeRouteTables pages at most 100; GetManagedPrefixListEntries at most 100; EKS lists 1–100.
    expect(await rejection(c.ec2.send(new DescribeRouteTablesCommand({ MaxResults: 1000 })))).toMatchObject({
      name: 'InvalidParameterValue',
      $metadata: { httpStatusCode: 400, attempts: 1 },
    });
    expect(
      await rejection(
        c.ec2.send(
          new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0c0ffee0c0ffee000', MaxResults: 1000 }),
        ),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue' });
    expect(await rejection(c.eks.send(new ListClustersCommand({ maxResults: 101 })))).toMatchObject({
      name: 'InvalidParameterException',
    });
  });

  it('refuses a token replayed on a request with other filters', async () => {
    const data = account();
    const c = clients();
    installFakeAws(c, data, { buckets: UNLIMITED });
    const first = await c.ec2.send(new DescribeSubnetsCommand({ MaxResults: 5 }));
    const other = new DescribeSubnetsCommand({
      MaxResults: 5,
      NextToken: first.NextToken,
      Filters: [{ Name: 'vpc-id', Values: [data.ec2.Vpcs[0]!.VpcId as string] }],
    });
    expect(await rejection(c.ec2.send(other))).toMatchObject({ name: 'InvalidPaginationToken' });
  });

  it('filters by vpc-id and by id lists, with EC2 limits and NotFound errors', async () => {
    const data = account();
    const c = clients();
    installFakeAws(c, data, { buckets: UNLIMITED });
    const vpcIds = data.ec2.Vpcs.slice(2, 4).map((v) => v.VpcId as string);
    const subnets = await c.ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: vpcIds }], MaxResults: 1000 }),
    );
    expect(subnets.Subnets).toHaveLength(6);
    expect(new Set(subnets.Subnets!.map((s) => s.VpcId))).toEqual(new Set(vpcIds));

    const vpcs = await c.ec2.send(new DescribeVpcsCommand({ VpcIds: vpcIds }));
    expect(vpcs.Vpcs!.map((v) => v.VpcId)).toEqual(vpcIds);
    const dhcp = await c.ec2.send(
      new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [vpcs.Vpcs![0]!.DhcpOptionsId!] }),
    );
    expect(dhcp.DhcpOptions!.map((d) => d.DhcpOptionsId)).toEqual([vpcs.Vpcs![0]!.DhcpOptionsId]);

    expect(
      await rejection(c.ec2.send(new DescribeVpcsCommand({ VpcIds: ['vpc-0000000000000dead'] }))),
    ).toMatchObject({
      name: 'InvalidVpcID.NotFound',
    });
    const tooMany = Array.from({ length: 201 }, (_, i) => `vpc-${i}`);
    expect(
      await rejection(
        c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: tooMany }] })),
      ),
    ).toMatchObject({ name: 'FilterLimitExceeded' });
    expect(
      await rejection(
        c.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'state', Values: ['available'] }] })),
      ),
    ).toMatchObject({ name: 'InvalidParameterValue' });
  });

  // The lookups drift and the Config evaluator make for one changed resource (drift/resolve-vpcs.ts,
  // config-rules/scope.ts): a known id answers that item alone, an id EC2 does not know is its NotFound.
  it.each([
    [
      'DescribeSubnets',
      'SubnetIds',
      'Subnets',
      'SubnetId',
      'InvalidSubnetID.NotFound',
      'subnet-0000000000000dead',
    ],
    [
      'DescribeSecurityGroups',
      'GroupIds',
      'SecurityGroups',
      'GroupId',
      'InvalidGroup.NotFound',
      'sg-0000000000000dead',
    ],
    [
      'DescribeRouteTables',
      'RouteTableIds',
      'RouteTables',
      'RouteTableId',
      'InvalidRouteTableID.NotFound',
      'rtb-0000000000000dead',
    ],
    [
      'DescribeNetworkAcls',
      'NetworkAclIds',
      'NetworkAcls',
      'NetworkAclId',
      'InvalidNetworkAclID.NotFound',
      'acl-0000000000000dead',
    ],
    [
      'DescribeVpcEndpoints',
      'VpcEndpointIds',
      'VpcEndpoints',
      'VpcEndpointId',
      'InvalidVpcEndpointId.NotFound',
      'vpce-0000000000000dead',
    ],
  ] as const)(
    '%s by %s: the named item only, and NotFound for an unknown id',
    async (action, param, key, field, notFound, unknown) => {
      const data = account();
      const c = clients();
      installFakeAws(c, data, { buckets: UNLIMITED });
      const commands = {
        DescribeSubnets: DescribeSubnetsCommand,
        DescribeSecurityGroups: DescribeSecurityGroupsCommand,
        DescribeRouteTables: DescribeRouteTablesCommand,
        DescribeNetworkAcls: DescribeNetworkAclsCommand,
        DescribeVpcEndpoints: DescribeVpcEndpointsCommand,
      } as const;
      const Command = commands[action] as unknown as new (input: object) => Parameters<typeof c.ec2.send>[0];
      const items = (data.ec2 as unknown as Record<string, { [k: string]: unknown }[]>)[key]!;
      expect(items.length).toBeGreaterThan(2);
      const wanted = items[1]![field] as string;

      const answer = (await c.ec2.send(new Command({ [param]: [wanted] }))) as unknown as Record<
        string,
        unknown
      >;
      expect((answer[key] as Record<string, unknown>[]).map((item) => item[field])).toEqual([wanted]);
      expect(await rejection(c.ec2.send(new Command({ [param]: [wanted, unknown] })))).toMatchObject({
        name: notFound,
      });
    },
  );

  it('answers attributes, prefix lists, EKS details, identity and Regions from the account', async () => {
    const data = account(2);
    data.ec2.VpcAttributes[data.ec2.Vpcs[1]!.VpcId as string] = {
      EnableDnsSupport: { Value: true },
      EnableDnsHostnames: { Value: false },
    };
    const c = clients();
    installFakeAws(c, data, { buckets: UNLIMITED });
    const VpcId = data.ec2.Vpcs[1]!.VpcId as string;
    const hostnames = await c.ec2.send(
      new DescribeVpcAttributeCommand({ VpcId, Attribute: 'enableDnsHostnames' }),
    );
    expect(hostnames).toMatchObject({ VpcId, EnableDnsHostnames: { Value: false } });
    expect(hostnames.EnableDnsSupport).toBeUndefined();

    const managed = await c.ec2.send(new DescribePrefixListsCommand({}));
    expect(managed.PrefixLists!.map((pl) => pl.PrefixListName)).toEqual([`com.amazonaws.${REGION}.s3`]);
    const entries = await c.ec2.send(
      new GetManagedPrefixListEntriesCommand({ PrefixListId: 'pl-0c0ffee0c0ffee000', MaxResults: 2 }),
    );
    expect(entries.Entries).toEqual([{ Cidr: '192.0.2.0/24' }, { Cidr: '198.51.100.0/24' }]);
    expect(entries.NextToken).toBeDefined();

    const cluster = await c.eks.send(new DescribeClusterCommand({ name: 'prod-1' }));
    expect(cluster.cluster!.resourcesVpcConfig!.vpcId).toBe(VpcId);
    const nodegroup = await c.eks.send(
      new DescribeNodegroupCommand({ clusterName: 'prod-1', nodegroupName: 'prod-1-general' }),
    );
    expect(nodegroup.nodegroup!.nodegroupName).toBe('prod-1-general');
    expect(await rejection(c.eks.send(new DescribeClusterCommand({ name: 'gone' })))).toMatchObject({
      name: 'ResourceNotFoundException',
      $metadata: { httpStatusCode: 404 },
    });

    expect(await c.sts.send(new GetCallerIdentityCommand({}))).toMatchObject({ Account: data.accountId });
    const regions = await c.ec2.send(new DescribeRegionsCommand({}));
    expect(regions.Regions!.map((r) => r.RegionName)).toContain(REGION);
  });
});

describe('fake AWS: throttling, latency, errors', () => {
  it('throttles an empty bucket; the SDK retries with backoff and reports the attempts', async () => {
    // Fake time: the SDK's backoff (up to 1 s) and adaptive rate limiter (0.5/s after a throttle) elapse instantly.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const c = clients();
    const server = installFakeAws(c, account(2), { buckets: { ec2: { capacity: 1, refillPerSecond: 2 } } });
    const outputs = await settle(Promise.all([1, 2, 3].map(() => c.ec2.send(new DescribeVpcsCommand({})))));
    expect(outputs.every((o) => o.Vpcs!.length === 2)).toBe(true);
    const attempts = outputs.map((o) => o.$metadata.attempts!);
    expect(Math.max(...attempts)).toBeGreaterThan(1);
    expect(outputs.some((o) => o.$metadata.totalRetryDelay! > 0)).toBe(true);
    const counter = server.get('ec2:DescribeVpcs');
    expect(counter).toMatchObject({ served: 3, failed: 0 });
    expect(counter.throttled).toBe(attempts.reduce((a, b) => a + b, 0) - 3);
  });

  it('refills the bucket at its rate (server clock)', async () => {
    // The server's clock is ours; fake timers only skip the SDK's adaptive rate limiter waits.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    let now = 0;
    const c = clients(1); // one attempt: the throttle itself surfaces
    const server = installFakeAws(c, account(1), {
      buckets: { eks: { capacity: 2, refillPerSecond: 4 } },
      now: () => now,
    });
    const list = () => settle(c.eks.send(new ListClustersCommand({})));
    await list();
    await list();
    expect(await rejection(list())).toMatchObject({
      name: 'ThrottlingException',
      $metadata: { httpStatusCode: 429, attempts: 1 },
    });
    now += 250; // one token at 4/s
    await list();
    expect(await rejection(list())).toMatchObject({ name: 'ThrottlingException' });
    now += 10_000; // never more than the capacity
    await list();
    await list();
    expect(await rejection(list())).toMatchObject({ name: 'ThrottlingException' });
    expect(server.get('eks:ListClusters')).toEqual({ requests: 8, served: 5, throttled: 3, failed: 0 });
  });

  it('applies the configured latency to every attempt, repeatably for a seed', async () => {
    const c = clients();
    installFakeAws(c, account(1), { latencyMs: { min: 30, max: 40 } });
    const start = performance.now();
    await c.sts.send(new GetCallerIdentityCommand({}));
    expect(performance.now() - start).toBeGreaterThanOrEqual(29); // timers may fire up to 1 ms early

    const drawn = async (seed: number) => {
      const waits: number[] = [];
      const cl = clients();
      installFakeAws(cl, account(1), {
        latencyMs: { min: 20, max: 50 },
        seed,
        sleep: async (ms) => void waits.push(ms),
      });
      for (let i = 0; i < 5; i++) await cl.ec2.send(new DescribeVpcsCommand({}));
      return waits;
    };
    const first = await drawn(7);
    expect(first.every((ms) => ms >= 20 && ms <= 50)).toBe(true);
    expect(await drawn(7)).toEqual(first);
    expect(await drawn(8)).not.toEqual(first);
  });

  it('surfaces an injected AccessDenied as the missing IAM permission, without retrying it', async () => {
    const c = clients();
    const server = installFakeAws(c, account(2), {
      buckets: UNLIMITED,
      inject: (request) => (request.action === 'ec2:DescribeSubnets' ? accessDenied(request) : undefined),
    });
    const reader = new AwsReader(c, REGION, { limits: NO_PACING });
    const error = await rejection(reader.send('ec2', new DescribeSubnetsCommand({})));
    expect(error).toBeInstanceOf(AwsReadError);
    expect(error.message).toBe(
      `missing IAM permission ec2:DescribeSubnets in ${REGION} (UnauthorizedOperation: You are not authorized to perform this operation.)`,
    );
    expect(reader.ledger.get('ec2:DescribeSubnets')).toMatchObject({ calls: 1, attempts: 1 });
    expect(server.get('ec2:DescribeSubnets')).toEqual({ requests: 1, served: 0, throttled: 0, failed: 1 });

    const eksDenied = installFakeAws(c, account(2), {
      inject: (request) => (request.operation === 'DescribeCluster' ? accessDenied(request) : undefined),
    });
    const collection = await rejection(collectSnapshot(new AwsReader(c, REGION, { limits: NO_PACING })));
    expect(collection.message).toMatch(
      /^missing IAM permission eks:DescribeCluster in eu-west-1 \(AccessDeniedException/,
    );
    expect(eksDenied.get('eks:DescribeCluster').failed).toBeGreaterThan(0);
  });
});

describe('fake AWS: a whole collection', () => {
  it('serves every read the collector makes, at exactly the minimum number of calls, unthrottled when paced', async () => {
    // Fake time: the reader's pacing (EKS: 10 calls, then 10/s) and the latency take no real time.
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const data = account(12);
    data.eks.nodegroups['prod-3']!.push({
      ...data.eks.nodegroups['prod-3']![0]!,
      nodegroupName: 'prod-3-spot',
    });
    data.eks.fargateProfiles = {
      'prod-5': [{ fargateProfileName: 'kube-system', clusterName: 'prod-5', subnets: [], status: 'ACTIVE' }],
    };
    const c = clients();
    const server = installFakeAws(c, data, { latencyMs: { min: 20, max: 50 } });
    const reader = new AwsReader(c, REGION);
    const start = Date.now();
    let end = 0;
    const snapshot = await settle(
      collectSnapshot(reader).finally(() => (end = Date.now())),
      120_000,
    );

    expect(() => parseSnapshot(snapshot)).not.toThrow();
    const eks = snapshot.eks as RawSnapshot['eks'];
    const ec2 = snapshot.ec2 as RawSnapshot['ec2'];
    expect(eks.clusters.map((cl) => cl.name).sort()).toEqual(data.eks.clusters.map((cl) => cl.name).sort());
    expect(eks.nodegroups['prod-3']).toHaveLength(2);
    expect(eks.fargateProfiles!['prod-5']).toHaveLength(1);
    expect(ec2.RouteTables).toHaveLength(data.ec2.RouteTables.length);
    expect(ec2.PrefixLists.find((pl) => pl.PrefixListId === 'pl-0c0ffee0c0ffee000')).toEqual({
      PrefixListId: 'pl-0c0ffee0c0ffee000',
      Cidrs: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'],
    });

    const minimum = minimumCalls(data);
    const calls = Object.fromEntries(Object.entries(reader.ledger.toJSON()).map(([a, e]) => [a, e.calls]));
    expect(calls).toEqual(minimum.byAction);
    // 12 clusters: 11 one-page reads, 24 attributes, 12 clusters, 24 + 13 node-group and 1 Fargate read.
    expect(minimum.total).toBe(1 + 8 + 1 + 24 + 1 + 12 + 12 + 13 + 12 + 1);
    // The server saw each attempt the ledger counted; pacing kept every one inside the buckets.
    expect(server.totals()).toMatchObject({ requests: reader.ledger.totalAttempts, throttled: 0, failed: 0 });
    // EKS's bucket is the floor: 51 calls, 10 at once then 10/s = 4.1 s, plus a few latencies.
    expect(end - start).toBeGreaterThanOrEqual(4100);
    expect(end - start).toBeLessThan(4100 * 1.2);
  });

  it('completes a collection through throttling: the SDK retries what the server refuses, nothing is lost', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
    const data = account(6);
    const c = clients();
    // A server far stricter than AWS, and a reader that does not pace: throttling is certain.
    const server = installFakeAws(c, data, {
      latencyMs: { min: 5, max: 5 },
      buckets: {
        ec2: { capacity: 3, refillPerSecond: 20 },
        eks: { capacity: 2, refillPerSecond: 10 },
        sts: undefined,
      },
    });
    const reader = new AwsReader(c, REGION, { limits: NO_PACING });
    const snapshot = await settle(collectSnapshot(reader), 300_000);

    expect(server.totals().throttled).toBeGreaterThan(0);
    expect(server.totals()).toMatchObject({ requests: reader.ledger.totalAttempts, failed: 0 });
    expect(reader.ledger.totalAttempts).toBeGreaterThan(reader.ledger.totalCalls);
    expect(reader.ledger.totalCalls).toBe(minimumCalls(data).total);
    const eks = parseSnapshot(snapshot).eks;
    expect(eks.clusters.map((cl) => cl.name).sort()).toEqual(
      data.eks.clusters.map((cl) => String(cl.name)).sort(),
    );
  });

  it('counts the minimum of a VPC-scoped collection', async () => {
    const data = account(12);
    const vpcId = data.ec2.Vpcs[3]!.VpcId as string;
    const c = clients();
    installFakeAws(c, data);
    const reader = new AwsReader(c, REGION);
    const snapshot = await collectSnapshot(reader, { vpcIds: [vpcId] });
    expect((snapshot.eks as RawSnapshot['eks']).clusters.map((cl) => cl.name)).toEqual(['prod-3']);
    const minimum = minimumCalls(data, { vpcIds: [vpcId] });
    expect(minimum.total).toBe(15);
    expect(reader.ledger.totalCalls).toBe(minimum.total);
  });
});
