/*
 * Live-collection benchmark (issue #3): `node dist/bench/collect.bench.js [--sizes 1,10,100] [--no-pacing]`.
 *
 * For accounts of 1, 10, 100 and 1,000 private clusters (one VPC each; every 4th cluster has a
 * second node group, every 8th a Fargate profile, every 10th an endpoint security group that
 * admits a customer-managed prefix list) it runs collectSnapshot (whole Region) through real
 * SDK clients (createClients: adaptive retry, signing) into which testkit/fake-aws.ts is
 * installed: 20–50 ms per attempt and AWS's server-side token buckets (EC2 100 + 20/s, EKS
 * 10 + 10/s, STS unlimited). Nothing leaves the process; the credentials are AWS's dummy
 * example keys.
 *
 * It reports, per size:
 * - API calls the collector made (its CallLedger) against the minimum a complete collection
 *   needs (testkit/fake-aws.ts minimumCalls: list pages at each API's maximum page size,
 *   2 DescribeVpcAttribute per cluster VPC, DescribeCluster, node-group and Fargate reads);
 *   target calls / minimum <= 1.05;
 * - attempts and throttled responses as the fake server counted them;
 * - wall time against the token-bucket floor; target wall / floor <= 1.2. The floor of a
 *   service is the time its bucket needs to serve that service's calls,
 *   max(0, calls - capacity) / refill rate, plus one mean latency per dependent round of calls
 *   (list pages follow each other; ListClusters -> ListNodegroups -> DescribeNodegroup beside
 *   DescribeCluster for EKS; the longest list, SecurityGroups -> GetManagedPrefixListEntries,
 *   or ListClusters -> DescribeCluster -> DescribeVpcAttribute for EC2). Services run
 *   concurrently, so the floor is the largest service floor;
 * - failures: a failed collection, an error answer other than throttling, or a snapshot that
 *   does not hold what the account holds (must be 0).
 * Then one VPC-scoped collection per kind of cluster in the largest account (calls against the
 * node-group-inclusive minimum, and the budget of 15 + 1 per cluster in the VPC).
 *
 * `--no-pacing` runs the same collections with the reader's concurrency limits but no
 * client-side token buckets: what the SDK's adaptive retry alone achieves (no target).
 * The 1,000-cluster run takes about 7.5 minutes (EKS serves 10 calls a second); skip it with
 * `--sizes 1,10,100`.
 */
import os from 'node:os';
import { createClients, destroyClients } from '../aws/clients';
import { collectSnapshot, type RawSnapshotJson } from '../aws/collect';
import { AwsReader, DEFAULT_LIMITS, type Service, type ServiceLimits } from '../aws/reader';
import { parseSnapshot } from '../snapshot/load';
import {
  AWS_BUCKETS,
  installFakeAws,
  minimumCalls,
  useFakeCredentials,
  type CallBudget,
  type FakeAwsServer,
} from '../testkit/fake-aws';
import { privateClustersSnapshot, type RawSnapshot } from '../testkit/private-cluster';
import { floorSeconds, LATENCY } from './floor';
import { formatNumber, table } from './table';

type Json = Record<string, unknown>;

const REGION = 'eu-west-1';

const CALLS_TARGET = 1.05;
const WALL_TARGET = 1.2;

const CUSTOMER_LIST = 'pl-0c0ffee0c0ffee000';

/** The reader's concurrency, without client-side buckets. */
const UNPACED: Record<Service, ServiceLimits> = {
  ec2: { concurrency: DEFAULT_LIMITS.ec2.concurrency },
  eks: { concurrency: DEFAULT_LIMITS.eks.concurrency },
  sts: { concurrency: DEFAULT_LIMITS.sts.concurrency },
};

