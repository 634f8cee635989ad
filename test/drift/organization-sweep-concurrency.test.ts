import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ConfigServiceClient, DescribeConfigRulesCommand } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { createClients, destroyClients, type AwsClients } from '../../aws/clients';
import type { HubClients } from '../../aws/hub-clients';
import { memberCredentials, type MemberAccessOptions } from '../../aws/member-access';
import { listOrganizationAccounts } from '../../aws/organization';
import { AwsReader } from '../../aws/reader';
import type { DriftDeps } from '../../drift/drift-deps';
import { MEMBER_SWEEP_CONCURRENCY, type OrganizationSweepOutcome } from '../../drift/organization-sweep';
import { makeHandler } from '../../functions/sweep';
import { StateStore } from '../../state/state-store';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';
import { FakeOrganization } from '../../testkit/fake-org';
import { addPrivateCluster, emptySnapshot } from '../../testkit/private-cluster';
import { group } from '../../testkit/snapshot-edits';
import { REGION, configMock, harness, resetMocks, type Harness } from './drift-harness';

/*
 * The hub sweep's limit on member accounts at once (drift/organization-sweep.ts, MEMBER_SWEEP_CONCURRENCY), over 12
 * members whose answers are slow, the first-listed slowest, so the accounts finish in another order than
 * ListAccounts gives them. Every request of an account (its AssumeRole included: the counter sits in the `initialize`
 * step, around credentials and retries) counts that account as in flight; the own account's too, since it shares the
 * limit. An account between two requests is not counted, so the measured maximum can only be below the true one.
 */

const HUB = '111122223333';
const MEMBERS = Array.from({ length: 12 }, (_, i) => String(200000000000 + i * 1111));
const NO_PACING = { ec2: { concurrency: 8 }, eks: { concurrency: 8 }, sts: { concurrency: 1 } };
const OWN = 'own';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

let local: LocalDynamo;
let h: Harness;
let hubClients: HubClients;
const memberClients: AwsClients[] = [];

/** Requests in flight per account, the most accounts with one in flight at once, and the order accounts last answered. */
const pending = new Map<string, number>();
let maxAccountsInFlight = 0;
const lastAnswered = new Map<string, number>();
let answers = 0;

/** Slow answers, the first-listed member slowest; the own account's in between. */
const delayOf = (account: string) =>
  account === OWN ? 15 : 10 + 3 * (MEMBERS.length - MEMBERS.indexOf(account));

function countInFlight(clients: AwsClients, account: string): void {
  for (const client of [clients.ec2, clients.eks, clients.sts]) {
    (client.middlewareStack as unknown as { add(m: unknown, o: object): void }).add(
      (next: (args: unknown) => Promise<unknown>) => async (args: unknown) => {
        pending.set(account, (pending.get(account) ?? 0) + 1);
        maxAccountsInFlight = Math.max(
          maxAccountsInFlight,
          [...pending.values()].filter((n) => n > 0).length,
        );
        try {
          await sleep(delayOf(account));
          return await next(args);
        } finally {
          pending.set(account, pending.get(account)! - 1);
          lastAnswered.set(account, (answers += 1));
        }
      },
      { step: 'initialize', name: 'countAccountsInFlight' },
    );
  }
}

/** Member i's one cluster is `m<i>`; the odd members' endpoint security group lets nothing in (a violation). */
function snapshotOf(accountId: string) {
  const snapshot = emptySnapshot(REGION, accountId);
  const index = MEMBERS.indexOf(accountId);
  const ids = addPrivateCluster(snapshot, { index: 1, name: index < 0 ? 'prod' : `m${index}` });
  if (index % 2 === 1) group(snapshot, ids.endpointSecurityGroupId).IpPermissions = [];
  return snapshot;
}

