import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createClients, destroyClients } from '../../aws/clients';
import { collectSnapshot, listEnabledRegions } from '../../aws/collect';
import { createHubClients, destroyHubClients } from '../../aws/hub-clients';
import type { LiveDeps } from '../../cli/live';
import { run } from '../../cli/main';
import { runOrgCheck } from '../../cli/org-check';
import { collectAccounts } from '../../cli/org-run';
import { parseSnapshotText } from '../../snapshot/load';
import { minimumCalls, useFakeCredentials } from '../../testkit/fake-aws';
import {
  FakeOrganization,
  type FakeMemberAccount,
  type FakeOrganizationOptions,
} from '../../testkit/fake-org';
import { emptySnapshot, privateClustersSnapshot } from '../../testkit/private-cluster';
import { capturingIo, SPEC_REPORT_KEYS } from './helpers';

/*
 * Organization runs in-process through `run` (or the run's engine, for its ledgers), against
 * testkit/fake-org.ts: real SDK clients, signed with the caller's keys for ListAccounts and
 * AssumeRole and with each account's assumed-role keys for its collection.
 */

const MANAGEMENT = '999988887777';
const REGIONS = ['eu-west-1', 'us-east-1'];

beforeAll(() => {
  useFakeCredentials();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
});

function accountId(n: number): string {
  return String(100000000000 + n * 1111);
}

/** An account whose Regions hold `clusters` private clusters each (its own ids and account id). */
function member(n: number, extra: Partial<FakeMemberAccount> = {}, clusters = 1): FakeMemberAccount {
  const id = accountId(n);
  return {
    id,
    regions: Object.fromEntries(
      REGIONS.map((region) => [
        region,
        clusters === 0
          ? emptySnapshot(region, id)
          : privateClustersSnapshot(clusters, { region, accountId: id }).snapshot,
      ]),
    ),
    ...extra,
  };
}

class OrgWorld {
  readonly org: FakeOrganization;
  inFlight = 0;
  maxInFlight = 0;
  hubCreated = 0;

  constructor(accounts: FakeMemberAccount[], options: FakeOrganizationOptions = {}) {
    this.org = new FakeOrganization(MANAGEMENT, accounts, options);
  }

  deps(): LiveDeps {
    return {
      createClients: (options) => {
        const clients = createClients(options);
        if (options.accountId === undefined)
          throw new Error('an organization run creates clients per account');
        this.org.installMember(clients, options.accountId, options.region);
        return clients;
      },
      destroyClients,
      createHubClients: (options) => {
        this.hubCreated += 1;
        const hub = createHubClients(options);
        this.org.installHub(hub);
        return hub;
      },
      destroyHubClients,
      collectSnapshot: async (reader, scope) => {
        this.inFlight += 1;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        try {
          return await collectSnapshot(reader, scope);
        } finally {
          this.inFlight -= 1;
        }
      },
      listEnabledRegions,
      defaultRegion: async () => 'eu-west-1',
      clock: () => performance.now(),
    };
  }

  async run(argv: string[]) {
    const { io, output } = capturingIo();
    const code = await run(argv, io, async () => this.deps());
    return { code, ...output };
  }
}

/** Seven accounts over three ListAccounts pages (3 a page), two of them not ACTIVE, one that refuses the role. */
function sevenAccounts(): FakeMemberAccount[] {
  return [
    member(7),
    member(1),
    member(2, { state: 'SUSPENDED' }),
    member(3, { denyAssume: true }),
    member(4),
    member(5, { state: 'PENDING_CLOSURE' }),
    member(6),
  ];
}

