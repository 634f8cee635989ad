/**
 * securityhub/import-findings.ts: batches within BatchImportFindings' limits, refused findings as errors that name
 * them (response shapes of the API reference), and the SDK client's own retries over the wire.
 */
import {
  BatchImportFindingsCommand,
  SecurityHubClient,
  type AwsSecurityFinding,
  type BatchImportFindingsCommandOutput,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateSnapshot } from '../../engine/evaluate';
import { parseParams } from '../../engine/params';
import { buildReport } from '../../engine/report';
import { RULES } from '../../rules';
import { asffFindings } from '../../securityhub/asff';
import {
  MAX_CALL_BYTES,
  MAX_FINDINGS_PER_CALL,
  SecurityHubImportError,
  importBatches,
  importFindings,
} from '../../securityhub/import-findings';
import { parseSnapshotText } from '../../snapshot/load';
import { SnapshotView } from '../../snapshot/view';
import { startLoopbackServer, type LoopbackServer } from '../../testkit/loopback-server';

const REGION = 'eu-west-1';
const securityHub = mockClient(SecurityHubClient);

beforeEach(() => securityHub.reset());

/** The drifted example's 80 findings, Ids made unique per copy, as many as `count`. */
function findings(count: number): AwsSecurityFinding[] {
  const file = join(__dirname, '..', '..', 'examples', 'drifted-account.json');
  const view = new SnapshotView(parseSnapshotText(readFileSync(file, 'utf8'), file));
  const report = buildReport(
    view,
    evaluateSnapshot(view, RULES, parseParams({})),
    new Date('2030-01-01T00:00:00Z'),
  );
  const one = asffFindings(report, RULES);
  return Array.from({ length: count }, (_, i) => ({
    ...one[i % one.length]!,
    Id: `${one[i % one.length]!.Id}#${i}`,
  }));
}

/** BatchImportFindings' response (API reference: FailedCount, SuccessCount, FailedFindings[Id, ErrorCode, ErrorMessage]). */
function answer(batch: AwsSecurityFinding[], refused: Record<string, [string, string]> = {}) {
  const failed = batch.filter((f) => refused[f.Id!] !== undefined);
  return {
    $metadata: { httpStatusCode: 200 },
    FailedCount: failed.length,
    SuccessCount: batch.length - failed.length,
    FailedFindings: failed.map((f) => ({
      Id: f.Id!,
      ErrorCode: refused[f.Id!]![0],
      ErrorMessage: refused[f.Id!]![1],
    })),
  } satisfies BatchImportFindingsCommandOutput;
}

const sent = () =>
  securityHub.commandCalls(BatchImportFindingsCommand).map((c) => c.args[0].input.Findings ?? []);

describe('importBatches', () => {
  it('slices 250 findings into 100, 100 and 50, in order', () => {
    const all = findings(250);
    const batches = importBatches(all);
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(all);
  });

  it('keeps each call under 6 MB however few findings that is', () => {
    const big = findings(40).map((f) => ({ ...f, Description: 'd'.repeat(200_000) }));
    const batches = importBatches(big);
    expect(batches.length).toBeGreaterThan(1);
    for (const batch of batches) {
      expect(Buffer.byteLength(JSON.stringify(batch))).toBeLessThanOrEqual(MAX_CALL_BYTES);
      expect(batch.length).toBeLessThanOrEqual(MAX_FINDINGS_PER_CALL);
    }
    expect(batches.flat()).toEqual(big);
  });

  it('sends nothing for nothing', () => {
    expect(importBatches([])).toEqual([]);
  });
});

