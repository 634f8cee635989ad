import { afterAll, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
  type ConfigServiceClient,
  type Evaluation,
} from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import { destroyClients, type AwsClients } from '../../aws/clients';
import { CONFIG_REPORTER_ROLE_NAME, type MemberAccessOptions } from '../../aws/member-access';
import { MEMBER_ROLE_NAME } from '../../aws/member-role';
import { CollectionCache } from '../../config-rules/collection-cache';
import type { ConfigClient } from '../../config-rules/evaluations';
import type { EvaluatorDeps } from '../../config-rules/evaluator';
import type { ConfigRuleEvent } from '../../config-rules/notification';
import { memberScopes } from '../../aws/member-scopes';
import { makeHandler } from '../../functions/config-evaluator';
import { signedAccessKey } from '../../testkit/fake-aws';
import { FakeOrganization } from '../../testkit/fake-org';
import { addPrivateCluster, emptySnapshot, type ClusterIds } from '../../testkit/private-cluster';
import { fakeAccount, sample } from './helpers';

/*
 * An Organization hub (deploy/org): the members' organization Config rules invoke the central evaluator with their
 * own `accountId`. The evaluator reads the member through its read-only role (answered by testkit/fake-org.ts, whose
 * members refuse keys AssumeRole did not issue for them) and writes the member's results with its config-reporter
 * role's credentials, which the members' AWS Config below checks by the access key each request is signed with.
 */

const REGION = 'eu-west-1';
const HUB = '111122223333';
const B = '222233334444';
const C = '555566667777';
const NO_PACING = { ec2: { concurrency: 8 }, eks: { concurrency: 8 }, sts: { concurrency: 1 } };

interface ConfigCall {
  account: string;
  command: string;
  accessKeyId: string | undefined;
  input: Record<string, unknown>;
}

const assumed: string[] = [];
/** Access keys of the config-reporter sessions issued, and the account each acts in. */
const reporterKeys = new Map<string, string>();
const memberConfigCalls: ConfigCall[] = [];
const memberClients: (AwsClients & { config: ConfigServiceClient })[] = [];
/** What the members' Config answers GetComplianceDetailsByConfigRule with. */
let pastResults: Record<string, string[]> = {};
let org: FakeOrganization;
let ids: Record<string, ClusterIds>;
let own: ReturnType<typeof fakeAccount>;
let ownConfig: { send: jest.Mock<(command: unknown) => Promise<unknown>> };

function accountSnapshot(accountId: string) {
  const snapshot = emptySnapshot(REGION, accountId);
  // The same generator in every account: B's and C's clusters share their VPC, subnet and group ids.
  const clusterIds = addPrivateCluster(snapshot, { index: 1, name: 'prod' });
  return { snapshot, clusterIds };
}

/** A member's AWS Config: accepts only its own config-reporter session's keys, records what it was asked. */
function installMemberConfig(config: ConfigServiceClient, account: string): void {
  config.middlewareStack.add(
    (_next, context) => async (args) => {
      const command = String(context.commandName ?? '');
      const accessKeyId = signedAccessKey(args.request);
      memberConfigCalls.push({ account, command, accessKeyId, input: args.input as Record<string, unknown> });
      if (reporterKeys.get(accessKeyId ?? '') !== account) {
        throw Object.assign(new Error('The security token included in the request is invalid.'), {
          name: 'UnrecognizedClientException',
          $metadata: { httpStatusCode: 403 },
        });
      }
      const answer =
        command === 'PutEvaluationsCommand'
          ? { FailedEvaluations: [] }
          : {
              EvaluationResults: (pastResults[account] ?? []).map((name) => ({
                EvaluationResultIdentifier: {
                  EvaluationResultQualifier: {
                    ConfigRuleName: String((args.input as { ConfigRuleName?: string }).ConfigRuleName),
                    ResourceType: 'AWS::EKS::Cluster',
                    ResourceId: name,
                  },
                },
                ComplianceType: 'COMPLIANT',
              })),
            };
      return { output: { $metadata: { httpStatusCode: 200 }, ...answer }, response: {} } as never;
    },
    { step: 'finalizeRequest', priority: 'low', name: 'fakeMemberConfig' },
  );
}

