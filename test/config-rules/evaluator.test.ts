import {
  ConfigServiceClient,
  GetComplianceDetailsByConfigRuleCommand,
  PutEvaluationsCommand,
} from '@aws-sdk/client-config-service';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsReadError } from '../../aws/errors';
import { CollectionCache, type CollectionScope } from '../../config-rules/collection-cache';
import { ConfigEventError } from '../../config-rules/errors';
import { handleConfigRuleEvent, type EvaluatorDeps } from '../../config-rules/evaluator';
import type { ConfigRuleEvent } from '../../config-rules/notification';
import { makeHandler } from '../../functions/config-evaluator';
import { accessDenied } from '../../testkit/fake-aws';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { withoutSection } from '../../testkit/snapshot-edits';
import { viewOf } from '../../testkit/view';
import { fakeAccount, sample, withInvokingEvent } from './helpers';

const config = mockClient(ConfigServiceClient);
const configClient = new ConfigServiceClient({ region: 'eu-west-1' });

beforeEach(() => {
  config.reset();
  config.on(PutEvaluationsCommand).resolves({ FailedEvaluations: [] });
  config.on(GetComplianceDetailsByConfigRuleCommand).resolves({ EvaluationResults: [] });
});

function setup(
  account: RawSnapshot,
  cache = new CollectionCache(),
  inject?: Parameters<typeof fakeAccount>[1],
) {
  const fake = fakeAccount(account, inject);
  const deps: EvaluatorDeps = { reader: fake.reader, config: configClient, cache };
  const handler = makeHandler(deps);
  // The samples and their edits are JSON read from events/: typed as the Lambda receives them only here.
  return { ...fake, deps, handler: (event: unknown) => handler(event as ConfigRuleEvent) };
}

const written = () =>
  config.commandCalls(PutEvaluationsCommand).flatMap((c) => c.args[0].input.Evaluations ?? []);

describe('change notification', () => {
  it('evaluates the clusters of the changed subnet’s VPC only, ordered by the item’s capture time', async () => {
    const { snapshot, ids } = privateClustersSnapshot(2);
    const { handler, server } = setup(snapshot);
    const summary = await handler(sample('config-change-notification.json', ids[1]));
    expect(summary.ruleId).toBe('SUBNETS_FREE_IPS');
    expect(summary.scope).toEqual({ vpcIds: [ids[1]!.vpcId] });
    expect(written()).toEqual([
      {
        ComplianceResourceType: 'AWS::EKS::Cluster',
        ComplianceResourceId: ids[1]!.name,
        ComplianceType: 'COMPLIANT',
        Annotation: expect.any(String),
        OrderingTimestamp: new Date('2026-11-22T10:04:31.512Z'),
      },
    ]);
    expect(config.commandCalls(PutEvaluationsCommand)[0]!.args[0].input.ResultToken).toMatch(/^eyJ/);
    // VPC-scoped: the clusters come from the VPC's tagged security groups, not a Region-wide ListClusters.
    expect(server.get('eks:ListClusters').requests).toBe(0);
    expect(server.get('eks:DescribeCluster').requests).toBe(1);
  });

  it('reports a violation the rule finds, with the parameters from ruleParameters', async () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    const { handler } = setup(snapshot);
    const event = {
      ...sample('config-change-notification.json', ids[0]),
      ruleParameters: '{"minFreeIps":"1000000"}',
    };
    await handler(event);
    expect(written().map((e) => e.ComplianceType)).toEqual(['NON_COMPLIANT']);
  });

  it('evaluates a changed cluster whose item names no VPC by describing it', async () => {
    const { snapshot, ids } = privateClustersSnapshot(2);
    const { handler } = setup(snapshot);
    const event = withInvokingEvent(sample('config-change-notification.json'), (invoking) => {
      invoking.configurationItem = {
        resourceType: 'AWS::EKS::Cluster',
        resourceId: ids[0]!.name,
        configurationItemStatus: 'OK',
        configurationItemCaptureTime: '2026-11-22T11:00:00.000Z',
        relationships: [],
        configuration: { Name: ids[0]!.name, ResourcesVpcConfig: { SubnetIds: ids[0]!.subnetIds } },
      };
    });
    const summary = await handler(event);
    expect(summary.scope).toEqual({ vpcIds: [ids[0]!.vpcId] });
    expect(written().map((e) => e.ComplianceResourceId)).toEqual([ids[0]!.name]);
  });

  it.each([
    ['a deleted cluster', { configurationItemStatus: 'ResourceDeleted' }, false],
    ['a cluster that left the rule’s scope', { configurationItemStatus: 'OK' }, true],
  ])('%s → NOT_APPLICABLE, without collecting', async (_, fields, eventLeftScope) => {
    const { snapshot } = privateClustersSnapshot(1);
    const { handler, server } = setup(snapshot);
    const event = withInvokingEvent(sample('config-change-notification.json'), (invoking) => {
      invoking.configurationItem = {
        resourceType: 'AWS::EKS::Cluster',
        resourceId: 'gone-cluster',
        ...fields,
      };
    });
    await handler({ ...event, eventLeftScope });
    expect(written().map((e) => [e.ComplianceResourceId, e.ComplianceType])).toEqual([
      ['gone-cluster', 'NOT_APPLICABLE'],
    ]);
    expect(server.totals().requests).toBe(0);
  });

  it('writes nothing when a related resource leaves scope', async () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    const { handler, server } = setup(snapshot);
    await handler({ ...sample('config-change-notification.json', ids[0]), eventLeftScope: true });
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
    expect(server.totals().requests).toBe(0);
  });

  it('re-evaluates every VPC using changed DHCP options, found by a read when the item names none', async () => {
    const { snapshot, ids } = privateClustersSnapshot(3);
    const shared = ids[0]!.dhcpOptionsId;
    snapshot.ec2.Vpcs.find((v) => v.VpcId === ids[2]!.vpcId)!.DhcpOptionsId = shared;
    const { handler } = setup(snapshot);
    const event = withInvokingEvent(sample('config-oversized-notification.json'), (invoking) => {
      invoking.configurationItemSummary = { resourceType: 'AWS::EC2::DHCPOptions', resourceId: shared };
    });
    const summary = await handler(event);
    expect(summary.scope).toEqual({ vpcIds: [ids[0]!.vpcId, ids[2]!.vpcId].sort() });
    expect(
      written()
        .map((e) => e.ComplianceResourceId)
        .sort(),
    ).toEqual([ids[0]!.name, ids[2]!.name].sort());
  });
});

