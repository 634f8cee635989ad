import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { ConfigServiceClient, DescribeConfigRulesCommand } from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';
import { createClients, destroyClients, type AwsClients } from '../../aws/clients';
import { AwsReadError } from '../../aws/errors';
import type { HubClients } from '../../aws/hub-clients';
import { memberCredentials, type MemberAccessOptions } from '../../aws/member-access';
import { listOrganizationAccounts } from '../../aws/organization';
import { AwsReader } from '../../aws/reader';
import type { DriftDeps } from '../../drift/drift-deps';
import type { OrganizationSweepOutcome } from '../../drift/organization-sweep';
import { makeHandler, sweepReports } from '../../functions/sweep';
import { StateStore } from '../../state/state-store';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';
import { FakeOrganization } from '../../testkit/fake-org';
import { addPrivateCluster, emptySnapshot, type ClusterIds } from '../../testkit/private-cluster';
import { group } from '../../testkit/snapshot-edits';
import { REGION, configMock, harness, resetMocks, type Harness } from './drift-harness';

/*
 * The hourly sweep of an Organization hub (`organization: { hub: true }`): the own account as always, then every
 * ACTIVE account organizations:ListAccounts returns (the fake Organization's, paged), each through its member role
 * (testkit/fake-org.ts: a member refuses keys AssumeRole did not issue for it) and under its own state keys.
 */

const HUB = '111122223333';
const B = '222233334444';
const C = '555566667777';
const D = '666677778888';
const E = '777788889999';
const NO_PACING = { ec2: { concurrency: 8 }, eks: { concurrency: 8 }, sts: { concurrency: 1 } };

let local: LocalDynamo;
let h: Harness;
let deps: DriftDeps;
let org: FakeOrganization;
let hubClients: HubClients;
let bIds: ClusterIds;
const assumed: string[] = [];
const memberClients: AwsClients[] = [];

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
  const organizations = hubClients.organizations;
  const access: MemberAccessOptions = {
    partition: 'aws',
    region: REGION,
    stsPlugins: [
      {
        applyToStack: (stack) => {
          stack.add(
            (next, context) => async (args) => {
              if (context.commandName === 'AssumeRoleCommand') {
                assumed.push(String((args.input as { RoleArn?: string }).RoleArn));
              }
              return next(args);
            },
            { step: 'initialize', name: 'recordAssumeRole', override: true },
          );
          org.installHub({ organizations, sts: { middlewareStack: stack } as unknown as STSClient });
        },
      },
    ],
  };
  const readers = new Map<string, AwsReader>();
  const memberConfig = new ConfigServiceClient({ region: REGION });
  deps = {
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
});