describe('check --org', () => {
  it('lists the organization over several pages, skips accounts not ACTIVE, and reports every other account × Region in account order', async () => {
    const world = new OrgWorld(sevenAccounts(), { pageSize: 3, emptyFirstPage: true });
    const { code, out, err } = await world.run([
      'check',
      '--org',
      '--region',
      REGIONS.join(','),
      '--format',
      'json',
    ]);
    expect(world.org.hub.listAccounts).toBe(4); // the empty first page, then 3 + 3 + 1
    const documents = JSON.parse(out) as Record<string, unknown>[];
    const active = [1, 4, 6, 7].map(accountId);
    expect(documents.map((d) => `${String(d.accountId)} ${String(d.region)}`)).toEqual(
      active.flatMap((id) => REGIONS.map((region) => `${id} ${region}`)),
    );
    for (const document of documents) expect(Object.keys(document).slice(0, 6)).toEqual(SPEC_REPORT_KEYS);
    // The account that refuses the role: one line, naming it and the role; the run goes on and exits 2.
    const lines = err.split('\n').filter((line) => line.includes('cannot assume'));
    expect(lines).toEqual([
      `private-eks-guard: account ${accountId(3)}: cannot assume arn:aws:iam::${accountId(3)}:role/private-eks-guard-reader: AccessDenied: User: arn:aws:iam::${MANAGEMENT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::${accountId(3)}:role/private-eks-guard-reader`,
    ]);
    expect(err).toContain(
      'checking 5 ACTIVE accounts of the organization (skipped: 1 PENDING_CLOSURE, 1 SUSPENDED)',
    );
    expect(err).toMatch(new RegExp(`\\[\\d+/10\\] ${accountId(3)} eu-west-1: skipped`));
    expect(code).toBe(2);
    // Never a call into the suspended accounts, one AssumeRole per ACTIVE account.
    expect(world.org.hub.assumeRole).toBe(5);
    expect(world.org.requestsOf(accountId(2))).toBe(0);
  });

  it('reads the retiring Status when an answer has no State', async () => {
    const world = new OrgWorld([member(1), member(2, { state: 'SUSPENDED' })], { statusOnly: true });
    const { code, out } = await world.run(['check', '--org', '--region', 'eu-west-1', '--format', 'json']);
    expect(code).toBe(0);
    expect((JSON.parse(out) as { accountId: string }[]).map((d) => d.accountId)).toEqual([accountId(1)]);
  });

  it('prints a summary table, then the findings, and a markdown summary with the error column', async () => {
    const world = new OrgWorld([member(1), member(3, { denyAssume: true })]);
    const table = await world.run(['check', '--org', '--region', 'eu-west-1']);
    const summary = table.out.slice(0, table.out.indexOf('\n\n'));
    expect(summary).toContain('NON_COMPLIANT');
    expect(summary).toContain('INSUFFICIENT_DATA');
    expect(summary).toMatch(
      new RegExp(`${accountId(1)}\\s+│?\\s*eu-west-1\\s+│?\\s*1\\s+│?\\s*0\\s+│?\\s*0`),
    );
    expect(summary).toMatch(new RegExp(`${accountId(3)}\\s+│?\\s*eu-west-1\\s+│?\\s*error`));
    expect(summary).toContain('error: cannot assume');
    for (const line of table.out.split('\n')) expect([...line].length).toBeLessThanOrEqual(80);
    expect(table.out).toContain(`Account ${accountId(1)}, Region eu-west-1`);
    expect(table.code).toBe(2);

    const markdown = await new OrgWorld([member(1), member(3, { denyAssume: true })]).run([
      'check',
      '--org',
      '--region',
      'eu-west-1',
      '--format',
      'markdown',
    ]);
    expect(markdown.out).toContain(
      '| Account | Region | Clusters | NON_COMPLIANT | INSUFFICIENT_DATA | Error |',
    );
    expect(markdown.out).toContain(`| \`${accountId(1)}\` | \`eu-west-1\` | 1 | 0 | 0 | |`);
    expect(markdown.out).toMatch(
      new RegExp(
        `\\| \`${accountId(3)}\` \\| \`eu-west-1\` \\| - \\| - \\| - \\| cannot assume arn:aws:iam::${accountId(3)}`,
      ),
    );
  });

  it('exits 1 on a NON_COMPLIANT finding in any account, 0 when all are clean', async () => {
    const drifted = member(2);
    const vpce = drifted.regions['eu-west-1']!.ec2.VpcEndpoints;
    vpce.splice(0, vpce.length);
    expect(
      (await new OrgWorld([member(1), drifted]).run(['check', '--org', '--region', 'eu-west-1'])).code,
    ).toBe(1);
    expect(
      (await new OrgWorld([member(1), member(2)]).run(['check', '--org', '--region', 'eu-west-1'])).code,
    ).toBe(0);
  });

  it('--format sarif, junit and asff make one document for every account × Region', async () => {
    const world = () => new OrgWorld([member(1), member(2)]);
    const args = ['check', '--org', '--region', REGIONS.join(','), '--format'];
    const sarif = JSON.parse((await world().run([...args, 'sarif'])).out) as {
      runs: { automationDetails: { id: string } }[];
    };
    const ids = sarif.runs.map((r) => r.automationDetails.id);
    // A run per account × Region, in the report's account order, Regions as named.
    const members = [accountId(1), accountId(2)].flatMap((account) =>
      REGIONS.map((region) => `private-eks-guard/${account}/${region}/`),
    );
    expect(ids.filter((id) => members.includes(id))).toEqual(members);
    expect(new Set(ids).size).toBe(ids.length);
    const junit = (await world().run([...args, 'junit'])).out;
    expect(junit.match(/<testsuites /g)).toHaveLength(1);
    const asff = JSON.parse((await world().run([...args, 'asff'])).out) as { AwsAccountId: string }[];
    expect(new Set(asff.map((f) => f.AwsAccountId))).toEqual(new Set([accountId(1), accountId(2)]));
  });
});

