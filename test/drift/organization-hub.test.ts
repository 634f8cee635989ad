import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  ConfigServiceClient,
  DescribeConfigRulesCommand,
  StartConfigRulesEvaluationCommand,
} from '@aws-sdk/client-config-service';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { isReadFailure } from '../../lambda/middleware';
import type { DriftDeps } from '../../drift/drift-deps';
import { parseRecheckMessage, RecheckQueue } from '../../drift/recheck-queue';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  MemberAccountError,
  processCloudTrailEvent,
  processRecheckMessage,
  processSweep,
} from '../../drift/triggers';
import { StateStore } from '../../state/state-store';
import { startDynalite, type LocalDynamo } from '../../testkit/dynalite';
import { FakeOrganization } from '../../testkit/fake-org';
import {
  addPrivateCluster,
  emptySnapshot,
  type ClusterIds,
  type RawSnapshot,
} from '../../testkit/private-cluster';
import { group } from '../../testkit/snapshot-edits';
import {
  QUEUE_URL,
  REGION,
  chatAlerts,
  configMock,
  harness,
  recheckMessages,
  resetMocks,
  sampleEvent,
  type Harness,
} from './drift-harness';
import { organizationDeps, type OrganizationDeps } from './organization-harness';

/*
 * An Organization hub (deploy/org): member accounts forward CloudTrail events to the hub's bus, keeping their
 * `account`; the hub's drift Lambda reads the member through the member role (fromTemporaryCredentials, answered
 * by testkit/fake-org.ts, whose members refuse keys AssumeRole did not issue for them), records under the member's
 * state keys and alerts from the one place, naming the member account.
 */

const HUB = '111122223333';
const B = '222233334444';
const C = '555566667777';

let local: LocalDynamo;
let h: Harness;
let deps: DriftDeps;
let org: FakeOrganization;
let hubIds: ClusterIds;
let bSnapshot: RawSnapshot;
let bIds: ClusterIds;
let hub: OrganizationDeps;
let memberConfig: ConfigServiceClient;
let assumed: string[];

function memberSnapshot(accountId: string): { snapshot: RawSnapshot; ids: ClusterIds } {
  const snapshot = emptySnapshot(REGION, accountId);
  const ids = addPrivateCluster(snapshot, { index: 1, name: 'prod' });
  return { snapshot, ids };
}

beforeAll(async () => {
  local = await startDynalite();
  h = harness(local);
  const own = memberSnapshot(HUB);
  hubIds = own.ids;
  h.serve(own.snapshot);
  const b = memberSnapshot(B);
  bSnapshot = b.snapshot;
  bIds = b.ids;
  org = new FakeOrganization(
    HUB,
    [
      { id: B, regions: { [REGION]: bSnapshot } },
      { id: C, denyAssume: true, regions: { [REGION]: memberSnapshot(C).snapshot } },
    ],
    { member: { buckets: { ec2: undefined, eks: undefined, sts: undefined } } },
  );
  hub = organizationDeps(h, org, HUB, new OrganizationsClient({ region: REGION }));
  deps = hub.deps;
  assumed = hub.assumed;
  memberConfig = hub.memberConfig;
});

afterAll(async () => {
  hub.close();
  h.close();
  await local.close();
});

beforeEach(() => {
  resetMocks();
  h.warnings.length = 0;
  h.counts.clear();
  configMock.on(DescribeConfigRulesCommand).resolves({
    ConfigRules: [
      {
        ConfigRuleName: 'OrgConfigRule-private-eks-vpc-endpoints-security-groups-abcdef12',
        InputParameters: '{"ruleId":"VPC_ENDPOINTS_SECURITY_GROUPS"}',
        Source: {
          Owner: 'CUSTOM_LAMBDA',
          SourceIdentifier: 'arn:aws:lambda:eu-west-1:111122223333:function:x',
        },
      },
      {
        ConfigRuleName: 'someone-elses-rule',
        Source: { Owner: 'AWS', SourceIdentifier: 'S3_BUCKET_VERSIONING_ENABLED' },
      },
    ],
  });
});

let eventCounter = 0;
function revokeIn(account: string, groupId: string) {
  eventCounter += 1;
  const event = sampleEvent('cloudtrail-RevokeSecurityGroupIngress.json');
  event.account = account;
  (event.detail.requestParameters as Record<string, unknown>).groupId = groupId;
  event.detail.responseElements = null;
  event.detail.eventID = `00000000-0000-4000-9000-${String(eventCounter).padStart(12, '0')}`;
  return event;
}

