import type { ItemFacts } from '../../config-rules/notification';
import { targetFromItem } from '../../config-rules/scope';

const VPC = 'vpc-0a1b2c3d4e5f60718';
const OTHER = 'vpc-0b1b2c3d4e5f60719';

function item(
  resourceType: string,
  resourceId: string,
  fields: Record<string, unknown>,
  status = 'OK',
): ItemFacts {
  return {
    resourceType,
    resourceId,
    status,
    captureTime: undefined,
    item: { resourceType, resourceId, ...fields },
  };
}
const relatedTo = (...ids: string[]) => ({
  relationships: ids.map((resourceId) => ({
    resourceId,
    resourceType: 'AWS::EC2::VPC',
    name: 'Is associated with Vpc',
  })),
});

describe('targetFromItem', () => {
  it.each([
    ['a VPC itself', item('AWS::EC2::VPC', VPC, {}), { vpcIds: [VPC] }],
    [
      'a subnet (configuration.vpcId)',
      item('AWS::EC2::Subnet', 'subnet-1', { configuration: { vpcId: VPC } }),
      { vpcIds: [VPC] },
    ],
    [
      'a route table',
      item('AWS::EC2::RouteTable', 'rtb-1', { configuration: { vpcId: VPC } }),
      { vpcIds: [VPC] },
    ],
    [
      'a network ACL',
      item('AWS::EC2::NetworkAcl', 'acl-1', { configuration: { vpcId: VPC } }),
      { vpcIds: [VPC] },
    ],
    [
      'a security group',
      item('AWS::EC2::SecurityGroup', 'sg-1', { configuration: { vpcId: VPC } }),
      { vpcIds: [VPC] },
    ],
    [
      'a VPC endpoint (VpcId)',
      item('AWS::EC2::VPCEndpoint', 'vpce-1', { configuration: { VpcId: VPC } }),
      { vpcIds: [VPC] },
    ],
    [
      'a subnet named only by relationships',
      item('AWS::EC2::Subnet', 'subnet-1', relatedTo(VPC)),
      { vpcIds: [VPC] },
    ],
    [
      'a cluster (resourcesVpcConfig.vpcId)',
      item('AWS::EKS::Cluster', 'prod', { configuration: { resourcesVpcConfig: { vpcId: VPC } } }),
      { vpcIds: [VPC] },
    ],
    [
      'a cluster (CloudFormation casing)',
      item('AWS::EKS::Cluster', 'prod', { configuration: { ResourcesVpcConfig: { VpcId: VPC } } }),
      { vpcIds: [VPC] },
    ],
    [
      'DHCP options used by two VPCs',
      item('AWS::EC2::DHCPOptions', 'dopt-1', relatedTo(OTHER, VPC)),
      { vpcIds: [VPC, OTHER].sort() },
    ],
    [
      'DHCP options naming no VPC',
      item('AWS::EC2::DHCPOptions', 'dopt-1', {}),
      { wholeRegion: true, reason: expect.stringContaining('dopt-1') },
    ],
    ['a deleted cluster', item('AWS::EKS::Cluster', 'prod', {}, 'ResourceDeleted'), { clusterGone: 'prod' }],
    [
      'a type out of scope',
      item('AWS::EC2::Instance', 'i-1', {}),
      { nothing: expect.stringContaining('outside') },
    ],
  ])('%s', (_, facts, expected) => {
    expect(targetFromItem(facts)).toEqual(expected);
  });

  it.each([
    [
      'a cluster whose item names no VPC',
      item('AWS::EKS::Cluster', 'prod', { configuration: { Name: 'prod' } }),
    ],
    ['a subnet without configuration', item('AWS::EC2::Subnet', 'subnet-1', { configuration: null })],
    [
      'an oversized summary',
      {
        resourceType: 'AWS::EC2::SecurityGroup',
        resourceId: 'sg-1',
        status: 'OK',
        captureTime: undefined,
        item: undefined,
      },
    ],
  ])('leaves %s to a read', (_, facts) => {
    expect(targetFromItem(facts as ItemFacts)).toBeUndefined();
  });
});
