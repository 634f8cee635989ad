import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClients, destroyClients, type ClientOptions } from '../../aws/clients';
import { collectSnapshot, listEnabledRegions } from '../../aws/collect';
import { AwsReadError } from '../../aws/errors';
import { NO_DEFAULT_REGION, parseRegionOption, sdkDefaultRegion, type LiveDeps } from '../../cli/live';
import { REGION_CONCURRENCY, regionErrorText } from '../../cli/live-check';
import { formatSeconds } from '../../cli/progress';
import { loadAwsDeps, run } from '../../cli/main';
import { writeFileAtomically } from '../../cli/snapshot-command';
import { parseSnapshotText } from '../../snapshot/load';
import {
  accessDenied,
  installFakeAws,
  minimumCalls,
  useFakeCredentials,
  type FakeAwsServer,
} from '../../testkit/fake-aws';
import { emptySnapshot, privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import {
  capturingIo,
  driftedSnapshot,
  expectOneLineError,
  runCli,
  SPEC_REPORT_KEYS,
  TempFiles,
} from './helpers';

/*
 * The live commands run in-process through `run` (commander parsing included) with real SDK
 * clients whose HTTP exchange is answered by testkit/fake-aws.ts: serialization, signing,
 * the reader's pacing and ledger, the collector and error mapping all run for real.
 */

const ACCOUNT = '111122223333';

interface Captured {
  code: number;
  out: string;
  err: string;
}

interface WorldOptions {
  /** The Region the SDK would default to (`--region all`); undefined = none configured. */
  home?: string;
  /** What DescribeRegions answers. */
  regions?: string[];
  /** IAM actions refused per Region, e.g. { 'eu-central-1': ['ec2:DescribeSubnets'] }. */
  deny?: Record<string, string[]>;
  latencyMs?: number;
  /** Alters what the collector returns (an API shape the schema rejects). */
  alter?: (raw: Record<string, unknown>) => void;
}

/** A fake account across Regions, and what the CLI did with it. */
class World {
  readonly created: ClientOptions[] = [];
  readonly servers: { region: string; server: FakeAwsServer }[] = [];
  destroyed = 0;
  /** Times the CLI loaded its AWS wiring (the SDK, in the binary). */
  loaded = 0;
  defaultRegionAsked: (string | undefined)[] = [];
  private inFlight = 0;
  maxInFlight = 0;

  constructor(
    readonly accounts: Record<string, RawSnapshot>,
    readonly options: WorldOptions = {},
  ) {}

  deps(): LiveDeps {
    return {
      createClients: (options) => {
        this.created.push(options);
        const clients = createClients(options);
        const denied = new Set(this.options.deny?.[options.region] ?? []);
        const latency = this.options.latencyMs ?? 0;
        const server = installFakeAws(
          clients,
          this.accounts[options.region] ?? emptySnapshot(options.region),
          {
            inject: (request) => (denied.has(request.action) ? accessDenied(request) : undefined),
            latencyMs: { min: latency, max: latency },
            ...(this.options.regions ? { regions: this.options.regions } : {}),
          },
        );
        this.servers.push({ region: options.region, server });
        return clients;
      },
      destroyClients: (clients) => {
        this.destroyed += 1;
        destroyClients(clients);
      },
      createHubClients: () => {
        throw new Error('a single-account run creates no hub clients');
      },
      destroyHubClients: () => {},
      collectSnapshot: async (reader, scope) => {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          const raw = await collectSnapshot(reader, scope);
          this.options.alter?.(raw);
          return raw;
        } finally {
          this.inFlight -= 1;
        }
      },
      listEnabledRegions,
      defaultRegion: async (profile) => {
        this.defaultRegionAsked.push(profile);
        return this.options.home;
      },
      clock: () => performance.now(),
    };
  }

  async run(argv: string[]): Promise<Captured> {
    const { io, output } = capturingIo();
    const code = await run(argv, io, async () => {
      this.loaded += 1;
      return this.deps();
    });
    return { code, ...output };
  }

  /** Requests the fake servers of `region` received for `action`. */
  requests(action: string, region?: string): number {
    return this.servers
      .filter((s) => region === undefined || s.region === region)
      .reduce((sum, s) => sum + s.server.get(action).requests, 0);
  }

  totalRequests(region: string): number {
    return this.servers
      .filter((s) => s.region === region)
      .reduce((sum, s) => sum + s.server.totals().requests, 0);
  }
}