const organizations = new OrganizationsClient({ region: REGION });
let reporterSessions = 0;
const access: MemberAccessOptions = {
  partition: 'aws',
  region: REGION,
  stsPlugins: [
    {
      applyToStack: (stack) => {
        stack.add(
          (next, context) => async (args) => {
            if (context.commandName !== 'AssumeRoleCommand') return next(args);
            const roleArn = String((args.input as { RoleArn?: string }).RoleArn);
            assumed.push(roleArn);
            const [, account, name] = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn) ?? [];
            if (name !== CONFIG_REPORTER_ROLE_NAME) return next(args);
            // The config-reporter role: its own session keys, as STS issues them.
            reporterSessions += 1;
            const accessKeyId = `ASIAREPORTER${String(reporterSessions).padStart(8, '0')}`;
            reporterKeys.set(accessKeyId, account!);
            return {
              output: {
                $metadata: { httpStatusCode: 200 },
                Credentials: {
                  AccessKeyId: accessKeyId,
                  SecretAccessKey: `reporter-secret-${reporterSessions}`,
                  SessionToken: `reporter-session-${account}`,
                  Expiration: new Date(Date.now() + 3600_000),
                },
              },
              response: {},
            } as never;
          },
          { step: 'initialize', name: 'fakeReporterRole', override: true },
        );
        org.installHub({ organizations, sts: { middlewareStack: stack } as unknown as STSClient });
      },
    },
  ],
};

function handlerFor(cache = new CollectionCache()) {
  const deps: EvaluatorDeps = {
    reader: own.reader,
    config: ownConfig as unknown as ConfigClient,
    cache,
    accountId: HUB,
    member: memberScopes(access, {
      maxAttempts: 1,
      reader: { limits: NO_PACING },
      onClients: (clients, account, region) => {
        memberClients.push(clients);
        org.installMember(clients, account, region);
        installMemberConfig(clients.config, account);
      },
    }),
  };
  const handler = makeHandler(deps);
  return (event: unknown) => handler(event as ConfigRuleEvent);
}

/** The sample change notification for `account`'s cluster, as that account's organization rule sends it. */
function changeIn(account: string) {
  return {
    ...sample('config-change-notification.json', ids[account]),
    accountId: account,
    configRuleName: 'OrgConfigRule-private-eks-subnets-free-ips-abcdef12',
  };
}

const putCalls = (account: string) =>
  memberConfigCalls.filter((c) => c.account === account && c.command === 'PutEvaluationsCommand');

beforeAll(() => {
  const hub = accountSnapshot(HUB);
  const b = accountSnapshot(B);
  const c = accountSnapshot(C);
  ids = { [HUB]: hub.clusterIds, [B]: b.clusterIds, [C]: c.clusterIds };
  own = fakeAccount(hub.snapshot);
  org = new FakeOrganization(
    HUB,
    [
      { id: B, regions: { [REGION]: b.snapshot } },
      { id: C, regions: { [REGION]: c.snapshot } },
      {
        id: '999988887777',
        denyAssume: true,
        regions: { [REGION]: accountSnapshot('999988887777').snapshot },
      },
    ],
    { member: { buckets: { ec2: undefined, eks: undefined, sts: undefined } } },
  );
});

afterAll(() => memberClients.forEach((clients) => (destroyClients(clients), clients.config.destroy())));

beforeEach(() => {
  assumed.length = 0;
  memberConfigCalls.length = 0;
  pastResults = {};
  ownConfig = { send: jest.fn(async () => ({ FailedEvaluations: [], EvaluationResults: [] })) };
});

