import { buildClusterContext } from '../../engine/cluster-context';
import { parseParams } from '../../engine/params';
import { privateClustersSnapshot } from '../../testkit/private-cluster';
import { viewOf } from '../../testkit/view';

type Json = Record<string, unknown>;

function context(
  mutate: (s: ReturnType<typeof privateClustersSnapshot>) => void = () => {},
  params: Record<string, string> = {},
) {
  const built = privateClustersSnapshot(2);
  mutate(built);
  const view = viewOf(built.snapshot);
  return {
    ctx: buildClusterContext(view, view.clusters[0]!, parseParams(params)),
    ids: built.ids[0]!,
    other: built.ids[1]!,
  };
}

describe('cluster context: the SPEC §3 sets', () => {
  it('node subnets = cluster subnets ∪ node group ∪ Fargate subnets ∪ nodeSubnetIds', () => {
    const { ctx, ids } = context(
      ({ snapshot }) => {
        snapshot.eks.nodegroups['prod-0']![0]!.subnets = ['subnet-0aaaaaaaaaaaaaaa1'];
        snapshot.eks.fargateProfiles = {
          'prod-0': [{ fargateProfileName: 'fp', subnets: ['subnet-0aaaaaaaaaaaaaaa2'] }],
        };
      },
      { nodeSubnetIds: 'subnet-0aaaaaaaaaaaaaaa3' },
    );
    expect(ctx.nodeSubnets).toEqual({
      ids: [
        ...ids.subnetIds,
        'subnet-0aaaaaaaaaaaaaaa1',
        'subnet-0aaaaaaaaaaaaaaa2',
        'subnet-0aaaaaaaaaaaaaaa3',
      ],
      unknown: [],
    });
  });

  it('ignores parameter ids the snapshot shows in another VPC, keeps unknown ones', () => {
    const { ctx, other } = context(() => {}, {
      nodeSubnetIds: 'subnet-0bbbbbbbbbbbbbbb1,subnet-0ccccccccccccccc2',
      nodeSecurityGroupIds: 'sg-0ddddddddddddddd3',
    });
    expect(ctx.nodeSubnets.ids).toEqual(
      expect.arrayContaining(['subnet-0bbbbbbbbbbbbbbb1', 'subnet-0ccccccccccccccc2']),
    );
    expect(ctx.nodeSecurityGroups.ids).toContain('sg-0ddddddddddddddd3');
    const otherVpc = context(() => {}, {
      nodeSubnetIds: other.subnetIds[0]!,
      nodeSecurityGroupIds: other.nodeSecurityGroupId,
    });
    expect(otherVpc.ctx.nodeSubnets.ids).not.toContain(other.subnetIds[0]);
    expect(otherVpc.ctx.nodeSecurityGroups.ids).not.toContain(other.nodeSecurityGroupId);
  });

  it('node security groups = cluster SG ∪ groups tagged for this cluster ∪ nodeSecurityGroupIds', () => {
    const { ctx, ids } = context();
    expect(ctx.nodeSecurityGroups).toEqual({
      ids: [ids.clusterSecurityGroupId, ids.nodeSecurityGroupId],
      unknown: [],
    });
    expect(ctx.controlPlaneSecurityGroups).toEqual({
      ids: [ids.clusterSecurityGroupId, ids.controlPlaneSecurityGroupId],
      unknown: [],
    });
  });

  it('marks sets incomplete when EKS lists are absent (unknown, never empty)', () => {
    const { ctx } = context(({ snapshot }) => {
      const config = snapshot.eks.clusters[0]!.resourcesVpcConfig as Json;
      delete config.subnetIds;
      delete config.clusterSecurityGroupId;
      delete snapshot.eks.nodegroups['prod-0']![0]!.subnets;
    });
    expect(ctx.clusterSubnets.unknown).toEqual(['prod-0 has no resourcesVpcConfig.subnetIds']);
    expect(ctx.nodeSubnets.unknown).toEqual([
      'prod-0 has no resourcesVpcConfig.subnetIds',
      'node group prod-0-general has no subnets',
    ]);
    expect(ctx.nodeSecurityGroups.unknown).toEqual([
      'prod-0 has no resourcesVpcConfig.clusterSecurityGroupId',
    ]);
  });

  it('builds the ARN from the partition when DescribeCluster output lacks it', () => {
    const { ctx } = context(({ snapshot }) => {
      delete snapshot.eks.clusters[0]!.arn;
      snapshot.region = 'cn-north-1';
    });
    expect(ctx.arn).toBe('arn:aws-cn:eks:cn-north-1:111122223333:cluster/prod-0');
  });
});