function account(region: string, clusters = 2): RawSnapshot {
  return privateClustersSnapshot(clusters, { region, accountId: ACCOUNT }).snapshot;
}

/** prod-0's private endpoint off and prod-1's ecr.dkr endpoint gone (helpers.driftedSnapshot), in `region`. */
function driftedAccount(region = 'eu-west-1'): RawSnapshot {
  const { snapshot } = driftedSnapshot();
  return region === snapshot.region
    ? snapshot
    : JSON.parse(JSON.stringify(snapshot).replaceAll(snapshot.region, region));
}

interface JsonReport {
  schemaVersion: number;
  accountId: string;
  region: string;
  generatedAt: string;
  summary: Record<string, number>;
  findings: { ruleId: string; resourceId: string; clusterArn: string; compliance: string }[];
}

/** A report without its generation time, the one field two runs never share. */
function withoutTime(report: JsonReport): Omit<JsonReport, 'generatedAt'> {
  const { generatedAt, ...rest } = report;
  expect(generatedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  return rest;
}

const files = new TempFiles();
const savedEnv = { ...process.env };
/** The environment every test starts from: fake keys, and profiles `audit` and `china` (AWS's example keys). */
let baseEnv: NodeJS.ProcessEnv;
beforeAll(() => {
  useFakeCredentials();
  const keys =
    'aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n';
  process.env.AWS_SHARED_CREDENTIALS_FILE = files.write('credentials', `[audit]\n${keys}\n[china]\n${keys}`);
  process.env.AWS_CONFIG_FILE = files.write('config', '');
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_REGION;
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  baseEnv = { ...process.env };
});
afterEach(() => {
  process.env = { ...baseEnv };
});

/** A user of --profile: credentials come from the profile alone (the SDK warns when env keys are set too). */
function withoutEnvKeys(): void {
  delete process.env.AWS_ACCESS_KEY_ID;
  delete process.env.AWS_SECRET_ACCESS_KEY;
}
afterAll(() => {
  files.cleanup();
  process.env = savedEnv;
});

describe('snapshot --region R --out FILE', () => {
  it('round trip: the written file checks exactly like check --region on the same account', async () => {
    const world = new World({ 'eu-west-1': driftedAccount() });
    const file = files.path('eu-west-1.json');

    const captured = await world.run(['snapshot', '--region', 'eu-west-1', '--out', file]);
    expect(captured).toMatchObject({ code: 0, out: '' });
    const calls = world.totalRequests('eu-west-1');
    expect(calls).toBe(minimumCalls(driftedAccount()).total);
    expect(captured.err).toMatch(
      new RegExp(
        `^eu-west-1 \\(account ${ACCOUNT}\\): 2 clusters, 2 VPCs, ${calls} API calls, \\d+\\.\\d s; snapshot written to .*eu-west-1\\.json\\n$`,
      ),
    );
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(/^\{\n {2}"schemaVersion": 1,\n/);
    expect(parseSnapshotText(text).eks.clusters.map((c) => c.name)).toEqual(['prod-0', 'prod-1']);

    const offline = await world.run(['check', '--snapshot', file, '--format', 'json']);
    const live = await world.run(['check', '--region', 'eu-west-1', '--format', 'json']);
    expect(offline.code).toBe(1);
    expect(live.code).toBe(1);
    expect(live.err).toBe('');
    const [offlineReport, liveReport] = [offline, live].map((r) => JSON.parse(r.out) as JsonReport);
    expect(withoutTime(liveReport!)).toEqual(withoutTime(offlineReport!));
    expect(liveReport!.findings.filter((f) => f.compliance === 'NON_COMPLIANT').map((f) => f.ruleId)).toEqual(
      ['ENDPOINT_PRIVATE_ACCESS', 'VPC_ENDPOINTS_PRESENT'],
    );

    // The table has no timestamp: a single Region prints exactly what --snapshot prints.
    const offlineTable = await world.run(['check', '--snapshot', file]);
    const liveTable = await world.run(['check', '--region', 'eu-west-1']);
    expect(liveTable.out).toBe(offlineTable.out);
    expect(liveTable.err).toBe('');
  });

  it('--out - writes the snapshot to stdout and the summary to stderr; --profile reaches the clients', async () => {
    withoutEnvKeys();
    const world = new World({ 'cn-north-1': account('cn-north-1', 1) });
    const captured = await world.run([
      'snapshot',
      '--region',
      'cn-north-1',
      '--profile',
      'audit',
      '--out',
      '-',
    ]);
    expect(captured.code).toBe(0);
    const snapshot = parseSnapshotText(captured.out);
    expect(snapshot).toMatchObject({ schemaVersion: 1, accountId: ACCOUNT, region: 'cn-north-1' });
    expect(captured.err).toMatch(
      /^cn-north-1 \(account 111122223333\): 1 cluster, 1 VPC, \d+ API calls, .*standard output\n$/,
    );
    expect(world.created).toEqual([{ region: 'cn-north-1', profile: 'audit' }]);
    expect(world.destroyed).toBe(1);
  });

  it('--vpc-id captures only those VPCs and their clusters', async () => {
    const { snapshot, ids } = privateClustersSnapshot(3, { region: 'eu-west-1', accountId: ACCOUNT });
    const world = new World({ 'eu-west-1': snapshot });
    const captured = await world.run([
      'snapshot',
      '--region',
      'eu-west-1',
      '--out',
      '-',
      '--vpc-id',
      `${ids[2]!.vpcId}, ${ids[0]!.vpcId}`,
      '--vpc-id',
      ids[0]!.vpcId,
    ]);
    expect(captured.code).toBe(0);
    const written = parseSnapshotText(captured.out);
    expect(written.eks.clusters.map((c) => c.name)).toEqual(['prod-0', 'prod-2']);
    expect(written.ec2!.Vpcs!.map((v) => v.VpcId).sort()).toEqual([ids[0]!.vpcId, ids[2]!.vpcId].sort());
    expect(world.requests('eks:ListClusters')).toBe(0);
    expect(captured.err).toMatch(/: 2 clusters, 2 VPCs, /);
  });

  it('an AWS error leaves an existing file untouched and no temporary file behind', async () => {
    const dir = files.path('keep');
    mkdirSync(dir);
    const file = join(dir, 'snap.json');
    writeFileSync(file, 'previous capture\n');
    const world = new World(
      { 'eu-west-1': account('eu-west-1') },
      { deny: { 'eu-west-1': ['ec2:DescribeRouteTables'] } },
    );

    const captured = await world.run(['snapshot', '--region', 'eu-west-1', '--out', file]);
    expectOneLineError(
      { status: captured.code, stdout: captured.out, stderr: captured.err },
      /^private-eks-guard: missing IAM permission ec2:DescribeRouteTables in eu-west-1 \(UnauthorizedOperation: You are not authorized to perform this operation\.\)$/,
    );
    expect(readFileSync(file, 'utf8')).toBe('previous capture\n');
    expect(readdirSync(dir)).toEqual(['snap.json']);
  });

  it('a successful write replaces the file and leaves nothing else in the folder', async () => {
    const dir = files.path('replace');
    mkdirSync(dir);
    const file = join(dir, 'snap.json');
    writeFileSync(file, 'old');
    const world = new World({ 'eu-west-1': account('eu-west-1', 1) });
    expect((await world.run(['snapshot', '--region', 'eu-west-1', '--out', file])).code).toBe(0);
    expect(readdirSync(dir)).toEqual(['snap.json']);
    expect(parseSnapshotText(readFileSync(file, 'utf8')).eks.clusters).toHaveLength(1);
  });

  it('refuses an output folder that does not exist before loading the AWS SDK', async () => {
    const world = new World({ 'eu-west-1': account('eu-west-1') });
    const captured = await world.run([
      'snapshot',
      '--region',
      'eu-west-1',
      '--out',
      files.path('no/such/dir/s.json'),
    ]);
    expectOneLineError(
      { status: captured.code, stdout: captured.out, stderr: captured.err },
      /cannot write snapshot .*s\.json: no such directory/,
    );
    expect(world.loaded).toBe(0);
  });

  it('never writes a snapshot its own check would reject', async () => {
    const world = new World(
      { 'eu-west-1': account('eu-west-1') },
      {
        alter: (raw) => {
          const subnets = (raw.ec2 as { Subnets: Record<string, unknown>[] }).Subnets;
          subnets[1]!.CidrBlock = 'not-a-cidr';
        },
      },
    );
    const file = files.path('rejected.json');
    const captured = await world.run(['snapshot', '--region', 'eu-west-1', '--out', file]);
    expectOneLineError(
      { status: captured.code, stdout: captured.out, stderr: captured.err },
      /the snapshot collected in eu-west-1: ec2\.Subnets\[1\]\.CidrBlock: expected a CIDR block \(please report this/,
    );
    expect(existsSync(file)).toBe(false);
  });

  it('lists each problem of a collected snapshot its own check rejects, one per line', async () => {
    const world = new World(
      { 'eu-west-1': account('eu-west-1') },
      {
        alter: (raw) => {
          const subnets = (raw.ec2 as { Subnets: Record<string, unknown>[] }).Subnets;
          subnets[0]!.CidrBlock = 'not-a-cidr';
          subnets[1]!.CidrBlock = 'nor-this';
        },
      },
    );
    const captured = await world.run(['snapshot', '--region', 'eu-west-1', '--out', files.path('two.json')]);
    expect(captured.code).toBe(2);
    const lines = captured.err.trimEnd().split('\n');
    expect(lines[0]).toMatch(/the snapshot collected in eu-west-1 \(please report this.*\): 2 problems/);
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^ {2}ec2\.Subnets\[0\]\.CidrBlock: expected a CIDR block/),
      expect.stringMatching(/^ {2}ec2\.Subnets\[1\]\.CidrBlock: expected a CIDR block/),
    ]);
  });

  it('refuses an --out that is a directory before loading the AWS SDK', async () => {
    const world = new World({});
    const captured = await world.run(['snapshot', '--region', 'eu-west-1', '--out', files.path('')]);
    expectOneLineError(
      { status: captured.code, stdout: captured.out, stderr: captured.err },
      /cannot write snapshot .*: it is a directory$/,
    );
    expect(world.loaded).toBe(0);
  });

  it('writeFileAtomically removes its temporary file when the rename fails', () => {
    const dir = files.path('atomic');
    mkdirSync(join(dir, 'target'), { recursive: true });
    writeFileSync(join(dir, 'target', 'inside'), 'x');
    expect(() => writeFileAtomically(join(dir, 'target'), '{}\n')).toThrow(
      /cannot write snapshot .*target: /,
    );
    expect(readdirSync(dir)).toEqual(['target']);
    expect(readdirSync(join(dir, 'target'))).toEqual(['inside']);
  });

  it.each([
    { argv: ['--region', 'eu-west-1,us-east-1'], message: /snapshot takes one Region/ },
    { argv: ['--region', 'all'], message: /snapshot takes one Region/ },
    { argv: ['--region', 'eu-west'], message: /--region "eu-west" is not a Region name/ },
    {
      argv: ['--region', 'eu-west-1', '--vpc-id', 'subnet-0abc'],
      message: /--vpc-id "subnet-0abc" is not a VPC id/,
    },
    { argv: ['--region', 'eu-west-1', '--vpc-id', ' , '], message: /--vpc-id: no VPC id given/ },
  ])('usage error before the AWS SDK is even loaded: $argv', async ({ argv, message }) => {
    const world = new World({});
    const captured = await world.run(['snapshot', ...argv, '--out', files.path('never.json')]);
    expectOneLineError({ status: captured.code, stdout: captured.out, stderr: captured.err }, message);
    expect(world.loaded).toBe(0);
  });
});