/** `clusters` compliant private clusters whose per-cluster reads vary. */
function benchAccount(clusters: number): RawSnapshot {
  const { snapshot, ids } = privateClustersSnapshot(clusters, { region: REGION });
  const fargateProfiles: Record<string, Json[]> = {};
  snapshot.ec2.PrefixLists.push({
    PrefixListId: CUSTOMER_LIST,
    PrefixListName: 'corp-admin-networks',
    Cidrs: ['192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/24'],
  });
  ids.forEach((cluster, i) => {
    const nodegroups = snapshot.eks.nodegroups[cluster.name]!;
    if (i % 4 === 3) {
      nodegroups.push({
        ...structuredClone(nodegroups[0]!),
        nodegroupName: `${cluster.name}-spot`,
        nodegroupArn: `arn:aws:eks:${REGION}:${snapshot.accountId}:nodegroup/${cluster.name}/${cluster.name}-spot/5f1e2d3c-1111-2222-3333-444455556666`,
        capacityType: 'SPOT',
        instanceTypes: ['m6i.large', 'm6a.large'],
      });
    }
    if (i % 8 === 5) {
      fargateProfiles[cluster.name] = [
        {
          fargateProfileName: `${cluster.name}-system`,
          fargateProfileArn: `arn:aws:eks:${REGION}:${snapshot.accountId}:fargateprofile/${cluster.name}/${cluster.name}-system/7a6b5c4d-1111-2222-3333-444455556666`,
          clusterName: cluster.name,
          podExecutionRoleArn: `arn:aws:iam::${snapshot.accountId}:role/${cluster.name}-fargate`,
          subnets: [...cluster.subnetIds],
          selectors: [{ namespace: 'kube-system' }],
          status: 'ACTIVE',
        },
      ];
    }
    if (i % 10 === 0) {
      const group = snapshot.ec2.SecurityGroups.find((g) => g.GroupId === cluster.endpointSecurityGroupId)!;
      (group.IpPermissions as Json[]).push({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        IpRanges: [],
        Ipv6Ranges: [],
        PrefixListIds: [{ PrefixListId: CUSTOMER_LIST, Description: 'admin networks' }],
        UserIdGroupPairs: [],
      });
    }
  });
  snapshot.eks.fargateProfiles = fargateProfiles;
  return snapshot;
}

interface Run {
  calls: number;
  attempts: number;
  minimum: CallBudget;
  byAction: Record<string, { calls: number; attempts: number; retryDelayMs: number; pacedMs: number }>;
  server: FakeAwsServer;
  wallMs: number;
  failures: string[];
}

const count = (record: Record<string, Json[]> | undefined) =>
  Object.values(record ?? {}).reduce((sum, list) => sum + list.length, 0);

/** What the snapshot should hold of the account (all of it, or the VPCs' part). */
function mismatches(account: RawSnapshot, snapshot: RawSnapshotJson, vpcIds?: readonly string[]): string[] {
  const inScope = (item: Json) => !vpcIds || vpcIds.includes(String(item.VpcId));
  const clusters = account.eks.clusters.filter(
    (c) => !vpcIds || vpcIds.includes(String((c.resourcesVpcConfig as Json).vpcId)),
  );
  const names = new Set(clusters.map((c) => String(c.name)));
  const pick = (record: Record<string, Json[]> | undefined) =>
    Object.fromEntries(Object.entries(record ?? {}).filter(([name]) => names.has(name)));
  const eks = snapshot.eks as RawSnapshot['eks'];
  const ec2 = snapshot.ec2 as RawSnapshot['ec2'];
  const expected: [string, number, number][] = [
    ['clusters', clusters.length, eks.clusters.length],
    ['node groups', count(pick(account.eks.nodegroups)), count(eks.nodegroups)],
    ['Fargate profiles', count(pick(account.eks.fargateProfiles)), count(eks.fargateProfiles)],
    [
      'VPC attributes',
      new Set(clusters.map((c) => (c.resourcesVpcConfig as Json).vpcId)).size,
      Object.keys(ec2.VpcAttributes).length,
    ],
  ];
  for (const key of [
    'Vpcs',
    'Subnets',
    'RouteTables',
    'NetworkAcls',
    'SecurityGroups',
    'VpcEndpoints',
  ] as const) {
    expected.push([key, account.ec2[key].filter(inScope).length, ec2[key].length]);
  }
  const lists = new Set(ec2.PrefixLists.map((pl) => pl.PrefixListId));
  const wantCustomer = account.ec2.SecurityGroups.filter(inScope).some((g) =>
    JSON.stringify(g.IpPermissions ?? []).includes(CUSTOMER_LIST),
  );
  expected.push(['customer prefix list', wantCustomer ? 1 : 0, lists.has(CUSTOMER_LIST) ? 1 : 0]);
  return expected
    .filter(([, want, got]) => want !== got)
    .map(([what, want, got]) => `${what}: ${got} of ${want}`);
}