describe('Organization hub: a member account’s organization rule invokes the central evaluator', () => {
  it('collects through B’s reader role and writes PutEvaluations with B’s config-reporter credentials', async () => {
    const handler = handlerFor();
    const ownRequests = own.server.totals().requests;
    const summary = await handler(changeIn(B));

    expect(summary.accountId).toBe(B);
    expect(summary.ruleId).toBe('SUBNETS_FREE_IPS');
    expect(summary.scope).toEqual({ vpcIds: [ids[B]!.vpcId] });
    expect(assumed.sort()).toEqual([
      `arn:aws:iam::${B}:role/${CONFIG_REPORTER_ROLE_NAME}`,
      `arn:aws:iam::${B}:role/${MEMBER_ROLE_NAME}`,
    ]);
    // Read in B (its fake refuses any key AssumeRole did not issue for B), nothing read in the hub's own account.
    expect(org.requestsOf(B)).toBeGreaterThan(0);
    expect(own.server.totals().requests).toBe(ownRequests);

    const [put] = putCalls(B);
    expect(putCalls(B)).toHaveLength(1);
    expect(reporterKeys.get(put!.accessKeyId!)).toBe(B);
    expect(put!.input.ResultToken).toBe(sample('config-change-notification.json').resultToken);
    expect(put!.input.Evaluations as Evaluation[]).toEqual([
      {
        ComplianceResourceType: 'AWS::EKS::Cluster',
        ComplianceResourceId: 'prod',
        ComplianceType: 'COMPLIANT',
        Annotation: expect.any(String),
        OrderingTimestamp: new Date('2026-11-22T10:04:31.512Z'),
      },
    ]);
    // The hub's own Config client is never used for a member's results.
    expect(ownConfig.send).not.toHaveBeenCalled();
  });

  it('the periodic run lists B’s past results with B’s config-reporter credentials and retires a cluster gone from B', async () => {
    const handler = handlerFor();
    pastResults = { [B]: ['prod', 'decommissioned'] };
    const event = {
      ...sample('config-scheduled-notification.json'),
      accountId: B,
      configRuleName: 'OrgConfigRule-private-eks-subnets-free-ips-abcdef12',
      ruleParameters: '{"ruleId":"SUBNETS_FREE_IPS"}',
    };
    const summary = await handler(event);

    expect(summary.scope).toEqual({ wholeRegion: true });
    const [list] = memberConfigCalls.filter((c) => c.command === 'GetComplianceDetailsByConfigRuleCommand');
    expect(list).toMatchObject({
      account: B,
      input: { ConfigRuleName: 'OrgConfigRule-private-eks-subnets-free-ips-abcdef12' },
    });
    expect(reporterKeys.get(list!.accessKeyId!)).toBe(B);
    const written = putCalls(B).flatMap((c) => c.input.Evaluations as Evaluation[]);
    expect(written.map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['prod', 'COMPLIANT'],
      ['decommissioned', 'NOT_APPLICABLE'],
    ]);
    expect(putCalls(B).every((c) => reporterKeys.get(c.accessKeyId!) === B)).toBe(true);
    expect(ownConfig.send).not.toHaveBeenCalled();
  });

  it('the collection cache keeps accounts apart: the same VPC id in B and C is collected once in each', async () => {
    const cache = new CollectionCache();
    const handler = handlerFor(cache);
    expect(ids[B]!.vpcId).toBe(ids[C]!.vpcId);
    const beforeB = org.requestsOf(B);
    const beforeC = org.requestsOf(C);

    await handler(changeIn(B));
    const afterB = org.requestsOf(B);
    expect(afterB).toBeGreaterThan(beforeB);
    await handler(changeIn(C));
    expect(org.requestsOf(C)).toBeGreaterThan(beforeC);
    // B's own view was not served to C: C's results were read in C and written with C's credentials.
    expect(org.requestsOf(B)).toBe(afterB);
    expect(putCalls(C).map((c) => reporterKeys.get(c.accessKeyId!))).toEqual([C]);

    // A second rule of B within the TTL is served from B's entry.
    await handler({ ...changeIn(B), ruleParameters: '{"ruleId":"SUBNETS_PRIVATE"}' });
    expect(org.requestsOf(B)).toBe(afterB);
    expect(cache.size).toBe(2);
  });

  it('the Lambda’s own account is evaluated as before: its own reader and Config, no role assumed', async () => {
    const handler = handlerFor();
    const before = own.server.totals().requests;
    const event = { ...sample('config-change-notification.json', ids[HUB]), accountId: HUB };
    const summary = await handler(event);

    expect(summary.accountId).toBeUndefined();
    expect(assumed).toEqual([]);
    expect(own.server.totals().requests).toBeGreaterThan(before);
    expect(memberConfigCalls).toEqual([]);
    const puts = ownConfig.send.mock.calls.map(([command]) => command);
    expect(puts).toHaveLength(1);
    expect(puts[0]).toBeInstanceOf(PutEvaluationsCommand);
    expect(puts[0]).not.toBeInstanceOf(GetComplianceDetailsByConfigRuleCommand);
  });

  it('a member whose role refuses the hub fails the invocation naming the role, and nothing is written', async () => {
    const handler = handlerFor();
    await expect(handler(changeIn('999988887777'))).rejects.toThrow(/AccessDenied|not authorized/);
    expect(memberConfigCalls).toEqual([]);
    expect(ownConfig.send).not.toHaveBeenCalled();
  });
});