describe('check --region: several Regions', () => {
  it('json: an array of SPEC §5 documents in the order named; progress on stderr only; exit 1 on a violation', async () => {
    const world = new World({ 'us-east-1': account('us-east-1'), 'eu-west-1': driftedAccount('eu-west-1') });
    const captured = await world.run(['check', '--region', 'us-east-1,eu-west-1', '--format', 'json']);
    expect(captured.code).toBe(1);
    const reports = JSON.parse(captured.out) as JsonReport[];
    expect(reports.map((r) => [r.region, r.accountId, r.summary.NON_COMPLIANT])).toEqual([
      ['us-east-1', ACCOUNT, 0],
      ['eu-west-1', ACCOUNT, 2],
    ]);
    for (const report of reports) {
      expect(Object.keys(report)).toEqual(SPEC_REPORT_KEYS);
      expect(report.findings).toHaveLength(32);
    }
    const progress = captured.err.trimEnd().split('\n');
    expect(progress).toHaveLength(2);
    for (const [i, line] of progress.entries()) {
      expect(line).toMatch(
        new RegExp(`^\\[${i + 1}/2\\] (us-east-1|eu-west-1): 2 clusters, \\d+ API calls, \\d+\\.\\d s$`),
      );
    }
    const eu = progress.find((line) => line.includes('eu-west-1'))!;
    expect(eu).toContain(`${world.totalRequests('eu-west-1')} API calls`);
    expect(captured.out).not.toContain('[1/2]');
  });

  it('exits 0 when every Region is compliant; table and markdown print one section per Region', async () => {
    const world = new World({
      'eu-west-1': account('eu-west-1'),
      'ap-southeast-1': account('ap-southeast-1', 1),
    });
    const table = await world.run(['check', '--region', 'eu-west-1,ap-southeast-1']);
    expect(table.code).toBe(0);
    const headers = table.out.split('\n').filter((line) => line.startsWith('Account '));
    expect(headers).toEqual([
      `Account ${ACCOUNT}, Region eu-west-1: 2 clusters, 16 rules`,
      `Account ${ACCOUNT}, Region ap-southeast-1: 1 cluster, 16 rules`,
    ]);
    const markdown = await world.run([
      'check',
      '--region',
      'eu-west-1,ap-southeast-1',
      '--format',
      'markdown',
    ]);
    expect(markdown.code).toBe(0);
    expect(markdown.out.match(/^Account `\d+`, Region `[a-z0-9-]+`/gm)).toEqual([
      `Account \`${ACCOUNT}\`, Region \`eu-west-1\``,
      `Account \`${ACCOUNT}\`, Region \`ap-southeast-1\``,
    ]);
  });

  it('one Region denied: exit 2 naming the permission and Region, the other Regions still printed', async () => {
    const world = new World(
      {
        'eu-west-1': driftedAccount('eu-west-1'),
        'eu-central-1': account('eu-central-1'),
        'us-east-1': account('us-east-1'),
      },
      { deny: { 'eu-central-1': ['ec2:DescribeSubnets'] } },
    );
    const captured = await world.run([
      'check',
      '--region',
      'eu-west-1,eu-central-1,us-east-1',
      '--format',
      'json',
    ]);
    expect(captured.code).toBe(2);
    const reports = JSON.parse(captured.out) as JsonReport[];
    expect(reports.map((r) => r.region)).toEqual(['eu-west-1', 'us-east-1']);
    const lines = captured.err.trimEnd().split('\n');
    expect(lines.filter((line) => /^\[\d\/3\] /.test(line))).toHaveLength(3);
    expect(lines).toContainEqual(
      expect.stringMatching(/^\[\d\/3\] eu-central-1: failed after \d+ API calls?, \d+\.\d s/),
    );
    expect(lines.at(-1)).toBe(
      'private-eks-guard: missing IAM permission ec2:DescribeSubnets in eu-central-1 (UnauthorizedOperation: You are not authorized to perform this operation.)',
    );
    expect(lines.filter((line) => line.startsWith('private-eks-guard:'))).toHaveLength(1);
  });

  it('a single Region that fails is one error line and nothing on stdout, like any other error', async () => {
    const world = new World(
      { 'eu-west-1': account('eu-west-1') },
      { deny: { 'eu-west-1': ['eks:ListClusters'] } },
    );
    const captured = await world.run(['check', '--region', 'eu-west-1', '--format', 'json']);
    expectOneLineError(
      { status: captured.code, stdout: captured.out, stderr: captured.err },
      /^private-eks-guard: missing IAM permission eks:ListClusters in eu-west-1 \(AccessDeniedException: User: /,
    );
  });

  it(`runs at most ${REGION_CONCURRENCY} Regions at once, and really runs them concurrently`, async () => {
    const regions = ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'us-east-1', 'us-east-2'];
    const world = new World(Object.fromEntries(regions.map((r) => [r, account(r, 1)])), { latencyMs: 5 });
    const captured = await world.run(['check', '--region', regions.join(','), '--format', 'json']);
    expect(captured.code).toBe(0);
    expect((JSON.parse(captured.out) as JsonReport[]).map((r) => r.region)).toEqual(regions);
    expect(world.maxInFlight).toBe(REGION_CONCURRENCY);
    expect(world.destroyed).toBe(regions.length);
  });

  it('--debug prints each Region’s call ledger on stderr, never on stdout', async () => {
    const world = new World({ 'eu-west-1': account('eu-west-1', 1) });
    const captured = await world.run(['check', '--region', 'eu-west-1', '--format', 'json', '--debug']);
    expect(captured.code).toBe(0);
    expect(JSON.parse(captured.out)).toMatchObject({ region: 'eu-west-1' });
    const [header, ...json] = captured.err.trimEnd().split('\n');
    expect(header).toMatch(/^call ledger for eu-west-1: \d+ calls, \d+ attempts$/);
    const ledger = JSON.parse(json.join('\n')) as Record<string, { calls: number; attempts: number }>;
    expect(ledger['ec2:DescribeSubnets']).toMatchObject({ calls: 1, attempts: 1 });
    expect(ledger['eks:DescribeCluster']).toMatchObject({ calls: 1 });
    expect(Object.values(ledger).reduce((sum, e) => sum + e.calls, 0)).toBe(world.totalRequests('eu-west-1'));
  });
});

