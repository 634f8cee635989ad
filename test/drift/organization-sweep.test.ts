import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { DescribeConfigRulesCommand } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { AwsReadError } from '../../aws/errors';
import type { HubClients } from '../../aws/hub-clients';
import { listOrganizationAccounts } from '../../aws/organization';
import type { DriftDeps } from '../../drift/drift-deps';
import type { OrganizationSweepOutcome } from '../../drift/organization-sweep';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { driftReports, makeHandler as makeDriftHandler } from '../../functions/drift';
import { makeHandler, sweepReports } from '../../functions/sweep';
import type { DriftOutcome as Outcome } from '../../drift/drift-deps';
import { MemberAccountError, processQueueMessage } from '../../drift/triggers';
import { sample } from '../config-rules/helpers';
import { StateStore } from '../../state/state-store';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';
import { FakeOrganization } from '../../testkit/fake-org';
import { addPrivateCluster, emptySnapshot, type ClusterIds } from '../../testkit/private-cluster';
import { group } from '../../testkit/snapshot-edits';
import {
  QUEUE_URL,
  REGION,
  chatAlerts,
  configMock,
  harness,
  resetMocks,
  sqsMock,
  sqsRecord,
  sweepMessages,
  type Harness,
} from './drift-harness';
import { organizationDeps, type OrganizationDeps } from './organization-harness';

/*
 * The hourly sweep of an Organization hub (`organization: { hub: true }`): the own account as always, then one
 * message on the re-check queue per ACTIVE account organizations:ListAccounts returns (the fake Organization's,
 * paged). The drift Lambda takes each message as a whole-Region check of that member through its member role
 * (testkit/fake-org.ts: a member refuses keys AssumeRole did not issue for it) and under its own state keys.
 */

const HUB = '111122223333';
const B = '222233334444';
const C = '555566667777';
const D = '666677778888';
const E = '777788889999';

let local: LocalDynamo;
let h: Harness;
let deps: DriftDeps;
let org: FakeOrganization;
let hubClients: HubClients;
let bIds: ClusterIds;
let hub: OrganizationDeps;
let assumed: string[];

function snapshotOf(accountId: string) {
  const snapshot = emptySnapshot(REGION, accountId);
  const ids = addPrivateCluster(snapshot, { index: 1, name: 'prod' });
  return { snapshot, ids };
}

beforeAll(async () => {
  local = await startDynalite();
  h = harness(local);
  const own = snapshotOf(HUB);
  h.serve(own.snapshot);
  const b = snapshotOf(B);
  bIds = b.ids;
  // B's endpoint security group lets nothing in: B's prod violates VPC_ENDPOINTS_SECURITY_GROUPS.
  group(b.snapshot, b.ids.endpointSecurityGroupId).IpPermissions = [];
  org = new FakeOrganization(
    HUB,
    [
      // ListAccounts returns the management account too: it is swept as the own account, never through a role.
      { id: HUB, regions: { [REGION]: own.snapshot } },
      { id: B, regions: { [REGION]: b.snapshot } },
      { id: C, denyAssume: true, regions: { [REGION]: snapshotOf(C).snapshot } },
      { id: D, state: 'SUSPENDED', regions: { [REGION]: snapshotOf(D).snapshot } },
      { id: E, regions: { [REGION]: snapshotOf(E).snapshot } },
    ],
    // Two accounts a page, with an empty page first: only an absent NextToken ends the list.
    {
      pageSize: 2,
      emptyFirstPage: true,
      member: { buckets: { ec2: undefined, eks: undefined, sts: undefined } },
    },
  );
  hubClients = {
    organizations: new OrganizationsClient({ region: REGION }),
    sts: new STSClient({ region: REGION }),
  };
  org.installHub(hubClients);
  hub = organizationDeps(h, org, HUB, hubClients.organizations);
  deps = hub.deps;
  assumed = hub.assumed;
});

