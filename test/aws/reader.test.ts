import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DescribeInstancesCommand, DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient, ListClustersCommand } from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsReadError, toReadError } from '../../aws/errors';
import { IAM_ACTION_BY_COMMAND, type CommandClass } from '../../aws/operations';
import { COLLECTOR_IAM_ACTIONS } from '../../aws/permissions';
import { AwsReader } from '../../aws/reader';
import { TokenBucket } from '../../aws/token-bucket';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const sts = mockClient(STSClient);
const clients = () => ({
  ec2: new EC2Client({ region: 'cn-north-1' }),
  eks: new EKSClient({ region: 'cn-north-1' }),
  sts: new STSClient({ region: 'cn-north-1' }),
});

beforeEach(() => {
  ec2.reset();
  eks.reset();
  sts.reset();
});

describe('TokenBucket', () => {
  function fakeClock() {
    let now = 0;
    return { now: () => now, sleep: async (ms: number) => void (now += ms) };
  }

  it('serves `capacity` at once, then at the refill rate', async () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(3, 2, clock.now, clock.sleep);
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) waits.push(await bucket.take());
    expect(waits).toEqual([0, 0, 0, 500, 500, 500]);
    expect(clock.now()).toBe(1500);
  });

  it('never holds more than its capacity however long it rests', () => {
    const clock = fakeClock();
    const bucket = new TokenBucket(2, 10, clock.now, clock.sleep);
    void clock.sleep(60_000);
    expect([bucket.tryTake(), bucket.tryTake(), bucket.tryTake()]).toEqual([true, true, false]);
  });
});

describe('AwsReader', () => {
  it('records every call under its IAM action with the SDK attempts', async () => {
    ec2
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [], $metadata: { attempts: 3, totalRetryDelay: 700 } });
    const reader = new AwsReader(clients(), 'cn-north-1', { limits: { ec2: { concurrency: 2 } } });
    await reader.send('ec2', new DescribeSubnetsCommand({}));
    await reader.send('ec2', new DescribeSubnetsCommand({}));
    expect(reader.ledger.toJSON()).toEqual({
      'ec2:DescribeSubnets': {
        calls: 2,
        attempts: 6,
        retryDelayMs: 1400,
        pacedMs: 0,
        elapsedMs: expect.any(Number),
      },
    });
  });

  it('keeps at most `concurrency` calls in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    ec2.on(DescribeSubnetsCommand).callsFake(async () => {
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight--;
      return { Subnets: [] };
    });
    const reader = new AwsReader(clients(), 'cn-north-1', { limits: { ec2: { concurrency: 3 } } });
    await Promise.all(Array.from({ length: 12 }, () => reader.send('ec2', new DescribeSubnetsCommand({}))));
    expect(peak).toBe(3);
    expect(reader.ledger.totalCalls).toBe(12);
  });

  it('counts a failed call and maps its error to one line', async () => {
    ec2
      .on(DescribeSubnetsCommand)
      .rejects(Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded' }));
    const reader = new AwsReader(clients(), 'cn-north-1', { limits: { ec2: { concurrency: 1 } } });
    await expect(reader.send('ec2', new DescribeSubnetsCommand({}))).rejects.toThrow(
      'ec2:DescribeSubnets failed in cn-north-1 (RequestLimitExceeded: Request limit exceeded.)',
    );
    expect(reader.ledger.get('ec2:DescribeSubnets')?.calls).toBe(1);
  });
});