describe('check --region all', () => {
  it('lists enabled Regions with ec2:DescribeRegions in the default Region (China: aws-cn ARNs)', async () => {
    const world = new World(
      { 'cn-north-1': account('cn-north-1', 1), 'cn-northwest-1': account('cn-northwest-1', 1) },
      { home: 'cn-north-1', regions: ['cn-northwest-1', 'cn-north-1'] },
    );
    withoutEnvKeys();
    const captured = await world.run(['check', '--region', 'all', '--profile', 'china', '--format', 'json']);
    expect(captured.code).toBe(0);
    expect(world.defaultRegionAsked).toEqual(['china']);
    expect(world.requests('ec2:DescribeRegions')).toBe(1);
    expect(world.requests('ec2:DescribeRegions', 'cn-north-1')).toBe(1);
    expect(world.created.every((options) => options.profile === 'china')).toBe(true);
    const reports = JSON.parse(captured.out) as JsonReport[];
    expect(reports.map((r) => r.region)).toEqual(['cn-north-1', 'cn-northwest-1']);
    for (const report of reports) {
      for (const finding of report.findings) {
        expect(finding.clusterArn).toMatch(
          new RegExp(`^arn:aws-cn:eks:${report.region}:${ACCOUNT}:cluster/prod-0$`),
        );
      }
    }
    const lines = captured.err.trimEnd().split('\n');
    expect(lines[0]).toBe('checking 2 enabled Regions (listed by ec2:DescribeRegions in cn-north-1)');
    const progress = lines.slice(1);
    expect(progress).toHaveLength(2);
    for (const [i, line] of progress.entries()) {
      expect(line).toMatch(new RegExp(`^\\[${i + 1}/2\\] cn-north(west)?-1: 1 cluster, \\d+ API calls, `));
    }
    expect(progress.map((line) => line.split(' ')[1]).sort()).toEqual(['cn-north-1:', 'cn-northwest-1:']);
  });

  it('without a default Region: exit 2 with the reason, and no AWS call', async () => {
    const world = new World({});
    const captured = await world.run(['check', '--region', 'all']);
    expectOneLineError(
      { status: captured.code, stdout: captured.out, stderr: captured.err },
      NO_DEFAULT_REGION,
    );
    expect(world.created).toEqual([]);
  });

  it('DescribeRegions denied: exit 2 naming ec2:DescribeRegions', async () => {
    const world = new World(
      {},
      { home: 'us-gov-west-1', deny: { 'us-gov-west-1': ['ec2:DescribeRegions'] } },
    );
    const captured = await world.run(['check', '--region', 'all', '--format', 'json']);
    expectOneLineError(
      { status: captured.code, stdout: captured.out, stderr: captured.err },
      /missing IAM permission ec2:DescribeRegions in us-gov-west-1/,
    );
  });
});