afterAll(async () => {
  memberClients.forEach(destroyClients);
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

describe('Organization hub: the hourly sweep covers every ACTIVE member account', () => {
  let outcome: OrganizationSweepOutcome;
  let sweepCounts: Map<string, number>;

  beforeAll(async () => {
    resetMocks();
    configMock.on(DescribeConfigRulesCommand).resolves({ ConfigRules: [] });
    const sweep = makeHandler(deps, REGION, {
      listAccounts: () => listOrganizationAccounts(hubClients, REGION),
      concurrency: 2,
    });
    h.counts.clear();
    outcome = (await sweep({ id: 'sweep-1' } as never)) as OrganizationSweepOutcome;
    sweepCounts = new Map(h.counts);
  });

  it('sweeps the own account as before and each ACTIVE member once, in its own account, skipping SUSPENDED D', () => {
    expect(outcome.scope).toBe('region');
    expect(outcome.judgedClusters).toEqual(['prod']);
    expect(outcome.members.map((m) => m.accountId)).toEqual([B, C, E]);
    expect(outcome.skipped).toEqual([{ accountId: D, state: 'SUSPENDED' }]);
    expect(outcome.listError).toBeUndefined();
    expect(org.hub.listAccounts).toBeGreaterThan(2);
    expect(org.requestsOf(B)).toBeGreaterThan(0);
    expect(org.requestsOf(E)).toBeGreaterThan(0);
    expect(org.members.map((m) => m.accountId)).not.toContain(D);
    expect(org.members.map((m) => m.accountId)).not.toContain(HUB);
  });

  it('records each member under its own keys: B’s violation is B’s, the hub’s prod stays compliant', async () => {
    const [b, , e] = outcome.members;
    expect(b).toMatchObject({ accountId: B, outcome: { judgedClusters: ['prod'] } });
    expect(e).toMatchObject({ accountId: E, outcome: { judgedClusters: ['prod'] } });
    const store = h.deps.store as StateStore;
    const inB = store.forScope({ accountId: B, region: REGION });
    expect((await inB.get('prod', 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.compliance).toBe('NON_COMPLIANT');
    expect((await store.get('prod', 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.compliance).toBe('COMPLIANT');
    expect(await store.forScope({ accountId: E, region: REGION }).listClusters()).toEqual(['prod']);
    expect(bIds.name).toBe('prod');
  });

  it('C, whose role refuses the hub, is logged and counted, and B and E complete', () => {
    expect(sweepCounts.get('MemberAccountFailures')).toBe(1);
    expect(sweepCounts.get('AwsReadErrors')).toBeUndefined();
    const c = outcome.members.find((m) => m.accountId === C)!;
    expect(c.outcome).toBeUndefined();
    expect(c.error).toMatch(/AccessDenied|not authorized/);
    expect(outcome.members.filter((m) => m.error !== undefined)).toHaveLength(1);
    expect(org.hub.assumeRoleDenied).toBeGreaterThan(0);
  });
});

describe('the sweep’s metrics', () => {
  it('a hub stage’s sweep publishes MemberAccountFailures on every invocation, a single-account stage’s never', () => {
    expect(sweepReports({ ORGANIZATION_HUB: 'true' })).toContain('MemberAccountFailures');
    expect(sweepReports({})).not.toContain('MemberAccountFailures');
    expect(sweepReports({})).toEqual(sweepReports({ ORGANIZATION_HUB: 'true' }).slice(0, -1));
  });
});

describe('failures', () => {
  it('a member’s failure is a warning and one MemberAccountFailures, not an AwsReadErrors; the invocation still succeeds', async () => {
    const sweep = makeHandler(deps, REGION, {
      listAccounts: async () => [
        { id: C, state: 'ACTIVE' },
        { id: E, state: 'ACTIVE' },
      ],
    });
    const outcome = (await sweep()) as OrganizationSweepOutcome;
    expect(outcome.members.map((m) => [m.accountId, m.error === undefined])).toEqual([
      [C, false],
      [E, true],
    ]);
    expect(h.warnings).toEqual(['member account sweep failed']);
    expect(h.counts.get('MemberAccountFailures')).toBe(1);
    expect(h.counts.get('AwsReadErrors')).toBeUndefined();
  });

  it('a member’s failure that is no AWS read (here a snapshot the collector cannot take) is counted too', async () => {
    const sweep = makeHandler(
      {
        ...deps,
        readerFor: (account, region) => {
          if (account === E) throw new Error('reader could not be built');
          return deps.readerFor(account, region);
        },
      },
      REGION,
      { listAccounts: async () => [{ id: E, state: 'ACTIVE' }] },
    );
    const outcome = (await sweep()) as OrganizationSweepOutcome;
    expect(outcome.members).toEqual([{ accountId: E, error: 'reader could not be built' }]);
    expect(h.counts.get('MemberAccountFailures')).toBe(1);
    expect(h.counts.get('AwsReadErrors')).toBeUndefined();
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
    expect(assumed).toEqual([]);
  });

  it('a single-account stage’s sweep (no organization) never lists accounts nor assumes a role', async () => {
    const before = org.hub.listAccounts;
    const outcome = await makeHandler({ ...h.deps }, REGION)();
    expect(outcome.judgedClusters).toEqual(['prod']);
    expect(outcome).not.toHaveProperty('members');
    expect(org.hub.listAccounts).toBe(before);
    expect(assumed).toEqual([]);
  });
});