describe('the IAM action of a call', () => {
  it('comes from the command class, not its name (a minified bundle renames every class)', async () => {
    ec2.on(DescribeSubnetsCommand).resolves({ Subnets: [] });
    eks.on(ListClustersCommand).resolves({ clusters: [] });
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333' });
    const original = Object.getOwnPropertyDescriptor(DescribeSubnetsCommand, 'name')!;
    Object.defineProperty(DescribeSubnetsCommand, 'name', { value: 'Zi' });
    try {
      expect(new DescribeSubnetsCommand({}).constructor.name).toBe('Zi');
      const reader = new AwsReader(clients(), 'cn-north-1');
      await reader.send('ec2', new DescribeSubnetsCommand({}));
      await reader.send('eks', new ListClustersCommand({}));
      await reader.send('sts', new GetCallerIdentityCommand({}));
      expect(Object.keys(reader.ledger.toJSON())).toEqual([
        'ec2:DescribeSubnets',
        'eks:ListClusters',
        'sts:GetCallerIdentity',
      ]);
    } finally {
      Object.defineProperty(DescribeSubnetsCommand, 'name', original);
    }
  });

  it('names the action in a denied call', async () => {
    ec2.on(DescribeSubnetsCommand).rejects(
      Object.assign(new Error('You are not authorized to perform this operation.'), {
        name: 'UnauthorizedOperation',
      }),
    );
    const reader = new AwsReader(clients(), 'cn-north-1');
    await expect(reader.send('ec2', new DescribeSubnetsCommand({}))).rejects.toThrow(
      'missing IAM permission ec2:DescribeSubnets in cn-north-1 (UnauthorizedOperation',
    );
  });

  it('rejects a command that is not in the table, before sending anything', async () => {
    ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] });
    const reader = new AwsReader(clients(), 'cn-north-1');
    const sent = reader.send('ec2', new DescribeInstancesCommand({}));
    await expect(sent).rejects.toThrow(
      'AwsReader cannot send DescribeInstancesCommand (ec2): the command is not in aws/operations.ts',
    );
    await expect(sent).rejects.not.toBeInstanceOf(AwsReadError);
    expect(ec2.calls()).toHaveLength(0);
    expect(reader.ledger.totalCalls).toBe(0);
  });

  it('rejects a subclass of a known command: the table is keyed by the exact class', async () => {
    class Wrapped extends DescribeSubnetsCommand {}
    const reader = new AwsReader(clients(), 'cn-north-1');
    await expect(reader.send('ec2', new Wrapped({}))).rejects.toThrow('AwsReader cannot send Wrapped (ec2)');
    expect(ec2.calls()).toHaveLength(0);
  });

  it('rejects a command sent to another service than its own', async () => {
    const reader = new AwsReader(clients(), 'cn-north-1');
    await expect(reader.send('eks', new DescribeSubnetsCommand({}))).rejects.toThrow(
      "AwsReader.send('eks', …) was given ec2:DescribeSubnets, a command of another service",
    );
    expect(ec2.calls()).toHaveLength(0);
    expect(eks.calls()).toHaveLength(0);
    expect(reader.ledger.totalCalls).toBe(0);
  });

  it("matches the SDK's own service and operation name for every command in the table", () => {
    expect(IAM_ACTION_BY_COMMAND.size).toBeGreaterThan(0);
    const mismatches = [...IAM_ACTION_BY_COMMAND].flatMap(([Command, action]) => {
      // An SDK v3 command carries its operation schema: [9, 'com.amazonaws.<service>', '<Operation>', …].
      const schema = new (Command as unknown as new (input: object) => { schema?: unknown[] })({}).schema;
      const fromSdk = `${String(schema?.[1]).replace(/^com\.amazonaws\./, '')}:${String(schema?.[2])}`;
      return fromSdk === action ? [] : [`${Command.name}: table ${action}, SDK ${fromSdk}`];
    });
    expect(mismatches).toEqual([]);
  });

  it('covers every command constructed in a module that reads through AwsReader', () => {
    const repo = join(__dirname, '..', '..');
    const tableNames = new Set([...IAM_ACTION_BY_COMMAND.keys()].map((c: CommandClass) => c.name));
    const missing: string[] = [];
    let readerModules = 0;
    for (const dir of ['aws', 'config-rules', 'drift', 'cli', 'functions', 'lambda', 'alerts', 'state']) {
      for (const file of readdirSync(join(repo, dir), { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts')) continue;
        const source = readFileSync(join(repo, dir, file), 'utf8');
        if (!/\bAwsReader\b/.test(source) || file === 'reader.ts') continue;
        readerModules++;
        for (const [, name] of source.matchAll(/new (\w+Command)\(/g)) {
          if (!tableNames.has(name!)) missing.push(`${dir}/${file}: ${name}`);
        }
      }
    }
    // aws/collect.ts, aws/resource-vpcs.ts, config-rules/scope.ts at least.
    expect(readerModules).toBeGreaterThanOrEqual(3);
    expect(missing).toEqual([]);
  });
});

describe('COLLECTOR_IAM_ACTIONS', () => {
  it('is the sorted set of the actions in the table', () => {
    expect(COLLECTOR_IAM_ACTIONS).toEqual([...new Set(IAM_ACTION_BY_COMMAND.values())].sort());
    expect(new Set(COLLECTOR_IAM_ACTIONS).size).toBe(COLLECTOR_IAM_ACTIONS.length);
  });

  it('is the policy the collector roles are deployed with (a change here is an IAM change)', () => {
    expect(COLLECTOR_IAM_ACTIONS).toEqual([
      'ec2:DescribeDhcpOptions',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribePrefixLists',
      'ec2:DescribeRegions',
      'ec2:DescribeRouteTables',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeSubnets',
      'ec2:DescribeVpcAttribute',
      'ec2:DescribeVpcEndpoints',
      'ec2:DescribeVpcs',
      'ec2:GetManagedPrefixListEntries',
      'eks:DescribeCluster',
      'eks:DescribeFargateProfile',
      'eks:DescribeNodegroup',
      'eks:ListClusters',
      'eks:ListFargateProfiles',
      'eks:ListNodegroups',
      'sts:GetCallerIdentity',
    ]);
  });
});

describe('toReadError', () => {
  it.each([
    {
      name: 'UnauthorizedOperation',
      expected: /^missing IAM permission ec2:DescribeVpcs in us-gov-west-1 \(UnauthorizedOperation/,
    },
    { name: 'AccessDeniedException', expected: /^missing IAM permission ec2:DescribeVpcs/ },
    { name: 'AccessDenied', expected: /^missing IAM permission ec2:DescribeVpcs/ },
    { name: 'CredentialsProviderError', expected: /^no usable AWS credentials for ec2:DescribeVpcs/ },
    { name: 'InternalError', expected: /^ec2:DescribeVpcs failed in us-gov-west-1 \(InternalError/ },
  ])('$name', ({ name, expected }) => {
    const error = toReadError(
      Object.assign(new Error('Something.\nMore'), { name }),
      'ec2:DescribeVpcs',
      'us-gov-west-1',
    );
    expect(error).toBeInstanceOf(AwsReadError);
    expect(error.message).toMatch(expected);
    expect(error.message).not.toContain('\n');
  });
});