describe('check: option combinations', () => {
  it.each([
    {
      argv: ['--region', 'eu-west-1', '--snapshot', 'x.json'],
      message: /give either --snapshot FILE or --region REGION, not both/,
    },
    { argv: ['--region', 'all,eu-west-1'], message: /--region all cannot be combined/ },
    { argv: ['--region', ','], message: /--region: no Region given/ },
    { argv: ['--region', 'EU-WEST-1;rm'], message: /--region "eu-west-1;rm" is not a Region name/ },
    { argv: ['--snapshot', 'x.json', '--profile', 'p'], message: /--profile applies to live checks/ },
    { argv: ['--region', 'eu-west-1', '--param', 'egressMode=sometimes'], message: /egressMode/ },
  ])('$argv → exit 2 before the AWS SDK is even loaded', async ({ argv, message }) => {
    const world = new World({ 'eu-west-1': account('eu-west-1') });
    const captured = await world.run(['check', ...argv]);
    expectOneLineError({ status: captured.code, stdout: captured.out, stderr: captured.err }, message);
    expect(world.loaded).toBe(0);
  });

  it('the binary rejects --snapshot with --region in one line (spawned)', () => {
    expectOneLineError(
      runCli(['check', '--snapshot', 'examples/compliant-private-cluster.json', '--region', 'eu-west-1']),
      /not both/,
    );
  });

  it('the binary asks for --out (spawned)', () => {
    expectOneLineError(
      runCli(['snapshot', '--region', 'eu-west-1']),
      /required option '--out <file>' not specified/,
    );
  });
});

