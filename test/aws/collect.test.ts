import {
  DescribeDhcpOptionsCommand,
  DescribeNetworkAclsCommand,
  DescribePrefixListsCommand,
  DescribeRegionsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  EKSClient,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { collectSnapshot, listEnabledRegions } from '../../aws/collect';
import { AwsReadError } from '../../aws/errors';
import { COLLECTOR_IAM_ACTIONS } from '../../aws/permissions';
import { AwsReader } from '../../aws/reader';
import { evaluateSnapshot } from '../../engine/evaluate';
import { parseParams } from '../../engine/params';
import { RULES } from '../../rules';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { viewOf } from '../../testkit/view';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const sts = mockClient(STSClient);
const REGION = 'eu-west-1';
const NO_PACING = { ec2: { concurrency: 4 }, eks: { concurrency: 4 }, sts: { concurrency: 1 } };

function reader(): AwsReader {
  const clients = {
    ec2: new EC2Client({ region: REGION }),
    eks: new EKSClient({ region: REGION }),
    sts: new STSClient({ region: REGION }),
  };
  return new AwsReader(clients, REGION, { limits: NO_PACING });
}

/** Answers every read the collector makes from `account`, as EC2, EKS and STS would (one page each). */
function serve(account: RawSnapshot): void {
  sts.on(GetCallerIdentityCommand).resolves({
    UserId: 'AIDAEXAMPLEUSERID1234',
    Account: account.accountId,
    Arn: `arn:aws:iam::${account.accountId}:user/auditor`,
  });
  const byVpc =
    <T extends Record<string, unknown>>(items: T[]) =>
    (input: { Filters?: { Name?: string; Values?: string[] }[] }) => {
      const filter = input.Filters?.find((f) => f.Name === 'vpc-id');
      return filter ? items.filter((item) => filter.Values!.includes(item.VpcId as string)) : items;
    };
  ec2.on(DescribeVpcsCommand).callsFake((input: { VpcIds?: string[] }) => ({
    Vpcs: input.VpcIds
      ? account.ec2.Vpcs.filter((v) => input.VpcIds!.includes(v.VpcId as string))
      : account.ec2.Vpcs,
  }));
  ec2.on(DescribeSubnetsCommand).callsFake((input) => ({ Subnets: byVpc(account.ec2.Subnets)(input) }));
  ec2
    .on(DescribeRouteTablesCommand)
    .callsFake((input) => ({ RouteTables: byVpc(account.ec2.RouteTables)(input) }));
  ec2
    .on(DescribeNetworkAclsCommand)
    .callsFake((input) => ({ NetworkAcls: byVpc(account.ec2.NetworkAcls)(input) }));
  ec2
    .on(DescribeSecurityGroupsCommand)
    .callsFake((input) => ({ SecurityGroups: byVpc(account.ec2.SecurityGroups)(input) }));
  ec2
    .on(DescribeVpcEndpointsCommand)
    .callsFake((input) => ({ VpcEndpoints: byVpc(account.ec2.VpcEndpoints)(input) }));
  ec2.on(DescribeDhcpOptionsCommand).callsFake((input: { DhcpOptionsIds?: string[] }) => ({
    DhcpOptions: account.ec2.DhcpOptions.filter(
      (d) => !input.DhcpOptionsIds || input.DhcpOptionsIds.includes(d.DhcpOptionsId as string),
    ),
  }));
  ec2.on(DescribePrefixListsCommand).resolves({ PrefixLists: account.ec2.PrefixLists as never });
  ec2.on(DescribeVpcAttributeCommand).callsFake((input: { VpcId: string; Attribute: string }) => {
    const attributes = account.ec2.VpcAttributes[input.VpcId] as Record<string, unknown>;
    return input.Attribute === 'enableDnsSupport'
      ? { VpcId: input.VpcId, EnableDnsSupport: attributes.EnableDnsSupport }
      : { VpcId: input.VpcId, EnableDnsHostnames: attributes.EnableDnsHostnames };
  });
  eks.on(ListClustersCommand).resolves({ clusters: account.eks.clusters.map((c) => c.name as string) });
  eks.on(DescribeClusterCommand).callsFake((input: { name: string }) => {
    const cluster = account.eks.clusters.find((c) => c.name === input.name);
    if (!cluster)
      throw Object.assign(new Error(`No cluster found for name: ${input.name}.`), {
        name: 'ResourceNotFoundException',
      });
    return { cluster };
  });
  eks.on(ListNodegroupsCommand).callsFake((input: { clusterName: string }) => ({
    nodegroups: (account.eks.nodegroups[input.clusterName] ?? []).map((n) => n.nodegroupName as string),
  }));
  eks.on(DescribeNodegroupCommand).callsFake((input: { clusterName: string; nodegroupName: string }) => ({
    nodegroup: account.eks.nodegroups[input.clusterName]!.find(
      (n) => n.nodegroupName === input.nodegroupName,
    ),
  }));
  eks.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: [] });
}

