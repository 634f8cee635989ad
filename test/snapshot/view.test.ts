import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { viewOf } from '../../testkit/view';

type Json = Record<string, unknown>;

function setup() {
  const { snapshot, ids } = privateClustersSnapshot(2);
  return { snapshot, ids: ids[0]!, other: ids[1]! };
}
const table = (s: RawSnapshot, id: string) =>
  s.ec2.RouteTables.find((t) => t.RouteTableId === id)! as Json & { Associations: Json[] };
const acl = (s: RawSnapshot, id: string) =>
  s.ec2.NetworkAcls.find((a) => a.NetworkAclId === id)! as Json & { Associations: Json[] };

describe('SnapshotView: effective route table (SPEC §3)', () => {
  it('is the table associated with the subnet', () => {
    const { snapshot, ids } = setup();
    expect(viewOf(snapshot).effectiveRouteTable(ids.subnetIds[0]!, ids.vpcId).found?.RouteTableId).toBe(
      ids.privateRouteTableId,
    );
  });

  it("falls back to the VPC's main table, not another VPC's", () => {
    const { snapshot, ids } = setup();
    table(snapshot, ids.privateRouteTableId).Associations.splice(0, 1);
    expect(viewOf(snapshot).effectiveRouteTable(ids.subnetIds[0]!, ids.vpcId).found?.RouteTableId).toBe(
      ids.mainRouteTableId,
    );
  });

  it('ignores associations that are not associated', () => {
    const { snapshot, ids } = setup();
    table(snapshot, ids.privateRouteTableId).Associations[0]!.AssociationState = { State: 'Disassociating' };
    expect(viewOf(snapshot).effectiveRouteTable(ids.subnetIds[0]!, ids.vpcId).found?.RouteTableId).toBe(
      ids.mainRouteTableId,
    );
  });

  it('is unknown for a subnet a present ec2.Subnets does not hold, unless an association names it', () => {
    const { snapshot, ids } = setup();
    snapshot.ec2.Subnets = snapshot.ec2.Subnets.filter(
      (s) => s.SubnetId !== ids.subnetIds[0] && s.SubnetId !== ids.subnetIds[1],
    );
    table(snapshot, ids.privateRouteTableId).Associations.splice(1, 1); // subnet 1 now would fall back to main
    const view = viewOf(snapshot);
    expect(view.effectiveRouteTable(ids.subnetIds[0]!, ids.vpcId).found?.RouteTableId).toBe(
      ids.privateRouteTableId,
    );
    expect(view.effectiveRouteTable(ids.subnetIds[1]!, ids.vpcId)).toEqual({
      reason: `${ids.subnetIds[1]} is not in ec2.Subnets`,
    });
  });

  it('is unknown when the VPC has no main table in the snapshot', () => {
    const { snapshot, ids } = setup();
    snapshot.ec2.RouteTables = snapshot.ec2.RouteTables.filter(
      (t) => t.RouteTableId !== ids.mainRouteTableId,
    );
    table(snapshot, ids.privateRouteTableId).Associations.splice(0, 1);
    expect(viewOf(snapshot).effectiveRouteTable(ids.subnetIds[0]!, ids.vpcId).reason).toMatch(
      /no main route table/,
    );
  });
});

describe('SnapshotView: NACL of a subnet (SPEC §3)', () => {
  it("is the associated ACL, else the VPC's default ACL", () => {
    const { snapshot, ids } = setup();
    acl(snapshot, ids.networkAclId).Associations.splice(2, 1);
    const view = viewOf(snapshot);
    expect(view.networkAclOf(ids.subnetIds[0]!, ids.vpcId).found?.NetworkAclId).toBe(ids.networkAclId);
    expect(view.networkAclOf(ids.subnetIds[2]!, ids.vpcId).found?.NetworkAclId).toBe(ids.defaultNetworkAclId);
  });

  it('is unknown when the section is absent or the subnet is not held', () => {
    const { snapshot, ids } = setup();
    delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>).NetworkAcls;
    expect(viewOf(snapshot).networkAclOf(ids.subnetIds[0]!, ids.vpcId).reason).toMatch(/no ec2.NetworkAcls/);
    const second = setup();
    second.snapshot.ec2.Subnets.splice(0, 1);
    acl(second.snapshot, second.ids.networkAclId).Associations.splice(0, 1);
    expect(viewOf(second.snapshot).networkAclOf(second.ids.subnetIds[0]!, second.ids.vpcId).reason).toMatch(
      /not in ec2.Subnets/,
    );
  });
});

describe('SnapshotView: look-ups', () => {
  it('indexes by id and by VPC', () => {
    const { snapshot, ids, other } = setup();
    const view = viewOf(snapshot);
    expect(view.subnetsInVpc(ids.vpcId).map((s) => s.SubnetId)).toEqual(ids.subnetIds);
    expect(view.endpointsInVpc(other.vpcId)).toHaveLength(5);
    expect(view.securityGroup(ids.endpointSecurityGroupId)?.VpcId).toBe(ids.vpcId);
    expect(view.clusterTaggedSecurityGroups(ids.vpcId, ids.name).map((g) => g.GroupId)).toEqual([
      ids.clusterSecurityGroupId,
      ids.nodeSecurityGroupId,
    ]);
    expect(view.clusterTaggedSecurityGroups(ids.vpcId, other.name)).toEqual([]);
    expect(view.prefixListCidrs(ids.s3PrefixListId)?.map((c) => c.text)).toEqual([
      '52.218.0.0/17',
      '3.5.64.0/21',
    ]);
    expect(view.prefixListCidrs('pl-00000000')).toBeUndefined();
  });

  it('gives an IPv6-only subnet its IPv6 blocks', () => {
    const { snapshot, ids } = setup();
    const subnet = snapshot.ec2.Subnets[0] as Json;
    delete subnet.CidrBlock;
    subnet.Ipv6CidrBlockAssociationSet = [
      { Ipv6CidrBlock: '2600:1f18:aaaa:bb00::/64', AssociationId: 'subnet-cidr-assoc-1' },
    ];
    expect(
      viewOf(snapshot)
        .subnetCidrs(ids.subnetIds[0]!)
        .found?.map((c) => c.text),
    ).toEqual(['2600:1f18:aaaa:bb00::/64']);
  });

  it('derives the partition from the Region unless the snapshot names it', () => {
    expect(viewOf(privateClustersSnapshot(1, { region: 'cn-northwest-1' }).snapshot).partition).toBe(
      'aws-cn',
    );
    expect(viewOf(privateClustersSnapshot(1, { region: 'us-gov-west-1' }).snapshot).partition).toBe(
      'aws-us-gov',
    );
    const { snapshot } = setup();
    expect(viewOf(snapshot).partition).toBe('aws');
    expect(viewOf({ ...snapshot, partition: 'aws-us-gov' }).partition).toBe('aws-us-gov');
  });
});
