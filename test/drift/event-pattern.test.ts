import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DRIFT_EVENT_NAMES, DRIFT_EVENT_PATTERN, isDriftEventName } from '../../drift/event-pattern';
import { compileEventPattern } from '../../testkit/event-pattern-matcher';

const EVENTS_DIR = join(__dirname, '..', '..', 'events');
const SAMPLE_FILE = /^cloudtrail-([A-Za-z]+)\.json$/;
const FAILED_FILE = 'cloudtrail-failed-AuthorizeSecurityGroupIngress.json';

function load(file: string): Record<string, unknown> & { detail: Record<string, unknown> } {
  return JSON.parse(readFileSync(join(EVENTS_DIR, file), 'utf8'));
}

const sampleFiles = readdirSync(EVENTS_DIR).filter((f) => SAMPLE_FILE.test(f));
const pattern = compileEventPattern(DRIFT_EVENT_PATTERN);

describe('DRIFT_EVENT_PATTERN', () => {
  test('lists the 25 SPEC §8 event names once each', () => {
    expect(DRIFT_EVENT_NAMES).toHaveLength(25);
    expect(new Set(DRIFT_EVENT_NAMES).size).toBe(25);
    expect(DRIFT_EVENT_PATTERN.detail.eventName).toEqual([...DRIFT_EVENT_NAMES]);
  });

  test('every event name has a sample file, and every sample file is a listed event name', () => {
    const sampled = sampleFiles.map((f) => SAMPLE_FILE.exec(f)?.[1]).sort();
    expect(sampled).toEqual([...DRIFT_EVENT_NAMES].sort());
  });

  test.each(sampleFiles)('matches %s', (file) => {
    const event = load(file);
    expect(event.detail.eventName).toBe(SAMPLE_FILE.exec(file)?.[1]);
    expect(pattern.matches(event)).toBe(true);
  });

  test('does not match the failed call', () => {
    const failed = load(FAILED_FILE);
    expect(failed.detail.errorCode).toBe('Client.UnauthorizedOperation');
    expect(pattern.matches(failed)).toBe(false);
    // Only the error code keeps it out: the same call without it matches.
    const succeeded = { ...failed.detail };
    delete succeeded.errorCode;
    delete succeeded.errorMessage;
    expect(pattern.matches({ ...failed, detail: succeeded })).toBe(true);
  });

  const base = load('cloudtrail-CreateRoute.json');
  test.each<[string, Record<string, unknown>]>([
    ['a read-only call', { ...base, detail: { ...base.detail, eventName: 'DescribeRouteTables' } }],
    [
      'another service',
      { ...base, source: 'aws.s3', detail: { ...base.detail, eventSource: 's3.amazonaws.com' } },
    ],
    ['a non-CloudTrail detail-type', { ...base, 'detail-type': 'EC2 Instance State-change Notification' }],
    ['an event name in the wrong case', { ...base, detail: { ...base.detail, eventName: 'createroute' } }],
  ])('does not match %s', (_name, event) => {
    expect(pattern.matches(event)).toBe(false);
  });

  test('isDriftEventName', () => {
    expect(isDriftEventName('CreateRoute')).toBe(true);
    expect(isDriftEventName('CreateVpc')).toBe(false);
    expect(isDriftEventName(42)).toBe(false);
  });
});

describe('sample events look like EventBridge CloudTrail events', () => {
  test.each([...sampleFiles, FAILED_FILE])('%s', (file) => {
    const event = load(file);
    const detail = event.detail;
    expect(event).toMatchObject({
      version: '0',
      account: '111122223333',
      region: 'eu-west-1',
      resources: [],
    });
    expect(event.source).toBe(detail.eventSource === 'eks.amazonaws.com' ? 'aws.eks' : 'aws.ec2');
    expect(detail).toMatchObject({
      awsRegion: 'eu-west-1',
      readOnly: false,
      eventType: 'AwsApiCall',
      managementEvent: true,
      recipientAccountId: '111122223333',
      userIdentity: { accountId: '111122223333' },
    });
    for (const key of ['eventVersion', 'eventTime', 'sourceIPAddress', 'userAgent', 'requestID', 'eventID']) {
      expect(typeof detail[key]).toBe('string');
    }
    expect(detail).toHaveProperty('requestParameters');
    expect(detail).toHaveProperty('responseElements');
    expect((detail.userIdentity as { arn?: unknown }).arn).toMatch(/^arn:aws:(iam|sts)::111122223333:/);
    expect(event.time).toBe(detail.eventTime);
  });

  test('event ids are unique across samples', () => {
    const ids = [...sampleFiles, FAILED_FILE].map((f) => load(f).detail.eventID);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