async function collect(account: RawSnapshot, pacing: boolean, vpcIds?: readonly string[]): Promise<Run> {
  const clients = createClients({ region: REGION });
  const server = installFakeAws(clients, account, { latencyMs: LATENCY, seed: 42, buckets: AWS_BUCKETS });
  const reader = new AwsReader(clients, REGION, pacing ? {} : { limits: UNPACED });
  const failures: string[] = [];
  const start = performance.now();
  try {
    const snapshot = await collectSnapshot(reader, vpcIds ? { vpcIds } : {});
    parseSnapshot(snapshot);
    failures.push(...mismatches(account, snapshot, vpcIds));
  } catch (error) {
    failures.push(`collection failed: ${(error as Error).message}`);
  }
  const wallMs = performance.now() - start;
  destroyClients(clients);
  const failed = server.totals().failed;
  if (failed > 0) failures.push(`${failed} error answers other than throttling`);
  return {
    calls: reader.ledger.totalCalls,
    attempts: reader.ledger.totalAttempts,
    minimum: minimumCalls(account, vpcIds ? { vpcIds } : {}),
    byAction: reader.ledger.toJSON(),
    server,
    wallMs,
    failures,
  };
}

const int = (n: number) => n.toLocaleString('en-US');
const fmt = (n: number, digits = 2) => formatNumber(n, digits);

/** Actions whose calls differ from the minimum, e.g. `eks:DescribeCluster +3`. */
function excess(run: Run): string[] {
  const actions = new Set([...Object.keys(run.byAction), ...Object.keys(run.minimum.byAction)]);
  return [...actions]
    .sort()
    .map(
      (action) => [action, (run.byAction[action]?.calls ?? 0) - (run.minimum.byAction[action] ?? 0)] as const,
    )
    .filter(([, diff]) => diff !== 0)
    .map(([action, diff]) => `${action} ${diff > 0 ? '+' : ''}${diff}`);
}

function perAction(run: Run): string {
  const actions = [...new Set([...Object.keys(run.byAction), ...Object.keys(run.minimum.byAction)])].sort();
  return table(
    ['action', 'calls', 'minimum', 'attempts', 'served', 'throttled', 'retry delay s', 'paced s'],
    actions.map((action) => {
      const entry = run.byAction[action];
      const server = run.server.get(action);
      return [
        action,
        int(entry?.calls ?? 0),
        int(run.minimum.byAction[action] ?? 0),
        int(entry?.attempts ?? 0),
        int(server.served),
        int(server.throttled),
        fmt((entry?.retryDelayMs ?? 0) / 1000, 1),
        fmt((entry?.pacedMs ?? 0) / 1000, 1),
      ];
    }),
  );
}

