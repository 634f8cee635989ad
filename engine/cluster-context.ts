import type { IdSet } from '../network/id-set';
import type { Cluster } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';
import type { Params } from './params';

/** One cluster and the SPEC §3 sets derived from it, computed once and shared by every rule. */
export interface ClusterContext {
  view: SnapshotView;
  cluster: Cluster;
  name: string;
  arn: string;
  vpcId: string;
  /** `resourcesVpcConfig.subnetIds` (where EKS places its cross-account ENIs). */
  clusterSubnets: IdSet;
  /** Cluster subnets ∪ node group and Fargate profile subnets ∪ `nodeSubnetIds`. */
  nodeSubnets: IdSet;
  /** Cluster security group ∪ groups tagged `kubernetes.io/cluster/<name>` ∪ `nodeSecurityGroupIds`. */
  nodeSecurityGroups: IdSet;
  /** Cluster security group ∪ `resourcesVpcConfig.securityGroupIds`. */
  controlPlaneSecurityGroups: IdSet;
}

class IdSetBuilder {
  private readonly ids = new Set<string>();
  private readonly unknown: string[] = [];
  add(ids: readonly string[] | undefined, missingReason: string): this {
    if (ids === undefined) this.unknown.push(missingReason);
    else for (const id of ids) this.ids.add(id);
    return this;
  }
  build(): IdSet {
    return { ids: [...this.ids], unknown: this.unknown };
  }
}

export function clusterArn(view: SnapshotView, cluster: Cluster): string {
  return cluster.arn ?? `arn:${view.partition}:eks:${view.region}:${view.accountId}:cluster/${cluster.name}`;
}

export function buildClusterContext(view: SnapshotView, cluster: Cluster, params: Params): ClusterContext {
  const config = cluster.resourcesVpcConfig;
  const vpcId = config.vpcId;
  // Parameter ids that the snapshot shows in another VPC belong to other clusters (SPEC §3).
  const inThisVpc = (vpcOf: (id: string) => string | undefined) => (id: string) => {
    const owner = vpcOf(id);
    return owner === undefined || owner === vpcId;
  };
  const paramSubnets = params.nodeSubnetIds.filter(inThisVpc((id) => view.subnet(id)?.VpcId));
  const paramGroups = params.nodeSecurityGroupIds.filter(inThisVpc((id) => view.securityGroup(id)?.VpcId));
  const clusterGroup =
    config.clusterSecurityGroupId === undefined ? undefined : [config.clusterSecurityGroupId];

  const clusterSubnets = new IdSetBuilder()
    .add(config.subnetIds, `${cluster.name} has no resourcesVpcConfig.subnetIds`)
    .build();

  const nodeSubnets = new IdSetBuilder().add(clusterSubnets.ids, '');
  for (const reason of clusterSubnets.unknown) nodeSubnets.add(undefined, reason);
  for (const group of view.nodegroupsOf(cluster.name)) {
    nodeSubnets.add(group.subnets, `node group ${group.nodegroupName ?? '(unnamed)'} has no subnets`);
  }
  for (const profile of view.fargateProfilesOf(cluster.name)) {
    nodeSubnets.add(
      profile.subnets,
      `Fargate profile ${profile.fargateProfileName ?? '(unnamed)'} has no subnets`,
    );
  }
  nodeSubnets.add(paramSubnets, '');

  const noClusterGroup = `${cluster.name} has no resourcesVpcConfig.clusterSecurityGroupId`;
  const nodeSecurityGroups = new IdSetBuilder()
    .add(clusterGroup, noClusterGroup)
    .add(
      view.clusterTaggedSecurityGroups(vpcId, cluster.name).map((g) => g.GroupId),
      '',
    )
    .add(paramGroups, '')
    .build();
  const controlPlaneSecurityGroups = new IdSetBuilder()
    .add(clusterGroup, noClusterGroup)
    .add(config.securityGroupIds, `${cluster.name} has no resourcesVpcConfig.securityGroupIds`)
    .build();

  return {
    view,
    cluster,
    name: cluster.name,
    arn: clusterArn(view, cluster),
    vpcId,
    clusterSubnets,
    nodeSubnets: nodeSubnets.build(),
    nodeSecurityGroups,
    controlPlaneSecurityGroups,
  };
}
