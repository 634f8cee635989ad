import { describe, expect, it } from '@jest/globals';
import { describeByZone, subnetsByZone } from '../../fixes/cluster-subnet-choices';
import { privateClustersSnapshot } from '../../testkit/private-cluster';
import { viewOf } from '../../testkit/view';

describe('cluster-subnet-choices', () => {
  const { snapshot, ids } = privateClustersSnapshot(2);
  const [a, b, c] = ids[0]!.subnetIds as [string, string, string];
  const view = viewOf(snapshot);

  it('lists the accepted subnets of the VPC alone, by zone, most free addresses first', () => {
    const zones = subnetsByZone(view, ids[0]!.vpcId, (subnet) => subnet.SubnetId !== a);
    expect([...zones.keys()]).toEqual(['eu-west-1b', 'eu-west-1c']);
    expect(describeByZone(zones)).toBe(
      `eu-west-1b: ${b} (8143 free addresses); eu-west-1c: ${c} (8136 free addresses)`,
    );
  });

  it('counts what it does not show', () => {
    const many = Array.from({ length: 7 }, (_, i) => ({
      SubnetId: `subnet-${i}`,
      VpcId: 'vpc-1',
      AvailableIpAddressCount: i,
      Ipv6CidrBlockAssociationSet: [],
      Tags: [],
    }));
    expect(describeByZone(new Map([['z', many]]))).toBe(
      'z: subnet-0 (0 free addresses), subnet-1 (1 free address), subnet-2 (2 free addresses), subnet-3 (3 free addresses), subnet-4 (4 free addresses) and 2 more',
    );
  });
});