describe('default Region (the production wiring)', () => {
  const configFile = () =>
    files.write('aws-config', '[default]\nregion = eu-west-3\n\n[profile gov]\nregion = us-gov-east-1\n');

  it.each([
    { env: { AWS_REGION: 'cn-northwest-1' }, profile: undefined, region: 'cn-northwest-1' },
    { env: {}, profile: undefined, region: 'eu-west-3' },
    { env: {}, profile: 'gov', region: 'us-gov-east-1' },
    { env: {}, profile: 'no-such-profile', region: undefined },
  ])('profile $profile with $env → $region', async ({ env, profile, region }) => {
    process.env.AWS_CONFIG_FILE = configFile();
    Object.assign(process.env, env);
    const deps = await loadAwsDeps();
    expect(await deps.defaultRegion(profile)).toBe(region);
  });

  it('sdkDefaultRegion reports a broken configuration rather than guessing, and always destroys the client', async () => {
    let destroyed = 0;
    const client = (region: () => Promise<string>) => ({
      config: { region },
      destroy: () => void destroyed++,
    });
    await expect(sdkDefaultRegion(client(async () => 'eu-west-1'))).resolves.toBe('eu-west-1');
    await expect(
      sdkDefaultRegion(client(() => Promise.reject(new Error('Region is missing')))),
    ).resolves.toBeUndefined();
    await expect(sdkDefaultRegion(client(() => Promise.reject(new Error('bad ini line 3'))))).rejects.toThrow(
      'cannot read the default Region: bad ini line 3',
    );
    expect(destroyed).toBe(3);
  });
});