async function main(argv: string[]): Promise<void> {
  const sizesArg = argv[argv.indexOf('--sizes') + 1];
  const sizes = argv.includes('--sizes') && sizesArg ? sizesArg.split(',').map(Number) : [1, 10, 100, 1000];
  const pacing = !argv.includes('--no-pacing');
  useFakeCredentials();
  // The SDK warns that its 2027 releases need Node 22; the benchmark runs on this machine's Node 20.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs; fake ${REGION}: ${LATENCY.min}–${LATENCY.max} ms per attempt, ` +
      `server buckets EC2 100 + 20/s, EKS 10 + 10/s, STS unlimited; ` +
      (pacing
        ? 'client pacing on (DEFAULT_LIMITS)'
        : 'NO client pacing (concurrency limits only, SDK adaptive retry)'),
  );
  console.log('');

  // Warm-up (not reported): loads and JIT-compiles the SDK and collector paths once.
  await collect(benchAccount(1), pacing);

  const rows: string[][] = [];
  const notes: string[] = [];
  let largest: { account: RawSnapshot; run: Run } | undefined;
  let met = true;
  for (const size of sizes) {
    const account = benchAccount(size);
    const floor = floorSeconds(account, minimumCalls(account));
    process.stdout.write(`collecting ${int(size)} clusters (floor ${fmt(floor.seconds, 1)} s) … `);
    const run = await collect(account, pacing);
    console.log(`${fmt(run.wallMs / 1000, 1)} s`);
    const server = run.server.totals();
    const callRatio = run.calls / run.minimum.total;
    const wallRatio = run.wallMs / 1000 / floor.seconds;
    if (pacing && (callRatio > CALLS_TARGET || wallRatio > WALL_TARGET || run.failures.length > 0))
      met = false;
    rows.push([
      int(size),
      int(run.calls),
      int(run.minimum.total),
      fmt(callRatio),
      int(server.requests),
      int(server.throttled),
      fmt(run.wallMs / 1000),
      `${fmt(floor.seconds)} (${floor.service})`,
      fmt(wallRatio),
      String(run.failures.length),
    ]);
    const extra = excess(run);
    if (extra.length > 0)
      notes.push(`${int(size)} clusters, calls above/below the minimum: ${extra.join(', ')}`);
    if (server.requests !== run.attempts) {
      notes.push(
        `${int(size)} clusters: the server saw ${server.requests} attempts, the ledger ${run.attempts}`,
      );
    }
    for (const failure of run.failures) notes.push(`${int(size)} clusters, FAILURE: ${failure}`);
    largest = { account, run };
  }

  console.log('');
  console.log(
    table(
      [
        'clusters',
        'API calls',
        'minimum',
        'calls/min',
        'attempts',
        'throttled',
        'wall s',
        'floor s',
        'wall/floor',
        'failures',
      ],
      rows,
    ),
  );
  for (const note of notes) console.log(note);
  if (pacing) {
    console.log(
      `targets: calls/minimum <= ${CALLS_TARGET}, wall/floor <= ${WALL_TARGET}, 0 failures: ${met ? 'met' : 'MISSED'}`,
    );
  } else {
    console.log('no targets without pacing: this shows what the SDK adaptive retry alone achieves');
  }

  if (!largest) return;
  console.log(
    `\nper action at ${int(largest.account.eks.clusters.length)} clusters (ledger; server counters):`,
  );
  console.log(perAction(largest.run));

  // VPC scope: one VPC of each kind of cluster in the largest account.
  const kinds: [string, number][] = [
    ['one node group', 0],
    ['two node groups', 3],
    ['node group + Fargate', 5],
  ];
  const vpcRows: string[][] = [];
  for (const [kind, index] of kinds) {
    const cluster = largest.account.eks.clusters[index];
    if (!cluster) continue;
    const vpcId = String((cluster.resourcesVpcConfig as Json).vpcId);
    const run = await collect(largest.account, pacing, [vpcId]);
    const inVpc = run.minimum.byAction['eks:DescribeCluster'] ?? 0;
    vpcRows.push([
      `${vpcId} (${kind})`,
      String(inVpc),
      int(run.calls),
      int(run.minimum.total),
      String(15 + inVpc),
      fmt(run.wallMs / 1000, 2),
      String(run.failures.length),
      excess(run).join(', ') || '-',
    ]);
    for (const failure of run.failures) console.log(`VPC ${vpcId}, FAILURE: ${failure}`);
  }
  console.log(`\nVPC-scoped collections in the ${int(largest.account.eks.clusters.length)}-cluster account:`);
  console.log(
    table(
      [
        'VPC',
        'clusters',
        'API calls',
        'minimum (node groups incl.)',
        'issue budget 15+1/cluster',
        'wall s',
        'failures',
        'vs minimum',
      ],
      vpcRows,
    ),
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