describe('Organization hub: drift events forwarded by member accounts', () => {
  it('re-checks B through B’s assumed role, alerts once naming B, and keeps B’s prod apart from the hub’s prod', async () => {
    // The hub's own cluster prod, compliant, recorded by its own sweep (single-account keys).
    await processSweep(deps, REGION);
    const own = h.deps.store as StateStore;
    expect((await own.listCluster('prod')).every((r) => r.compliance !== 'NON_COMPLIANT')).toBe(true);
    resetMocks();
    configMock.on(DescribeConfigRulesCommand).resolves({
      ConfigRules: [
        {
          ConfigRuleName: 'OrgConfigRule-private-eks-vpc-endpoints-security-groups-abcdef12',
          InputParameters: '{"ruleId":"VPC_ENDPOINTS_SECURITY_GROUPS"}',
          Source: { Owner: 'CUSTOM_LAMBDA' },
        },
      ],
    });

    // B's baseline, then B breaks its endpoint security group.
    await processCloudTrailEvent(deps, revokeIn(B, bIds.endpointSecurityGroupId), REGION);
    resetMocks();
    configMock.on(DescribeConfigRulesCommand).resolves({
      ConfigRules: [
        {
          ConfigRuleName: 'OrgConfigRule-private-eks-vpc-endpoints-security-groups-abcdef12',
          InputParameters: '{"ruleId":"VPC_ENDPOINTS_SECURITY_GROUPS"}',
          Source: { Owner: 'CUSTOM_LAMBDA' },
        },
      ],
    });
    group(bSnapshot, bIds.endpointSecurityGroupId).IpPermissions = [];
    const event = revokeIn(B, bIds.endpointSecurityGroupId);
    const [first, duplicate] = await Promise.all([
      processCloudTrailEvent(deps, event, REGION),
      processCloudTrailEvent(deps, structuredClone(event), REGION),
    ]);

    expect([...first.alerts, ...duplicate.alerts]).toEqual([
      { clusterName: 'prod', ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS', kind: 'NEW_VIOLATION' },
    ]);
    const alerts = chatAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.attributes).toMatchObject({ accountId: B, clusterName: 'prod', region: REGION });
    expect(JSON.stringify(alerts[0]?.body)).toContain(B);
    expect(assumed).toContain(`arn:aws:iam::${B}:role/private-eks-guard-reader`);
    expect(org.requestsOf(B)).toBeGreaterThan(0);

    // State: B's prod is violating under B's keys; the hub's own prod is untouched.
    const inB = own.forScope({ accountId: B, region: REGION });
    expect((await inB.get('prod', 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.compliance).toBe('NON_COMPLIANT');
    expect((await own.get('prod', 'VPC_ENDPOINTS_SECURITY_GROUPS'))?.compliance).toBe('COMPLIANT');
    expect(await inB.listClusters()).toEqual(['prod']);

    // AWS Config in B, under the name AWS Config gave the organization rule's member rule, on B's client.
    const starts = configMock.commandCalls(StartConfigRulesEvaluationCommand);
    expect(starts.map((c) => c.args[0].input.ConfigRuleNames)).toContainEqual([
      'OrgConfigRule-private-eks-vpc-endpoints-security-groups-abcdef12',
    ]);
    expect(starts.every((c) => c.thisValue === memberConfig)).toBe(true);
  });

  it('a member’s re-check message carries the account, and parses back to a check in that account', async () => {
    expect(recheckMessages()).toEqual([]);
    await new RecheckQueue(new SQSClient({ region: REGION }), QUEUE_URL).enqueue({
      vpcIds: [bIds.vpcId],
      attempt: 1,
      reason: 'endpoint pending',
      accountId: B,
    });
    await new RecheckQueue(new SQSClient({ region: REGION }), QUEUE_URL).enqueue({
      vpcIds: [hubIds.vpcId],
      attempt: 1,
      reason: 'endpoint pending',
    });
    const [memberMessage, ownMessage] = recheckMessages().map((m) => m.body);
    expect(memberMessage?.account).toBe(B);
    // The own account's messages are exactly as before the Organization change.
    expect(ownMessage).not.toHaveProperty('account');
    const message = parseRecheckMessage(
      JSON.stringify({
        kind: 'recheck',
        vpcIds: [bIds.vpcId],
        attempt: 1,
        reason: 'test',
        event: null,
        configRules: null,
        account: B,
      }),
    );
    const outcome = await processRecheckMessage(deps, message, REGION);
    expect(outcome.judgedClusters).toEqual(['prod']);
    // Already alerted above: nothing new, and the hub's prod state is still its own.
    expect(outcome.alerts).toEqual([]);
    // Messages from before the account field parse as the own account's.
    const old = parseRecheckMessage(
      '{"kind":"recheck","vpcIds":[],"attempt":1,"reason":"x","event":null,"configRules":null}',
    );
    expect(old.account).toBeUndefined();
  });

  it('AssumeRole denied for C: logged and counted as the member’s, the invocation fails, no other account’s state touched', async () => {
    const own = h.deps.store as StateStore;
    const before = {
      hub: await own.listCluster('prod'),
      b: await own.forScope({ accountId: B, region: REGION }).listCluster('prod'),
    };
    const failure = await processCloudTrailEvent(
      deps,
      revokeIn(C, hubIds.endpointSecurityGroupId),
      REGION,
    ).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(MemberAccountError);
    // The member's setup, not the hub's grants: MemberAccountFailures, and the middleware counts no AwsReadErrors.
    expect(isReadFailure(failure)).toBe(false);
    expect(isReadFailure((failure as Error).cause)).toBe(true);
    expect(h.counts.get('MemberAccountFailures')).toBe(1);
    expect(String((failure as Error).message)).toMatch(
      new RegExp(`^account ${C}: .*(AccessDenied|not authorized)`),
    );
    expect(h.warnings).toContain('member account check failed');
    expect(chatAlerts()).toEqual([]);
    expect(await own.listCluster('prod')).toEqual(before.hub);
    expect(await own.forScope({ accountId: B, region: REGION }).listCluster('prod')).toEqual(before.b);
    expect(await own.forScope({ accountId: C, region: REGION }).listClusters()).toEqual([]);
  });

  it('a single-account deployment (no own account known) treats every event as its own', async () => {
    const single: DriftDeps = { ...h.deps };
    const outcome = await processCloudTrailEvent(single, revokeIn(B, hubIds.endpointSecurityGroupId), REGION);
    expect(outcome.judgedClusters).toEqual(['prod']);
  });
});