describe('oversized notification', () => {
  it('re-reads the resource named by the summary and evaluates the clusters of its VPC', async () => {
    const { snapshot, ids } = privateClustersSnapshot(2);
    const { handler, reader } = setup(snapshot);
    const summary = await handler(sample('config-oversized-notification.json', ids[1]));
    expect(reader.lookups).toEqual([`ec2:DescribeSecurityGroups ${ids[1]!.nodeSecurityGroupId}`]);
    expect(summary.ruleId).toBe('CLUSTER_SECURITY_GROUP');
    expect(summary.scope).toEqual({ vpcIds: [ids[1]!.vpcId] });
    expect(written().map((e) => [e.ComplianceResourceId, e.OrderingTimestamp])).toEqual([
      [ids[1]!.name, new Date('2026-11-22T10:06:02.877Z')],
    ]);
  });
});

describe('scheduled notification', () => {
  it('evaluates every cluster of the Region and marks evaluated clusters that no longer exist NOT_APPLICABLE', async () => {
    const { snapshot, ids } = privateClustersSnapshot(3);
    config
      .on(GetComplianceDetailsByConfigRuleCommand)
      .resolvesOnce({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: { ResourceType: 'AWS::EKS::Cluster', ResourceId: ids[0]!.name },
            },
          },
        ],
        NextToken: 'next',
      })
      .resolvesOnce({
        EvaluationResults: [
          {
            EvaluationResultIdentifier: {
              EvaluationResultQualifier: {
                ResourceType: 'AWS::EKS::Cluster',
                ResourceId: 'deleted-last-week',
              },
            },
          },
        ],
      });
    const { handler } = setup(snapshot);
    const summary = await handler(sample('config-scheduled-notification.json'));
    expect(summary.scope).toEqual({ wholeRegion: true });
    const byName = Object.fromEntries(written().map((e) => [e.ComplianceResourceId, e.ComplianceType]));
    expect(byName).toEqual({
      ...Object.fromEntries(ids.map((i) => [i.name, 'COMPLIANT'])),
      'deleted-last-week': 'NOT_APPLICABLE',
    });
    expect(written().every((e) => e.OrderingTimestamp?.toISOString() === '2026-11-22T12:00:00.318Z')).toBe(
      true,
    );
    const ruleNames = config
      .commandCalls(GetComplianceDetailsByConfigRuleCommand)
      .map((c) => c.args[0].input.ConfigRuleName);
    expect(ruleNames).toEqual(['private-eks-vpc-endpoints-present', 'private-eks-vpc-endpoints-present']);
  });

  it('never writes INSUFFICIENT_DATA (it is logged instead)', async () => {
    const { snapshot, ids } = privateClustersSnapshot(2);
    const partial = structuredClone(snapshot);
    withoutSection('Subnets')(partial);
    const cache = new CollectionCache({ collect: () => Promise.resolve(viewOf(partial)) });
    const warnings: string[] = [];
    const { deps } = setup(snapshot, cache);
    const event = {
      ...sample('config-scheduled-notification.json'),
      configRuleName: 'private-eks-subnets-free-ips',
      ruleParameters: '{}',
    };
    const summary = await handleConfigRuleEvent(event, {
      ...deps,
      log: { info: () => undefined, warn: (message) => warnings.push(message) },
    });
    expect(summary.insufficient.sort()).toEqual(ids.map((i) => i.name).sort());
    expect(written()).toEqual([]);
    expect(warnings.filter((w) => w.includes('INSUFFICIENT_DATA'))).toHaveLength(2);
  });

  it('counts the evaluations it wrote, not the INSUFFICIENT_DATA it left out', async () => {
    const { snapshot, ids } = privateClustersSnapshot(3);
    const partial = structuredClone(snapshot);
    // One cluster loses its subnets from the view: that one is INSUFFICIENT_DATA, the other two are written.
    const lost = new Set<unknown>(ids[0]!.subnetIds);
    partial.ec2.Subnets = partial.ec2.Subnets.filter((subnet) => !lost.has(subnet.SubnetId));
    const cache = new CollectionCache({ collect: () => Promise.resolve(viewOf(partial)) });
    const counts: number[] = [];
    const { deps } = setup(snapshot, cache);
    const summary = await handleConfigRuleEvent(
      {
        ...sample('config-scheduled-notification.json'),
        configRuleName: 'private-eks-subnets-free-ips',
        ruleParameters: '{}',
      },
      {
        ...deps,
        metrics: { count: (name, value = 1) => void (name === 'EvaluationsWritten' && counts.push(value)) },
      },
    );
    expect(summary.written).toBe(2);
    expect(summary.insufficient).toHaveLength(1);
    expect(counts).toEqual([2]);
  });
});

