import { DescribeSubnetsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsReadError, toReadError } from '../../aws/errors';
import { AwsReader } from '../../aws/reader';
import { TokenBucket } from '../../aws/token-bucket';

const ec2 = mockClient(EC2Client);
const clients = () => ({
  ec2: new EC2Client({ region: 'cn-north-1' }),
  eks: new EKSClient({ region: 'cn-north-1' }),
  sts: new STSClient({ region: 'cn-north-1' }),
});

beforeEach(() => ec2.reset());

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
