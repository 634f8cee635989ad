/*
 * Organization-run benchmark (issue 12): `node dist/bench/org.bench.js [--accounts 50] [--concurrency N]`.
 *
 * `check --org --region eu-west-1,us-east-1` over a fake organization (testkit/fake-org.ts) of 50
 * ACTIVE accounts (plus a SUSPENDED one it must skip), each Region holding 10 private clusters:
 * real SDK clients, the reader's pacing, 20–50 ms per attempt and AWS's server-side token buckets
 * per account × Region (EC2 100 + 20/s, EKS 10 + 10/s), as bench/collect.bench.ts runs one.
 *
 * It reports:
 * - calls: what the collections' ledgers counted against the floor — the single-account minimum
 *   (testkit/fake-aws.ts minimumCalls) of each account × Region, plus one sts:AssumeRole per account
 *   and the ListAccounts pages (target 1.00×);
 * - wall time against the token-bucket floor of the run: each account × Region's own floor
 *   (bench/floor.ts, the single-collection floor), laid out on the run's concurrency slots in the
 *   order the run starts them (what p-limit does), plus the ListAccounts pages and one AssumeRole
 *   round (target ≤ 1.2×). The floor with every job at once (only the slowest job) is shown too:
 *   the price of bounding the run's sockets and memory.
 *
 * Then the hub sweep's fan-out (drift/organization-sweep.ts): RecheckQueue.enqueueMemberSweeps for 50, 1,000
 * and 5,000 member accounts against an SQS mock that answers each SendMessageBatch after 30 ms. Calls against
 * ceil(members / 10) (target 1.00×) and time against that many round trips (target ≤ 1.2×): the sweep's own
 * invocation grows by one round trip per ten members, and none of the members' checks run in it. The members'
 * checks then run on the drift Lambda, ten at a time; the hour holds 10 × 3,600 s ÷ one job's floor of them.
 */