function hubDeps(org: FakeOrganization): DriftDeps {
  const access: MemberAccessOptions = {
    partition: 'aws',
    region: REGION,
    stsPlugins: [
      {
        applyToStack: (stack) =>
          org.installHub({
            organizations: hubClients.organizations,
            sts: { middlewareStack: stack } as unknown as STSClient,
          }),
      },
    ],
  };
  const readers = new Map<string, AwsReader>();
  const memberConfig = new ConfigServiceClient({ region: REGION });
  return {
    ...h.deps,
    accountId: HUB,
    readerFor: (account, region) => {
      if (account === undefined) return h.deps.readerFor(undefined, region);
      let reader = readers.get(account);
      if (!reader) {
        const clients = createClients({
          region,
          maxAttempts: 1,
          credentials: memberCredentials(access, account, 'reader'),
          accountId: account,
        });
        memberClients.push(clients);
        org.installMember(clients, account, region);
        countInFlight(clients, account);
        reader = new AwsReader(clients, region, { limits: NO_PACING });
        readers.set(account, reader);
      }
      return reader;
    },
    member: (account, region) => ({
      store: (h.deps.store as StateStore).forScope({ accountId: account, region }),
      config: memberConfig,
    }),
  };
}

let outcome: OrganizationSweepOutcome;

beforeAll(async () => {
  local = await startDynalite();
  h = harness(local);
  h.serve(snapshotOf(HUB));
  countInFlight(h.clients, OWN);
  resetMocks();
  configMock.on(DescribeConfigRulesCommand).resolves({ ConfigRules: [] });
  const org = new FakeOrganization(
    HUB,
    [HUB, ...MEMBERS].map((id) => ({ id, regions: { [REGION]: snapshotOf(id) } })),
    { member: { buckets: { ec2: undefined, eks: undefined, sts: undefined } } },
  );
  hubClients = {
    organizations: new OrganizationsClient({ region: REGION }),
    sts: new STSClient({ region: REGION }),
  };
  org.installHub(hubClients);
  const sweep = makeHandler(hubDeps(org), REGION, {
    listAccounts: () => listOrganizationAccounts(hubClients, REGION),
  });
  outcome = (await sweep()) as OrganizationSweepOutcome;
}, 60_000);

afterAll(async () => {
  memberClients.forEach(destroyClients);
  hubClients.organizations.destroy();
  hubClients.sts.destroy();
  h.close();
  await local.close();
});

describe('Organization hub sweep over 12 members with slow answers', () => {
  it(`never has more than ${MEMBER_SWEEP_CONCURRENCY} accounts (the own one included) in flight, and reaches that many`, () => {
    expect(MEMBER_SWEEP_CONCURRENCY).toBe(4);
    expect(maxAccountsInFlight).toBe(MEMBER_SWEEP_CONCURRENCY);
    expect([...pending.values()].every((n) => n === 0)).toBe(true);
  });

  it('the accounts finished in another order than ListAccounts’, yet the outcome keeps ListAccounts order', () => {
    const finished = MEMBERS.filter((m) => lastAnswered.has(m)).sort(
      (a, b) => lastAnswered.get(a)! - lastAnswered.get(b)!,
    );
    expect(finished).toHaveLength(MEMBERS.length);
    expect(finished).not.toEqual(MEMBERS);
    expect(outcome.members.map((m) => m.accountId)).toEqual(MEMBERS);
    expect(outcome.members.map((m) => m.error)).toEqual(MEMBERS.map(() => undefined));
    expect(outcome.members.map((m) => m.outcome?.judgedClusters)).toEqual(MEMBERS.map((_, i) => [`m${i}`]));
  });

  it('records each member’s own cluster and verdict under its own keys, whatever the order of completion', async () => {
    const store = h.deps.store as StateStore;
    const recorded = await Promise.all(
      MEMBERS.map(async (accountId) => {
        const scoped = store.forScope({ accountId, region: REGION });
        const clusters = await scoped.listClusters();
        const verdicts = await Promise.all(
          clusters.map(async (c) => (await scoped.get(c, 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.compliance),
        );
        return [clusters, verdicts];
      }),
    );
    expect(recorded).toEqual(
      MEMBERS.map((_, i) => [[`m${i}`], [i % 2 === 1 ? 'NON_COMPLIANT' : 'COMPLIANT']]),
    );
    expect(await store.listClusters()).toEqual(['prod']);
    expect((await store.get('prod', 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.compliance).toBe('COMPLIANT');
  });
});