describe('small pieces', () => {
  it.each([
    { text: 'eu-west-1', regions: ['eu-west-1'] },
    { text: ' us-east-1 , EU-WEST-1,us-east-1,', regions: ['us-east-1', 'eu-west-1'] },
    { text: 'cn-north-1,cn-northwest-1', regions: ['cn-north-1', 'cn-northwest-1'] },
    { text: 'us-gov-west-1,us-isob-east-1', regions: ['us-gov-west-1', 'us-isob-east-1'] },
    { text: 'ALL', regions: 'all' },
  ])('--region $text → $regions (order kept, each once)', ({ text, regions }) => {
    expect(parseRegionOption(text)).toEqual(regions);
  });

  it.each([
    {
      name: 'an AWS error already naming the Region is left as it is',
      error: new AwsReadError(
        'missing IAM permission ec2:DescribeVpcs in us-east-1 (UnauthorizedOperation)',
        'ec2:DescribeVpcs',
        'UnauthorizedOperation',
      ),
      region: 'us-east-1',
      text: 'private-eks-guard: missing IAM permission ec2:DescribeVpcs in us-east-1 (UnauthorizedOperation)\n',
    },
    {
      name: 'a message naming another Region that merely starts the same gets the Region',
      error: new AwsReadError('ec2:DescribeVpcs failed in us-east-10 (Oops)', 'ec2:DescribeVpcs', 'Oops'),
      region: 'us-east-1',
      text: 'private-eks-guard: us-east-1: ec2:DescribeVpcs failed in us-east-10 (Oops)\n',
    },
    {
      name: 'a bug is labelled internal and names the Region',
      error: new TypeError('boom'),
      region: 'eu-west-1',
      text: 'private-eks-guard: eu-west-1: internal error: boom (run with --debug for the stack trace)\n',
    },
  ])('regionErrorText: $name', ({ error, region, text }) => {
    expect(regionErrorText(region, error, false)).toBe(text);
  });

  it.each([
    { ms: 0, text: '0.0 s' },
    { ms: 2149, text: '2.1 s' },
    { ms: 61_000, text: '61.0 s' },
    { ms: -3, text: '0.0 s' },
  ])('formatSeconds($ms) = $text', ({ ms, text }) => {
    expect(formatSeconds(ms)).toBe(text);
  });
});
