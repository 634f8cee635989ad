/**
 * securityhub/update-workflow.ts: BatchUpdateFindings with Workflow.Status alone, at most 100 findings a call, and
 * UnprocessedFindings (or a finding the answer does not account for) as errors naming them — response shapes of the
 * API reference (ProcessedFindings[Id, ProductArn], UnprocessedFindings[FindingIdentifier, ErrorCode, ErrorMessage]).
 * Then the real client over the wire: the request Security Hub receives, and an answer it parses.
 */
import {
  BatchUpdateFindingsCommand,
  BatchUpdateFindingsRequest$,
  SecurityHubClient,
  type AwsSecurityFindingIdentifier,
  type BatchUpdateFindingsCommandOutput,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import { asffFindingId, productArn } from '../../securityhub/asff';
import {
  MAX_IDENTIFIERS_PER_UPDATE,
  SecurityHubWorkflowError,
  setWorkflowStatus,
} from '../../securityhub/update-workflow';
import { startLoopbackServer, type LoopbackServer } from '../../testkit/loopback-server';
import { modelProblems } from './asff-model';

const REGION = 'eu-west-1';
const ACCOUNT = '111122223333';
const PRODUCT = productArn('aws', REGION, ACCOUNT);
const securityHub = mockClient(SecurityHubClient);

beforeEach(() => securityHub.reset());

function identifiers(count: number): AwsSecurityFindingIdentifier[] {
  return Array.from({ length: count }, (_, i) => ({
    Id: asffFindingId(ACCOUNT, REGION, `cluster-${i}`, 'VPC_ENDPOINTS_PRESENT'),
    ProductArn: PRODUCT,
  }));
}

/** BatchUpdateFindings' answer: each identifier processed unless `unprocessed` names it (ErrorCode, ErrorMessage). */
function answer(
  batch: AwsSecurityFindingIdentifier[],
  unprocessed: Record<string, [string, string]> = {},
): BatchUpdateFindingsCommandOutput {
  return {
    $metadata: { httpStatusCode: 200 },
    ProcessedFindings: batch.filter((f) => unprocessed[f.Id!] === undefined),
    UnprocessedFindings: batch
      .filter((f) => unprocessed[f.Id!] !== undefined)
      .map((f) => ({
        FindingIdentifier: f,
        ErrorCode: unprocessed[f.Id!]![0],
        ErrorMessage: unprocessed[f.Id!]![1],
      })),
  };
}

const calls = () => securityHub.commandCalls(BatchUpdateFindingsCommand).map((c) => c.args[0].input);

describe('setWorkflowStatus', () => {
  it('sends the identifiers and Workflow.Status alone, valid against the SDK model', async () => {
    securityHub
      .on(BatchUpdateFindingsCommand)
      .callsFake((input: { FindingIdentifiers: AwsSecurityFindingIdentifier[] }) =>
        answer(input.FindingIdentifiers),
      );
    const [one] = identifiers(1);
    await expect(
      setWorkflowStatus(new SecurityHubClient({ region: REGION }), [one!], 'RESOLVED'),
    ).resolves.toEqual({ updated: 1, calls: 1 });
    expect(calls()).toEqual([{ FindingIdentifiers: [one], Workflow: { Status: 'RESOLVED' } }]);
    expect(modelProblems(calls()[0], BatchUpdateFindingsRequest$)).toEqual([]);
  });

  it('updates 250 findings in three calls of at most 100, in order', async () => {
    securityHub
      .on(BatchUpdateFindingsCommand)
      .callsFake((input: { FindingIdentifiers: AwsSecurityFindingIdentifier[] }) =>
        answer(input.FindingIdentifiers),
      );
    const all = identifiers(250);
    await expect(
      setWorkflowStatus(new SecurityHubClient({ region: REGION }), all, 'RESOLVED'),
    ).resolves.toEqual({ updated: 250, calls: 3 });
    expect(calls().map((c) => c.FindingIdentifiers!.length)).toEqual([100, 100, 50]);
    expect(calls().flatMap((c) => c.FindingIdentifiers)).toEqual(all);
    expect(MAX_IDENTIFIERS_PER_UPDATE).toBe(100);
  });

  it('sends nothing for nothing', async () => {
    await expect(
      setWorkflowStatus(new SecurityHubClient({ region: REGION }), [], 'RESOLVED'),
    ).resolves.toEqual({
      updated: 0,
      calls: 0,
    });
    expect(calls()).toEqual([]);
  });

  it('UnprocessedFindings are an error naming each, after every batch was sent', async () => {
    const all = identifiers(150);
    const unprocessed: Record<string, [string, string]> = {
      [all[7]!.Id!]: ['ConcurrentUpdateError', 'Concurrent finding updates detected'],
      [all[130]!.Id!]: ['FindingNotFound', 'Finding Not Found'],
    };
    securityHub
      .on(BatchUpdateFindingsCommand)
      .callsFake((input: { FindingIdentifiers: AwsSecurityFindingIdentifier[] }) =>
        answer(input.FindingIdentifiers, unprocessed),
      );
    const error = (await setWorkflowStatus(new SecurityHubClient({ region: REGION }), all, 'RESOLVED').catch(
      (e: unknown) => e,
    )) as SecurityHubWorkflowError;
    expect(error).toBeInstanceOf(SecurityHubWorkflowError);
    expect(error.message).toBe(
      `Security Hub did not set Workflow.Status RESOLVED on 2 of 150 finding(s): ${all[7]!.Id} ` +
        `(ConcurrentUpdateError: Concurrent finding updates detected); ${all[130]!.Id} (FindingNotFound: Finding ` +
        'Not Found)',
    );
    expect(error.failures.map((f) => f.FindingIdentifier)).toEqual([all[7], all[130]]);
    expect(error.updated).toBe(148);
    expect(calls()).toHaveLength(2);
  });

  it('a finding the answer lists neither as processed nor as unprocessed is not taken as done', async () => {
    const [a, b] = identifiers(2);
    securityHub.on(BatchUpdateFindingsCommand).resolves({ ProcessedFindings: [a!], UnprocessedFindings: [] });
    await expect(
      setWorkflowStatus(new SecurityHubClient({ region: REGION }), [a!, b!], 'RESOLVED'),
    ).rejects.toThrow(
      `did not set Workflow.Status RESOLVED on 1 of 2 finding(s): ${b!.Id} (NotReported: Security Hub listed the ` +
        'finding neither as processed nor as unprocessed)',
    );
  });

  it('an error of the call stops at once and says how far it got', async () => {
    const denied = Object.assign(
      new Error(
        `User: arn:aws:sts::${ACCOUNT}:assumed-role/guard-drift/fn is not authorized to perform: ` +
          'securityhub:BatchUpdateFindings',
      ),
      { name: 'AccessDeniedException' },
    );
    securityHub
      .on(BatchUpdateFindingsCommand)
      .resolvesOnce(answer(identifiers(100)))
      .rejectsOnce(denied);
    const error = (await setWorkflowStatus(
      new SecurityHubClient({ region: REGION }),
      identifiers(300),
      'RESOLVED',
    ).catch((e: unknown) => e)) as SecurityHubWorkflowError;
    expect(error).toBeInstanceOf(SecurityHubWorkflowError);
    expect(error.message).toMatch(
      /^BatchUpdateFindings \(Workflow.Status RESOLVED\) failed after 100 of 300 finding\(s\) were updated: AccessDeniedException: .* not authorized to perform: securityhub:BatchUpdateFindings$/,
    );
    expect(error.failures).toHaveLength(100);
    expect(error.failures[0]).toMatchObject({ ErrorCode: 'NotSent' });
    expect(calls()).toHaveLength(2);
  });
});

describe('over the wire', () => {
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

  it('PATCH /findings/batchupdate with the identifier and the status; a processed answer is success', async () => {
    const [one] = identifiers(1);
    replies = [{ status: 200, body: { ProcessedFindings: [one], UnprocessedFindings: [] } }];
    await expect(setWorkflowStatus(client(), [one!], 'RESOLVED')).resolves.toEqual({ updated: 1, calls: 1 });
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({ method: 'PATCH', path: '/findings/batchupdate' });
    expect(JSON.parse(server.requests[0]!.body)).toEqual({
      FindingIdentifiers: [{ Id: one!.Id, ProductArn: PRODUCT }],
      Workflow: { Status: 'RESOLVED' },
    });
  });

  it('an UnprocessedFindings answer as Security Hub sends it is an error naming the finding', async () => {
    const [one] = identifiers(1);
    replies = [
      {
        status: 200,
        body: {
          ProcessedFindings: [],
          UnprocessedFindings: [
            { FindingIdentifier: one, ErrorCode: 'FindingNotFound', ErrorMessage: 'Finding Not Found' },
          ],
        },
      },
    ];
    await expect(setWorkflowStatus(client(), [one!], 'RESOLVED')).rejects.toThrow(
      `on 1 of 1 finding(s): ${one!.Id} (FindingNotFound: Finding Not Found)`,
    );
  });

  it('retries a throttled call (429 LimitExceededException) and then succeeds', async () => {
    const [one] = identifiers(1);
    replies = [
      {
        status: 429,
        type: 'LimitExceededException',
        body: { Message: 'Rate exceeded', Code: 'LimitExceededException' },
      },
      { status: 200, body: { ProcessedFindings: [one], UnprocessedFindings: [] } },
    ];
    await expect(setWorkflowStatus(client(), [one!], 'RESOLVED')).resolves.toEqual({ updated: 1, calls: 1 });
    expect(server.requests).toHaveLength(2);
  });
});