beforeEach(() => {
  ec2.reset();
  eks.reset();
  sts.reset();
});

const findingsOf = (raw: unknown) =>
  evaluateSnapshot(viewOf(raw as Record<string, unknown>), RULES, parseParams()).map(
    ({ ruleId, resourceId, compliance, annotation }) => `${resourceId} ${ruleId} ${compliance} ${annotation}`,
  );

describe('collectSnapshot, whole Region', () => {
  it('collects a snapshot the engine judges exactly as the account it was read from', async () => {
    const { snapshot: account } = privateClustersSnapshot(3);
    (account.ec2.SecurityGroups[3] as { IpPermissions: unknown[] }).IpPermissions = []; // a drift to carry through
    serve(account);
    const r = reader();
    const collected = await collectSnapshot(r);
    expect(findingsOf(collected)).toEqual(findingsOf(account));
    expect(findingsOf(collected).some((f) => f.includes('NON_COMPLIANT'))).toBe(true);
    expect(collected).toMatchObject({ schemaVersion: 1, accountId: '111122223333', region: REGION });
    // One page per list call + DescribeCluster, ListNodegroups, DescribeNodegroup, ListFargateProfiles per cluster
    // + 2 DescribeVpcAttribute per cluster VPC + GetCallerIdentity.
    expect(r.ledger.totalCalls).toBe(8 + 1 + 3 * 4 + 3 * 2 + 1);
    expect(r.ledger.get('ec2:DescribeVpcAttribute')?.calls).toBe(6);
    expect(
      Object.keys(r.ledger.toJSON()).filter((a) => !(COLLECTOR_IAM_ACTIONS as readonly string[]).includes(a)),
    ).toEqual([]);
  });

  it('follows NextToken across pages and loses nothing', async () => {
    const { snapshot: account } = privateClustersSnapshot(1);
    serve(account);
    const subnets = account.ec2.Subnets;
    ec2.on(DescribeSubnetsCommand).callsFake((input: { NextToken?: string; MaxResults?: number }) => {
      expect(input.MaxResults).toBe(1000);
      const start = Number(input.NextToken ?? 0);
      const next = start + 1 < subnets.length ? String(start + 1) : undefined;
      return { Subnets: [subnets[start]], ...(next ? { NextToken: next } : {}) };
    });
    eks.on(ListClustersCommand).callsFake((input: { nextToken?: string; maxResults?: number }) => {
      expect(input.maxResults).toBe(100);
      return input.nextToken ? { clusters: ['prod-0'] } : { clusters: [], nextToken: 'page-2' };
    });
    const r = reader();
    const collected = (await collectSnapshot(r)) as unknown as RawSnapshot;
    expect(collected.ec2.Subnets.map((s) => s.SubnetId)).toEqual(subnets.map((s) => s.SubnetId));
    expect(collected.eks.clusters.map((c) => c.name)).toEqual(['prod-0']);
    expect(r.ledger.get('ec2:DescribeSubnets')?.calls).toBe(3);
    expect(r.ledger.get('eks:ListClusters')?.calls).toBe(2);
  });

  it('reads customer-managed prefix lists that security-group rules reference, in the AWS-managed shape', async () => {
    const { snapshot: account, ids } = privateClustersSnapshot(1);
    const group = account.ec2.SecurityGroups.find((g) => g.GroupId === ids[0]!.endpointSecurityGroupId) as {
      IpPermissions: { PrefixListIds: { PrefixListId: string }[] }[];
    };
    group.IpPermissions[0]!.PrefixListIds = [{ PrefixListId: 'pl-0123456789abcdef0' }];
    serve(account);
    ec2
      .on(GetManagedPrefixListEntriesCommand, { PrefixListId: 'pl-0123456789abcdef0' })
      .resolves({ Entries: [{ Cidr: '10.0.0.0/17', Description: 'nodes a' }, { Cidr: '10.0.128.0/17' }] });
    const collected = (await collectSnapshot(reader())) as unknown as RawSnapshot;
    expect(collected.ec2.PrefixLists).toContainEqual({
      PrefixListId: 'pl-0123456789abcdef0',
      Cidrs: ['10.0.0.0/17', '10.0.128.0/17'],
    });
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand)).toHaveLength(1);
    expect(ec2.commandCalls(GetManagedPrefixListEntriesCommand)[0]!.args[0].input).toMatchObject({
      MaxResults: 100,
    });
  });

  it('collects an empty account as an empty, valid snapshot without describing VPC attributes', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '444455556666' });
    ec2.onAnyCommand().resolves({});
    eks.onAnyCommand().resolves({});
    const r = reader();
    const collected = await collectSnapshot(r);
    expect(findingsOf(collected)).toEqual([]);
    expect(r.ledger.get('ec2:DescribeVpcAttribute')).toBeUndefined();
    expect(r.ledger.totalCalls).toBe(10);
  });

  it('fails the whole collection with the missing IAM action on AccessDenied — never half a snapshot', async () => {
    serve(privateClustersSnapshot(1).snapshot);
    ec2.on(DescribeNetworkAclsCommand).rejects(
      Object.assign(
        new Error(
          'You are not authorized to perform this operation. Encoded authorization failure message: AbC123',
        ),
        {
          name: 'UnauthorizedOperation',
          $metadata: { httpStatusCode: 403 },
        },
      ),
    );
    const collection = collectSnapshot(reader());
    await expect(collection).rejects.toBeInstanceOf(AwsReadError);
    await expect(collection).rejects.toThrow(
      'missing IAM permission ec2:DescribeNetworkAcls in eu-west-1 (UnauthorizedOperation: You are not authorized to perform this operation.)',
    );
  });

  it('fails on an EKS AccessDeniedException naming the eks: action', async () => {
    serve(privateClustersSnapshot(1).snapshot);
    eks.on(ListNodegroupsCommand).rejects(
      Object.assign(
        new Error(
          'User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: eks:ListNodegroups',
        ),
        {
          name: 'AccessDeniedException',
        },
      ),
    );
    await expect(collectSnapshot(reader())).rejects.toThrow(
      /^missing IAM permission eks:ListNodegroups in eu-west-1/,
    );
  });

  it('skips a cluster deleted between ListClusters and the reads that name it', async () => {
    const { snapshot: account } = privateClustersSnapshot(2);
    serve(account);
    eks.on(ListClustersCommand).resolves({ clusters: ['prod-0', 'prod-1', 'gone'] });
    const notFound = () =>
      Object.assign(new Error('No cluster found for name: gone.'), { name: 'ResourceNotFoundException' });
    eks.on(ListNodegroupsCommand, { clusterName: 'gone' }).rejects(notFound());
    eks.on(ListFargateProfilesCommand, { clusterName: 'gone' }).rejects(notFound());
    const collected = (await collectSnapshot(reader())) as unknown as RawSnapshot;
    expect(collected.eks.clusters.map((c) => c.name)).toEqual(['prod-0', 'prod-1']);
  });

  it('keeps Fargate profiles, whose subnets are node subnets', async () => {
    const { snapshot: account } = privateClustersSnapshot(1);
    serve(account);
    eks.on(ListFargateProfilesCommand).resolves({ fargateProfileNames: ['system'] });
    eks.on(DescribeFargateProfileCommand).resolves({
      fargateProfile: {
        fargateProfileName: 'system',
        clusterName: 'prod-0',
        subnets: ['subnet-0aaa1111bbbb2222c'],
        status: 'ACTIVE',
      },
    });
    const collected = (await collectSnapshot(reader())) as unknown as RawSnapshot & {
      eks: { fargateProfiles: Record<string, unknown[]> };
    };
    expect(collected.eks.fargateProfiles['prod-0']).toEqual([
      {
        fargateProfileName: 'system',
        clusterName: 'prod-0',
        subnets: ['subnet-0aaa1111bbbb2222c'],
        status: 'ACTIVE',
      },
    ]);
  });
});