describe('importFindings', () => {
  it('imports 250 findings in three calls of at most 100', async () => {
    securityHub
      .on(BatchImportFindingsCommand)
      .callsFake((input: { Findings: AwsSecurityFinding[] }) => answer(input.Findings));
    const all = findings(250);
    await expect(importFindings(new SecurityHubClient({ region: REGION }), all)).resolves.toEqual({
      imported: 250,
      calls: 3,
    });
    expect(sent().map((b) => b.length)).toEqual([100, 100, 50]);
    expect(sent().flat()).toEqual(all);
  });

  it('FailedCount > 0 is an error naming each refused finding, after every batch was sent', async () => {
    const all = findings(150);
    const refused: Record<string, [string, string]> = {
      [all[3]!.Id!]: ['InvalidInput', 'Finding does not adhere to Amazon Security Finding Format.'],
      [all[120]!.Id!]: ['InvalidAccess', 'Account 444455556666 is not subscribed to AWS Security Hub'],
    };
    securityHub
      .on(BatchImportFindingsCommand)
      .callsFake((input: { Findings: AwsSecurityFinding[] }) => answer(input.Findings, refused));
    const error = await importFindings(new SecurityHubClient({ region: REGION }), all).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SecurityHubImportError);
    const importError = error as SecurityHubImportError;
    expect(importError.message).toBe(
      `Security Hub refused 2 of 150 finding(s): ${all[3]!.Id} (InvalidInput: Finding does not adhere to Amazon ` +
        `Security Finding Format.); ${all[120]!.Id} (InvalidAccess: Account 444455556666 is not subscribed to AWS ` +
        'Security Hub)',
    );
    expect(importError.failures.map((f) => f.Id)).toEqual([all[3]!.Id, all[120]!.Id]);
    expect(importError.imported).toBe(148);
    expect(sent()).toHaveLength(2);
  });

  it('a FailedCount without FailedFindings is still a failure', async () => {
    securityHub.on(BatchImportFindingsCommand).resolves({ FailedCount: 1, SuccessCount: 0 });
    const [one] = findings(1);
    await expect(importFindings(new SecurityHubClient({ region: REGION }), [one!])).rejects.toThrow(
      /refused 1 of 1 finding\(s\): .*Security Hub reported 1 failed finding\(s\) without naming them/,
    );
  });

  it('a finding over 240 KB is refused before sending, by Id; the others still go', async () => {
    securityHub
      .on(BatchImportFindingsCommand)
      .callsFake((input: { Findings: AwsSecurityFinding[] }) => answer(input.Findings));
    const [small, large] = findings(2);
    const huge = { ...large!, Description: 'd'.repeat(250 * 1024) };
    await expect(importFindings(new SecurityHubClient({ region: REGION }), [small!, huge])).rejects.toThrow(
      new RegExp(`refused 1 of 2 finding\\(s\\): ${huge.Id!.replace(/[#/]/g, '.')} \\(TooLarge: `),
    );
    expect(sent()).toEqual([[small]]);
  });

  it('an error of the call stops at once and says how far it got', async () => {
    const denied = Object.assign(
      new Error('User is not authorized to perform: securityhub:BatchImportFindings'),
      {
        name: 'AccessDeniedException',
      },
    );
    securityHub
      .on(BatchImportFindingsCommand)
      .resolvesOnce(answer(findings(100)))
      .rejectsOnce(denied);
    const error = (await importFindings(new SecurityHubClient({ region: REGION }), findings(300)).catch(
      (e: unknown) => e,
    )) as SecurityHubImportError;
    expect(error).toBeInstanceOf(SecurityHubImportError);
    expect(error.message).toBe(
      'BatchImportFindings failed after 100 of 300 finding(s) were imported: AccessDeniedException: User is not ' +
        'authorized to perform: securityhub:BatchImportFindings',
    );
    expect(error.imported).toBe(100);
    expect(sent()).toHaveLength(2);
  });
});

describe('over the wire: the SDK client retries as it does for every call', () => {
  let server: LoopbackServer;
  let replies: { status: number; type?: string; body: unknown }[];

  beforeAll(async () => {
    server = await startLoopbackServer(() => {
      const next = replies.shift() ?? {
        status: 500,
        type: 'InternalException',
        body: { Message: 'no reply left' },
      };
      return {
        status: next.status,
        headers: {
          'content-type': 'application/json',
          ...(next.type ? { 'x-amzn-errortype': next.type } : {}),
        },
        body: JSON.stringify(next.body),
      };
    });
  });

  afterAll(() => server.close());

  const client = () =>
    new SecurityHubClient({
      region: REGION,
      endpoint: server.url,
      credentials: { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-test-secret' },
    });

  beforeEach(() => {
    // The real client's send: the file's beforeEach (reset) installs aws-sdk-client-mock's again.
    securityHub.restore();
    server.requests.length = 0;
  });

  it('retries a throttled call (429 LimitExceededException) and then succeeds', async () => {
    const [one] = findings(1);
    replies = [
      {
        status: 429,
        type: 'LimitExceededException',
        body: { Message: 'Rate exceeded', Code: 'LimitExceededException' },
      },
      { status: 200, body: { FailedCount: 0, SuccessCount: 1, FailedFindings: [] } },
    ];
    await expect(importFindings(client(), [one!])).resolves.toEqual({ imported: 1, calls: 1 });
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0]).toMatchObject({ method: 'POST', path: '/findings/import' });
    expect(JSON.parse(server.requests[1]!.body)).toEqual({ Findings: [one] });
  });

  it('does not retry a refused request (400 InvalidInputException)', async () => {
    const [one] = findings(1);
    replies = [
      {
        status: 400,
        type: 'InvalidInputException',
        body: { Message: 'Invalid ProductArn', Code: 'InvalidInputException' },
      },
    ];
    await expect(importFindings(client(), [one!])).rejects.toThrow(
      'BatchImportFindings failed after 0 of 1 finding(s) were imported: InvalidInputException: Invalid ProductArn',
    );
    expect(server.requests).toHaveLength(1);
  });
});