describe('check --accounts', () => {
  it('checks the accounts named, in the order named, with --role-name and --external-id', async () => {
    const accounts = [member(1, { externalId: 'guard-2026' }), member(2, { externalId: 'guard-2026' })];
    const world = new OrgWorld(accounts, { roleName: 'audit/eks-reader' });
    const { code, out, err } = await world.run([
      'check',
      '--accounts',
      `${accountId(2)},${accountId(1)}`,
      '--role-name',
      'audit/eks-reader',
      '--external-id',
      'guard-2026',
      '--region',
      'eu-west-1',
      '--format',
      'json',
    ]);
    expect(err).not.toContain('cannot assume');
    expect(code).toBe(0);
    expect((JSON.parse(out) as { accountId: string }[]).map((d) => d.accountId)).toEqual([
      accountId(2),
      accountId(1),
    ]);
    expect(world.org.hub.listAccounts).toBe(0);
  });

  it('isolates a missing permission inside one account: one line naming account and Region, the others reported', async () => {
    const world = new OrgWorld([member(1), member(2, { deny: ['ec2:DescribeSubnets'] })]);
    const { code, out, err } = await world.run([
      'check',
      '--accounts',
      `${accountId(1)},${accountId(2)}`,
      '--region',
      REGIONS.join(','),
      '--format',
      'json',
    ]);
    expect(code).toBe(2);
    expect((JSON.parse(out) as unknown[]).length).toBe(2);
    const lines = err.split('\n').filter((line) => line.includes('missing IAM permission'));
    expect(lines).toEqual(
      REGIONS.map((region) =>
        expect.stringMatching(
          new RegExp(
            `^private-eks-guard: account ${accountId(2)}: missing IAM permission ec2:DescribeSubnets in ${region} `,
          ),
        ),
      ),
    );
  });

  it.each([
    [
      ['check', '--org', '--accounts', '111122223333', '--region', 'eu-west-1'],
      'give either --org or --accounts, not both',
    ],
    [
      ['check', '--accounts', '11112222333', '--region', 'eu-west-1'],
      '--accounts "11112222333" is not an AWS account id (12 digits)',
    ],
    [['check', '--org', '--snapshot', 'x.json'], 'not a --snapshot file'],
    [['check', '--org'], '--org and --accounts need --region'],
    [
      ['check', '--role-name', 'r', '--region', 'eu-west-1'],
      '--role-name and --external-id apply to --org and --accounts',
    ],
    [['check', '--org', '--region', 'eu-west-1,cn-north-1'], 'Regions of one partition'],
    [['snapshot', '--org', '--region', 'eu-west-1', '--out', '-'], 'give --out DIRECTORY'],
  ])('%j is a usage error', async (argv, message) => {
    const world = new OrgWorld([member(1)]);
    const { code, out, err } = await world.run(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });
});

describe('the organization run engine', () => {
  it('calls each account the single-account minimum × Regions, plus one AssumeRole per account (call ledgers)', async () => {
    const accounts = [member(1, {}, 2), member(2, {}, 3), member(3, {}, 0)];
    const world = new OrgWorld(accounts);
    const { io } = capturingIo();
    const { results, hubLedger } = await collectAccounts(
      { source: 'org', accounts: [], roleName: 'private-eks-guard-reader' },
      world.deps(),
      io,
      { region: REGIONS.join(','), consume: () => true, clustersOf: () => 0 },
    );
    expect(results.every((result) => 'value' in result)).toBe(true);
    for (const account of accounts) {
      const floor = REGIONS.reduce((sum, region) => sum + minimumCalls(account.regions[region]!).total, 0);
      const calls = results
        .filter((result) => result.accountId === account.id)
        .reduce((sum, result) => sum + result.ledger.totalCalls, 0);
      expect(calls).toBe(floor);
      expect(world.org.requestsOf(account.id)).toBe(floor);
    }
    expect(hubLedger.get('sts:AssumeRole')?.calls).toBe(accounts.length);
    expect(hubLedger.get('organizations:ListAccounts')?.calls).toBe(1);
  });

  it("--region all lists each account's own Regions with its role, one AssumeRole per account", async () => {
    const world = new OrgWorld([member(1), member(2)], { member: { regions: REGIONS } });
    const { code, out } = await world.run(['check', '--org', '--region', 'all', '--format', 'json']);
    expect(code).toBe(0);
    expect(
      (JSON.parse(out) as { accountId: string; region: string }[]).map((d) => `${d.accountId} ${d.region}`),
    ).toEqual([1, 2].flatMap((n) => REGIONS.map((region) => `${accountId(n)} ${region}`)));
    expect(world.org.hub.assumeRole).toBe(2);
  });

  it('property: any mix of accounts, Regions, refusals and bounds keeps order, isolation and the concurrency bound', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ deny: fc.boolean(), missing: fc.boolean() }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 2 }),
        fc.integer({ min: 1, max: 4 }),
        async (shapes, regionCount, concurrency) => {
          const regions = REGIONS.slice(0, regionCount);
          const accounts = shapes.map((shape, i) =>
            member(i + 1, {
              ...(shape.deny ? { denyAssume: true } : {}),
              ...(shape.missing ? { deny: ['eks:ListClusters'] } : {}),
            }),
          );
          const world = new OrgWorld(accounts);
          const { io, output } = capturingIo();
          const named = [...accounts].reverse().map((a) => a.id);
          const code = await runOrgCheck(
            { accounts: [named.join(',')], region: regions.join(','), format: 'json' },
            io,
            async () => world.deps(),
            false,
            concurrency,
          );
          expect(world.maxInFlight).toBeLessThanOrEqual(concurrency);
          const ok = named.filter((id) => {
            const shape = shapes[accounts.findIndex((a) => a.id === id)]!;
            return !shape.deny && !shape.missing;
          });
          const documents = JSON.parse(output.out) as { accountId: string; region: string }[];
          expect(documents.map((d) => `${d.accountId} ${d.region}`)).toEqual(
            ok.flatMap((id) => regions.map((region) => `${id} ${region}`)),
          );
          const denied = accounts.filter((a) => a.denyAssume).length;
          const missing = accounts.filter((a) => !a.denyAssume && a.deny).length;
          const errorLines = output.err
            .split('\n')
            .filter((l) => /^private-eks-guard: account \d{12}: /.test(l));
          expect(errorLines).toHaveLength(denied + missing * regions.length);
          expect(world.org.hub.assumeRole).toBe(accounts.length);
          expect(code).toBe(denied + missing > 0 ? 2 : 0);
        },
      ),
      { numRuns: 15 },
    );
  }, 60_000);
});

describe('snapshot --org --out DIR', () => {
  it('writes one valid snapshot per account × Region, named <account>-<region>.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'peg-org-'));
    try {
      const out = join(dir, 'snaps');
      const world = new OrgWorld([member(1), member(2), member(3, { denyAssume: true })]);
      const { code, err } = await world.run([
        'snapshot',
        '--org',
        '--region',
        REGIONS.join(','),
        '--out',
        out,
      ]);
      expect(code).toBe(2);
      expect(err).toContain('4 snapshots written to');
      expect(err).toContain(`account ${accountId(3)}: cannot assume`);
      const files = readdirSync(out).sort();
      expect(files).toEqual(
        [1, 2].flatMap((n) => REGIONS.map((region) => `${accountId(n)}-${region}.json`)).sort(),
      );
      for (const file of files) {
        const snapshot = parseSnapshotText(readFileSync(join(out, file), 'utf8'), file);
        expect(`${snapshot.accountId}-${snapshot.region}.json`).toBe(file);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