describe('collectSnapshot, some VPCs', () => {
  it('reads only the VPC, finds its clusters by the cluster security group tag, and never lists every cluster', async () => {
    const { snapshot: account, ids } = privateClustersSnapshot(5);
    serve(account);
    const target = ids[3]!;
    const r = reader();
    const collected = (await collectSnapshot(r, { vpcIds: [target.vpcId] })) as unknown as RawSnapshot;
    expect(collected.eks.clusters.map((c) => c.name)).toEqual([target.name]);
    expect(collected.ec2.Vpcs.map((v) => v.VpcId)).toEqual([target.vpcId]);
    expect(new Set(collected.ec2.Subnets.map((s) => s.VpcId))).toEqual(new Set([target.vpcId]));
    expect(collected.ec2.DhcpOptions.map((d) => d.DhcpOptionsId)).toEqual([target.dhcpOptionsId]);
    expect(eks.commandCalls(ListClustersCommand)).toHaveLength(0);
    expect(eks.commandCalls(DescribeClusterCommand)).toHaveLength(1);
    expect(ec2.commandCalls(DescribeSubnetsCommand)[0]!.args[0].input).toMatchObject({
      Filters: [{ Name: 'vpc-id', Values: [target.vpcId] }],
    });
    expect(r.ledger.totalCalls).toBeLessThanOrEqual(15 + 1);
    expect(findingsOf(collected)).toEqual(findingsOf(account).filter((f) => f.startsWith(`${target.name} `)));
  });

  it('collects a VPC with no clusters without any EKS describe or attribute call', async () => {
    const { snapshot: account, ids } = privateClustersSnapshot(2);
    const groups = account.ec2.SecurityGroups as { VpcId: string; Tags: { Key: string }[] }[];
    for (const group of groups)
      if (group.VpcId === ids[1]!.vpcId)
        group.Tags = group.Tags.filter((t) => t.Key !== 'aws:eks:cluster-name');
    serve(account);
    const r = reader();
    const collected = (await collectSnapshot(r, { vpcIds: [ids[1]!.vpcId] })) as unknown as RawSnapshot;
    expect(collected.eks.clusters).toEqual([]);
    expect(eks.calls()).toHaveLength(0);
    expect(r.ledger.get('ec2:DescribeVpcAttribute')).toBeUndefined();
  });

  it('does not describe DHCP options for a VPC without an option set ("default")', async () => {
    const { snapshot: account, ids } = privateClustersSnapshot(1);
    account.ec2.Vpcs[0]!.DhcpOptionsId = 'default';
    serve(account);
    const collected = (await collectSnapshot(reader(), {
      vpcIds: [ids[0]!.vpcId],
    })) as unknown as RawSnapshot;
    expect(ec2.commandCalls(DescribeDhcpOptionsCommand)).toHaveLength(0);
    expect(collected.ec2.DhcpOptions).toEqual([]);
  });
});

describe('listEnabledRegions', () => {
  it('lists the enabled Regions from DescribeRegions, sorted', async () => {
    ec2.on(DescribeRegionsCommand).resolves({
      Regions: [
        {
          RegionName: 'us-east-1',
          Endpoint: 'ec2.us-east-1.amazonaws.com',
          OptInStatus: 'opt-in-not-required',
        },
        { RegionName: 'ap-east-1', Endpoint: 'ec2.ap-east-1.amazonaws.com', OptInStatus: 'opted-in' },
      ],
    });
    await expect(listEnabledRegions(reader())).resolves.toEqual(['ap-east-1', 'us-east-1']);
  });
});
