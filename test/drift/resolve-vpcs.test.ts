import { beforeEach, describe, expect, it } from '@jest/globals';
import {
  DescribeNetworkAclsCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeClusterCommand, EKSClient } from '@aws-sdk/client-eks';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { AwsReader } from '../../aws/reader';
import type { LookupKind } from '../../drift/affected-resources';
import { resolveVpcs } from '../../drift/resolve-vpcs';

const ec2 = mockClient(EC2Client);
const eks = mockClient(EKSClient);
const REGION = 'eu-west-1';

function reader(): AwsReader {
  const clients = {
    ec2: new EC2Client({ region: REGION }),
    eks: new EKSClient({ region: REGION }),
    sts: new STSClient({ region: REGION }),
  };
  return new AwsReader(clients, REGION, { limits: { ec2: { concurrency: 4 }, eks: { concurrency: 4 } } });
}

const notFound = (code: string) =>
  Object.assign(new Error(`${code} does not exist`), { name: code, Code: code });

beforeEach(() => {
  ec2.reset();
  eks.reset();
});

describe('resolveVpcs', () => {
  it('passes VPC ids through and the whole Region through', async () => {
    expect(await resolveVpcs(reader(), { vpcIds: ['vpc-0b', 'vpc-0a', 'vpc-0b'] })).toEqual({
      vpcIds: ['vpc-0a', 'vpc-0b'],
    });
    expect(await resolveVpcs(reader(), { wholeRegion: true, reason: 'r' })).toEqual({
      wholeRegion: true,
      reason: 'r',
    });
    expect(ec2.calls()).toHaveLength(0);
  });

  const cases: [LookupKind, unknown, string, string, string][] = [
    ['security-group', DescribeSecurityGroupsCommand, 'GroupIds', 'SecurityGroups', 'GroupId'],
    ['route-table', DescribeRouteTablesCommand, 'RouteTableIds', 'RouteTables', 'RouteTableId'],
    ['network-acl', DescribeNetworkAclsCommand, 'NetworkAclIds', 'NetworkAcls', 'NetworkAclId'],
    ['subnet', DescribeSubnetsCommand, 'SubnetIds', 'Subnets', 'SubnetId'],
    ['vpc-endpoint', DescribeVpcEndpointsCommand, 'VpcEndpointIds', 'VpcEndpoints', 'VpcEndpointId'],
  ];

  it.each(cases)(
    'places %s ids in their VPCs with one call',
    async (kind, command, param, member, idField) => {
      ec2.on(command as typeof DescribeSubnetsCommand).resolves({
        [member]: [
          { [idField]: 'x-1', VpcId: 'vpc-0b' },
          { [idField]: 'x-2', VpcId: 'vpc-0a' },
        ],
      });
      const scope = await resolveVpcs(reader(), {
        lookups: [
          { kind, id: 'x-1' },
          { kind, id: 'x-2' },
          { kind, id: 'x-1' },
        ],
      });
      expect(scope).toEqual({ vpcIds: ['vpc-0a', 'vpc-0b'] });
      expect(ec2.calls()).toHaveLength(1);
      expect(ec2.call(0).args[0].input).toMatchObject({ [param]: ['x-1', 'x-2'] });
    },
  );

  it.each([
    ['InvalidGroup.NotFound', 'security-group' as const],
    ['InvalidSubnetID.NotFound', 'subnet' as const],
  ])('falls back to the whole Region on %s', async (code, kind) => {
    ec2.onAnyCommand().rejects(notFound(code));
    const scope = await resolveVpcs(reader(), { lookups: [{ kind, id: 'x-1' }] });
    expect(scope).toMatchObject({ wholeRegion: true });
    expect((scope as { reason: string }).reason).toContain(code);
  });

  it('falls back to the whole Region when the answer leaves a named id out', async () => {
    ec2
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-1', VpcId: 'vpc-0a' }] });
    const scope = await resolveVpcs(reader(), {
      lookups: [
        { kind: 'security-group', id: 'sg-1' },
        { kind: 'security-group', id: 'sg-2' },
      ],
    });
    expect(scope).toEqual({ wholeRegion: true, reason: 'sg-2 was not found' });
  });

  it('places clusters with DescribeCluster, and a deleted one in the whole Region', async () => {
    eks
      .on(DescribeClusterCommand, { name: 'a' })
      .resolves({ cluster: { resourcesVpcConfig: { vpcId: 'vpc-0a' } } });
    eks.on(DescribeClusterCommand, { name: 'gone' }).rejects(notFound('ResourceNotFoundException'));
    expect(await resolveVpcs(reader(), { lookups: [{ kind: 'cluster', id: 'a' }] })).toEqual({
      vpcIds: ['vpc-0a'],
    });
    expect(
      await resolveVpcs(reader(), {
        lookups: [
          { kind: 'cluster', id: 'a' },
          { kind: 'cluster', id: 'gone' },
        ],
      }),
    ).toMatchObject({ wholeRegion: true });
  });

  it('fails on any other read error, so the invocation is retried', async () => {
    ec2.onAnyCommand().rejects(notFound('UnauthorizedOperation'));
    await expect(resolveVpcs(reader(), { lookups: [{ kind: 'subnet', id: 'subnet-1' }] })).rejects.toThrow(
      /missing IAM permission ec2:DescribeSubnets/,
    );
  });
});