afterAll(async () => {
  hub.close();
  hubClients.organizations.destroy();
  hubClients.sts.destroy();
  h.close();
  await local.close();
});

beforeEach(() => {
  resetMocks();
  configMock.on(DescribeConfigRulesCommand).resolves({ ConfigRules: [] });
  h.warnings.length = 0;
  h.counts.clear();
  assumed.length = 0;
});

/** The drift Lambda's answer to the queued messages, delivered one record per invocation (batchSize 1). */
async function deliver(bodies: readonly unknown[]): Promise<{ id: string; response: SQSBatchResponse }[]> {
  const drift = makeDriftHandler(deps, REGION);
  const answers = [];
  for (const [index, body] of bodies.entries()) {
    const id = `sweep-${index}`;
    const event: SQSEvent = { Records: [sqsRecord(id, JSON.stringify(body))] };
    answers.push({ id, response: (await drift(event)) as SQSBatchResponse });
  }
  return answers;
}

describe('Organization hub: the hourly sweep queues every ACTIVE member, and drift checks each in its account', () => {
  let outcome: OrganizationSweepOutcome;
  let sweepCounts: Map<string, number>;
  let sweepAssumed: string[];
  let queued: ReturnType<typeof sweepMessages>;
  let delivered: { id: string; response: SQSBatchResponse }[];
  let driftCounts: Map<string, number>;
  let driftWarnings: string[];
  let queueUrls: (string | undefined)[];
  let alertsNamingB: number;

  beforeAll(async () => {
    resetMocks();
    configMock.on(DescribeConfigRulesCommand).resolves({ ConfigRules: [] });
    const sweep = makeHandler(deps, REGION, {
      listAccounts: () => listOrganizationAccounts(hubClients, REGION),
    });
    h.counts.clear();
    assumed.length = 0;
    outcome = (await sweep({ id: 'sweep-1' } as never)) as OrganizationSweepOutcome;
    sweepCounts = new Map(h.counts);
    sweepAssumed = [...assumed];
    queued = sweepMessages();
    queueUrls = sqsMock.commandCalls(SendMessageBatchCommand).map((call) => call.args[0].input.QueueUrl);
    h.counts.clear();
    h.warnings.length = 0;
    delivered = await deliver(queued.map((m) => m.body));
    driftCounts = new Map(h.counts);
    driftWarnings = [...h.warnings];
    alertsNamingB = chatAlerts().filter((a) => JSON.stringify(a.body).includes(B)).length;
  });

  it('sweeps the own account inline and queues B, C and E in ListAccounts order, skipping SUSPENDED D and itself', () => {
    expect(outcome.scope).toBe('region');
    expect(outcome.judgedClusters).toEqual(['prod']);
    expect(outcome.members).toEqual([
      { accountId: B, delaySeconds: 0 },
      { accountId: C, delaySeconds: 1 },
      { accountId: E, delaySeconds: 2 },
    ]);
    expect(outcome.skipped).toEqual([{ accountId: D, state: 'SUSPENDED' }]);
    expect(outcome.listError).toBeUndefined();
    expect(org.hub.listAccounts).toBeGreaterThan(2);
    expect(queued).toEqual([
      { body: { kind: 'sweep', account: B }, delaySeconds: 0, call: 0 },
      { body: { kind: 'sweep', account: C }, delaySeconds: 1, call: 0 },
      { body: { kind: 'sweep', account: E }, delaySeconds: 2, call: 0 },
    ]);
    expect(queueUrls).toEqual([QUEUE_URL]);
  });

  it('the sweep itself enters no member account: no AssumeRole, no member request, nothing counted as failed', () => {
    expect(sweepAssumed).toEqual([]);
    expect(sweepCounts.get('MemberAccountFailures')).toBeUndefined();
    expect(sweepCounts.get('AwsReadErrors')).toBeUndefined();
  });

  it('drift checks B and E through their roles, under their own keys: B’s violation is B’s, the hub’s prod stays compliant', async () => {
    expect(org.requestsOf(B)).toBeGreaterThan(0);
    expect(org.requestsOf(E)).toBeGreaterThan(0);
    expect(org.members.map((m) => m.accountId)).not.toContain(D);
    expect(org.members.map((m) => m.accountId)).not.toContain(HUB);
    const store = h.deps.store as StateStore;
    const inB = store.forScope({ accountId: B, region: REGION });
    expect((await inB.get('prod', 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.compliance).toBe('NON_COMPLIANT');
    expect((await inB.get('prod', 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.lastEventId).toMatch(/^sweep:/);
    expect((await store.get('prod', 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.compliance).toBe('COMPLIANT');
    expect(await store.forScope({ accountId: E, region: REGION }).listClusters()).toEqual(['prod']);
    expect(bIds.name).toBe('prod');
    expect(alertsNamingB).toBeGreaterThan(0);
  });

  it('C, whose role refuses the hub, fails its own record alone: one MemberAccountFailures, no AwsReadErrors', async () => {
    expect(delivered.map((d) => d.response.batchItemFailures)).toEqual([
      [],
      [{ itemIdentifier: 'sweep-1' }],
      [],
    ]);
    expect(driftCounts.get('MemberAccountFailures')).toBe(1);
    expect(driftCounts.get('AwsReadErrors')).toBeUndefined();
    // (Besides: the fake members have no Config rules deployed, which drift notes for B and E.)
    expect(driftWarnings.filter((w) => !w.startsWith('Config rules'))).toEqual([
      'member account check failed',
      're-check message failed',
    ]);
    expect(org.hub.assumeRoleDenied).toBeGreaterThan(0);
    expect(
      await (h.deps.store as StateStore).forScope({ accountId: C, region: REGION }).listClusters(),
    ).toEqual([]);
  });

  it('events/sqs-member-sweep.json is the message the sweep queues, and drift runs it in that account', async () => {
    const event = sample('sqs-member-sweep.json') as unknown as SQSEvent;
    const record = event.Records[0]!;
    expect(JSON.parse(record.body)).toEqual(queued[0]!.body);
    const before = org.requestsOf(B);
    const response = await makeDriftHandler(deps, REGION)(event);
    expect(response).toEqual({ batchItemFailures: [] });
    expect(org.requestsOf(B)).toBeGreaterThan(before);
  });
});

describe('the metrics', () => {
  it('a hub stage’s sweep and drift publish MemberAccountFailures on every invocation, a single-account stage’s never', () => {
    for (const reports of [sweepReports, driftReports]) {
      expect(reports({ ORGANIZATION_HUB: 'true' })).toContain('MemberAccountFailures');
      expect(reports({})).not.toContain('MemberAccountFailures');
      expect(reports({})).toEqual(reports({ ORGANIZATION_HUB: 'true' }).slice(0, -1));
    }
  });
});

describe('failures', () => {
  it('a member SQS would not take (sender’s fault) is a warning and one MemberAccountFailures; the others are queued', async () => {
    sqsMock
      .on(SendMessageBatchCommand)
      .callsFake((input: { Entries: { Id: string; MessageBody: string }[] }) => ({
        Successful: input.Entries.filter((e) => !e.MessageBody.includes(C)).map((e) => ({
          Id: e.Id,
          MessageId: `m-${e.Id}`,
          MD5OfMessageBody: 'not checked here',
        })),
        Failed: input.Entries.filter((e) => e.MessageBody.includes(C)).map((e) => ({
          Id: e.Id,
          SenderFault: true,
          Code: 'InvalidParameterValue',
          Message: 'Value for parameter DelaySeconds is invalid.',
        })),
      }));
    const sweep = makeHandler(deps, REGION, {
      listAccounts: async () => [
        { id: C, state: 'ACTIVE' },
        { id: E, state: 'ACTIVE' },
      ],
    });
    const outcome = (await sweep()) as OrganizationSweepOutcome;
    expect(outcome.members).toEqual([
      { accountId: C, error: 'InvalidParameterValue: Value for parameter DelaySeconds is invalid.' },
      { accountId: E, delaySeconds: 1 },
    ]);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(1);
    expect(h.warnings).toEqual(['member account sweep could not be queued']);
    expect(h.counts.get('MemberAccountFailures')).toBe(1);
    expect(h.counts.get('AwsReadErrors')).toBeUndefined();
  });

  it('a member check that fails for another reason than a read (here a reader that cannot be built) is counted too', async () => {
    const failing: DriftDeps = {
      ...deps,
      readerFor: (account, region) => {
        if (account === E) throw new Error('reader could not be built');
        return deps.readerFor(account, region);
      },
    };
    const error = await makeDriftHandler(
      failing,
      REGION,
    )({
      Records: [sqsRecord('e', JSON.stringify({ kind: 'sweep', account: E }))],
    }).then(
      (response) => response,
      (thrown: unknown) => thrown,
    );
    expect(error).toEqual({ batchItemFailures: [{ itemIdentifier: 'e' }] });
    expect(h.counts.get('MemberAccountFailures')).toBe(1);
    expect(h.counts.get('AwsReadErrors')).toBeUndefined();
  });

  it('a member failure is thrown as a MemberAccountError naming the account, never as the hub’s read failure', async () => {
    const thrown = await processQueueMessage(deps, { kind: 'sweep', account: C }, REGION).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(thrown).toBeInstanceOf(MemberAccountError);
    expect((thrown as MemberAccountError).accountId).toBe(C);
    expect((thrown as Error).message).toMatch(new RegExp(`^account ${C}: .*(AccessDenied|not authorized)`));
    expect((thrown as Error).cause).toBeDefined();
  });

  it('ListAccounts refused: logged and counted as the hub’s own AwsReadErrors, the own account is still swept', async () => {
    const sweep = makeHandler(deps, REGION, {
      // What aws/organization.ts makes of AccessDeniedException (a stage outside the management account).
      listAccounts: async () => {
        throw new AwsReadError(
          'missing IAM permission organizations:ListAccounts in eu-west-1 (AccessDeniedException: You don’t have permissions to access this resource.)',
          'organizations:ListAccounts',
          'AccessDeniedException',
        );
      },
    });
    const outcome = (await sweep()) as OrganizationSweepOutcome;
    expect(outcome.judgedClusters).toEqual(['prod']);
    expect(outcome.members).toEqual([]);
    expect(outcome.listError).toBeDefined();
    expect(h.warnings).toEqual(['organization accounts could not be listed']);
    expect(h.counts.get('AwsReadErrors')).toBe(1);
    expect(h.counts.get('MemberAccountFailures')).toBeUndefined();
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toEqual([]);
    expect(assumed).toEqual([]);
  });

  it('the own account’s failure fails the invocation, after the members were queued', async () => {
    const sweep = makeHandler(
      {
        ...deps,
        readerFor: (account, region) => {
          if (account === undefined) throw new Error('own reader down');
          return deps.readerFor(account, region);
        },
      },
      REGION,
      { listAccounts: async () => [{ id: B, state: 'ACTIVE' }] },
    );
    await expect(sweep()).rejects.toThrow('own reader down');
    expect(sweepMessages().map((m) => m.body)).toEqual([{ kind: 'sweep', account: B }]);
  });

  it('a single-account stage’s sweep (no organization) never lists accounts, queues nor assumes a role', async () => {
    const before = org.hub.listAccounts;
    const outcome: Outcome = await makeHandler({ ...h.deps }, REGION)();
    expect(outcome.judgedClusters).toEqual(['prod']);
    expect(outcome).not.toHaveProperty('members');
    expect(org.hub.listAccounts).toBe(before);
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toEqual([]);
    expect(assumed).toEqual([]);
  });
});