describe('failures', () => {
  it('bad ruleParameters fail the invocation with one clear error and write nothing', async () => {
    const { snapshot } = privateClustersSnapshot(1);
    const { handler, server } = setup(snapshot);
    const event = {
      ...sample('config-scheduled-notification.json'),
      ruleParameters: '{"requiredServices":"com.amazonaws.eu-west-1.s3"}',
    };
    await expect(handler(event)).rejects.toThrow(ConfigEventError);
    await expect(handler(event)).rejects.toThrow(
      /private-eks-vpc-endpoints-present: bad InputParameters: parameter requiredServices/,
    );
    expect(server.totals().requests).toBe(0);
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
  });

  it('an AWS read error fails the invocation, writes nothing, and is not cached', async () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    let deny = true;
    const cache = new CollectionCache();
    const { handler } = setup(snapshot, cache, {
      inject: (request) =>
        deny && request.operation === 'DescribeSubnets' ? accessDenied(request) : undefined,
    });
    const event = sample('config-change-notification.json', ids[0]);
    await expect(handler(event)).rejects.toThrow(AwsReadError);
    expect(config.commandCalls(PutEvaluationsCommand)).toHaveLength(0);
    await Promise.resolve();
    expect(cache.size).toBe(0);
    deny = false;
    await expect(handler(event)).resolves.toMatchObject({ written: 1 });
  });

  it('FailedEvaluations fail the invocation', async () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    config.on(PutEvaluationsCommand).callsFake((input: { Evaluations: unknown[] }) => ({
      FailedEvaluations: input.Evaluations,
    }));
    const { handler } = setup(snapshot);
    await expect(handler(sample('config-change-notification.json', ids[0]))).rejects.toThrow(
      /rejected 1 of 1/,
    );
  });
});

describe('collection cache', () => {
  function clock() {
    let now = 0;
    return { now: () => now, advance: (ms: number) => void (now += ms) };
  }

  it('a second rule within the TTL collects nothing; after the TTL it collects again', async () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    const time = clock();
    const cache = new CollectionCache({ ttlMs: 30_000, now: time.now });
    const { handler, server } = setup(snapshot, cache);
    const event = sample('config-change-notification.json', ids[0]);
    await handler(event);
    const afterFirst = server.totals('ec2').requests;
    expect(afterFirst).toBeGreaterThan(0);
    time.advance(29_999);
    await handler({ ...event, configRuleName: 'private-eks-subnets-multi-az', ruleParameters: '{}' });
    expect(server.totals('ec2').requests).toBe(afterFirst);
    expect(written().map((e) => e.ComplianceResourceId)).toEqual([ids[0]!.name, ids[0]!.name]);
    time.advance(1);
    await handler(event);
    expect(server.totals('ec2').requests).toBe(2 * afterFirst);
  });

  it('concurrent invocations for one change share one collection', async () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    const collected: CollectionScope[] = [];
    const cache = new CollectionCache({
      collect: (_, scope) => {
        collected.push(scope);
        return Promise.resolve(viewOf(snapshot));
      },
    });
    const { handler } = setup(snapshot, cache);
    const event = sample('config-change-notification.json', ids[0]);
    const rules = [
      'private-eks-subnets-free-ips',
      'private-eks-subnets-multi-az',
      'private-eks-subnets-private',
    ];
    await Promise.all(rules.map((name) => handler({ ...event, configRuleName: name, ruleParameters: '{}' })));
    expect(collected).toEqual([{ vpcIds: [ids[0]!.vpcId] }]);
    expect(written()).toHaveLength(3);
  });

  it('a fresh whole-Region collection serves a VPC-scoped change', async () => {
    const { snapshot, ids } = privateClustersSnapshot(2);
    const { handler, server } = setup(snapshot);
    await handler(sample('config-scheduled-notification.json'));
    const afterScheduled = server.totals().requests;
    await handler(sample('config-change-notification.json', ids[0]));
    expect(server.totals().requests).toBe(afterScheduled);
    expect(
      written()
        .slice(-1)
        .map((e) => e.ComplianceResourceId),
    ).toEqual([ids[0]!.name]);
  });
});