import os from 'node:os';
import { createClients, destroyClients } from '../aws/clients';
import { collectSnapshot, listEnabledRegions } from '../aws/collect';
import { createHubClients, destroyHubClients } from '../aws/hub-clients';
import { LIST_ACCOUNTS_PAGE } from '../aws/organization';
import type { LiveDeps } from '../cli/live';
import { ACCOUNT_REGION_CONCURRENCY, collectAccounts } from '../cli/org-run';
import { SendMessageBatchCommand, SQSClient, type SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { RecheckQueue } from '../drift/recheck-queue';
import { AWS_BUCKETS, minimumCalls, useFakeCredentials } from '../testkit/fake-aws';
import { FakeOrganization, type FakeMemberAccount } from '../testkit/fake-org';
import { privateClustersSnapshot } from '../testkit/private-cluster';
import { floorSeconds, LATENCY, MEAN_LATENCY_MS } from './floor';
import { formatNumber, table } from './table';

const REGIONS = ['eu-west-1', 'us-east-1'];
const CLUSTERS = 10;
const CALLS_TARGET = 1.0;
const WALL_TARGET = 1.2;
const FAN_OUT_MEMBERS = [50, 1_000, 5_000];
const SQS_ROUND_TRIP_MS = 30;
/** The drift event source mapping's MaximumConcurrency (serverless.yml). */
const DRIFT_QUEUE_CONCURRENCY = 10;

function arg(argv: string[], name: string, fallback: number): number {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? Number(argv[i + 1]) : fallback;
}

/** The makespan of `floors` started in order on `slots` slots, each as soon as one is free. */
function scheduled(floors: readonly number[], slots: number): number {
  const free = new Array<number>(Math.max(1, slots)).fill(0);
  for (const floor of floors) {
    const slot = free.indexOf(Math.min(...free));
    free[slot] = free[slot]! + floor;
  }
  return Math.max(...free);
}

async function main(argv: string[]): Promise<void> {
  const accountsCount = arg(argv, '--accounts', 50);
  const concurrency = arg(argv, '--concurrency', ACCOUNT_REGION_CONCURRENCY);
  useFakeCredentials();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

  const accounts: FakeMemberAccount[] = [];
  for (let i = 0; i < accountsCount; i += 1) {
    const id = String(200000000000 + i * 7919);
    accounts.push({
      id,
      regions: Object.fromEntries(
        REGIONS.map((region) => [
          region,
          privateClustersSnapshot(CLUSTERS, { region, accountId: id }).snapshot,
        ]),
      ),
    });
  }
  accounts.push({ id: '299999999999', state: 'SUSPENDED', regions: {} });
  const org = new FakeOrganization('999988887777', accounts, {
    member: { latencyMs: LATENCY, seed: 42, buckets: AWS_BUCKETS },
  });
  const deps: LiveDeps = {
    createClients: (options) => {
      const clients = createClients(options);
      org.installMember(clients, options.accountId!, options.region);
      return clients;
    },
    destroyClients,
    createHubClients: (options) => {
      const hub = createHubClients(options);
      org.installHub(hub);
      return hub;
    },
    destroyHubClients,
    collectSnapshot,
    listEnabledRegions,
    defaultRegion: async () => REGIONS[0],
    clock: () => performance.now(),
  };
  const quiet = { out: () => {}, err: () => {}, stdoutIsTTY: false, env: {} };

  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs; fake organization: ${accountsCount} ACTIVE accounts (+1 SUSPENDED) × ` +
      `${REGIONS.length} Regions × ${CLUSTERS} clusters, ${LATENCY.min}–${LATENCY.max} ms per attempt, server buckets per ` +
      `account × Region (EC2 100 + 20/s, EKS 10 + 10/s); ${concurrency} account × Region jobs at a time`,
  );
  const start = performance.now();
  const { results, hubLedger } = await collectAccounts(
    { source: 'org', accounts: [], roleName: 'private-eks-guard-reader' },
    deps,
    quiet,
    {
      region: REGIONS.join(','),
      consume: () => true,
      clustersOf: (collected) => collected.snapshot.eks.clusters.length,
      concurrency,
    },
  );
  const wallMs = performance.now() - start;

  const failures = results.filter((result) => !('value' in result)).length;
  const active = accounts.filter((account) => account.state !== 'SUSPENDED');
  const jobFloors: number[] = [];
  let minimum = 0;
  for (const account of active) {
    for (const region of REGIONS) {
      const snapshot = account.regions[region]!;
      const budget = minimumCalls(snapshot);
      minimum += budget.total;
      jobFloors.push(floorSeconds(snapshot, budget).seconds);
    }
  }
  const listPages = Math.ceil(accounts.length / LIST_ACCOUNTS_PAGE);
  const hubCalls = listPages + active.length;
  const callsFloor = minimum + hubCalls;
  const collectionCalls = results.reduce((sum, result) => sum + result.ledger.totalCalls, 0);
  const calls = collectionCalls + hubLedger.totalCalls;
  const hubSeconds = ((listPages + 1) * MEAN_LATENCY_MS) / 1000;
  const floor = scheduled(jobFloors, concurrency) + hubSeconds;
  const unbounded = Math.max(...jobFloors) + hubSeconds;
  const throttled = org.members.reduce((sum, member) => sum + member.server.totals().throttled, 0);

  const callRatio = calls / callsFloor;
  const wallRatio = wallMs / 1000 / floor;
  console.log('');
  console.log(
    table(
      [
        'jobs',
        'API calls',
        'floor',
        'calls/floor',
        'throttled',
        'wall s',
        'floor s',
        'wall/floor',
        'all at once s',
        'failures',
      ],
      [
        [
          String(results.length),
          String(calls),
          `${callsFloor} (${minimum} + ${active.length} AssumeRole + ${listPages} ListAccounts)`,
          formatNumber(callRatio, 2),
          String(throttled),
          formatNumber(wallMs / 1000, 2),
          formatNumber(floor, 2),
          formatNumber(wallRatio, 2),
          formatNumber(unbounded, 2),
          String(failures),
        ],
      ],
    ),
  );
  const met = callRatio <= CALLS_TARGET && wallRatio <= WALL_TARGET && failures === 0;
  console.log(
    `targets: calls/floor <= ${formatNumber(CALLS_TARGET, 2)}, wall/floor <= ${WALL_TARGET}, 0 failures: ${met ? 'met' : 'MISSED'}`,
  );
  const meanJobFloor = jobFloors.reduce((sum, seconds) => sum + seconds, 0) / jobFloors.length;
  await fanOut(meanJobFloor);
}

/** The hub sweep's queueing of its members (see the header), and what the drift side gets through in an hour. */
async function fanOut(meanJobFloorSeconds: number): Promise<void> {
  const sqs = mockClient(SQSClient);
  let calls = 0;
  sqs.on(SendMessageBatchCommand).callsFake(async (input: SendMessageBatchCommandInput) => {
    calls += 1;
    await new Promise((resolve) => setTimeout(resolve, SQS_ROUND_TRIP_MS));
    return {
      Successful: (input.Entries ?? []).map((entry) => ({
        Id: entry.Id,
        MessageId: `m-${calls}-${entry.Id}`,
        MD5OfMessageBody: '',
      })),
      Failed: [],
    };
  });
  const queue = new RecheckQueue(
    new SQSClient({ region: REGIONS[0] }),
    'https://sqs.eu-west-1.amazonaws.com/999988887777/q',
  );
  const rows: string[][] = [];
  let met = true;
  for (const members of FAN_OUT_MEMBERS) {
    calls = 0;
    const ids = Array.from({ length: members }, (_, i) => String(300000000000 + i));
    const start = performance.now();
    const queued = await queue.enqueueMemberSweeps(ids);
    const seconds = (performance.now() - start) / 1000;
    const floorCalls = Math.ceil(members / 10);
    const floor = (floorCalls * SQS_ROUND_TRIP_MS) / 1000;
    const failed = queued.filter((q) => 'error' in q).length;
    const lastDelay = Math.max(...queued.map((q) => ('delaySeconds' in q ? q.delaySeconds : 0)));
    met &&= calls === floorCalls && seconds / floor <= WALL_TARGET && failed === 0;
    rows.push([
      String(members),
      String(calls),
      String(floorCalls),
      formatNumber(calls / floorCalls, 2),
      formatNumber(seconds, 2),
      formatNumber(floor, 2),
      formatNumber(seconds / floor, 2),
      String(lastDelay),
      String(failed),
    ]);
  }
  sqs.restore();
  console.log(
    `\nhub sweep fan-out: one message per member, SendMessageBatch answering after ${SQS_ROUND_TRIP_MS} ms\n` +
      table(
        [
          'members',
          'calls',
          'floor',
          'calls/floor',
          'queue s',
          'floor s',
          'queue/floor',
          'last delay s',
          'failed',
        ],
        rows,
      ),
  );
  console.log(
    `targets: calls/floor 1.00, queue/floor <= ${WALL_TARGET}, 0 failed: ${met ? 'met' : 'MISSED'}; ` +
      `drift then checks ${DRIFT_QUEUE_CONCURRENCY} members at a time: at this run's mean job floor of ` +
      `${formatNumber(meanJobFloorSeconds, 2)} s, ${formatNumber((DRIFT_QUEUE_CONCURRENCY * 3600) / meanJobFloorSeconds, 0)} ` +
      `member × Region checks an hour`,
  );
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
