/**
 * The one EventBridge rule of SPEC §8: successful CloudTrail management calls that can change a private cluster's
 * network invariants. serverless.yml deploys this object as-is, so tests that run it through the matcher test the
 * deployed filter.
 */

export const DRIFT_EVENT_NAMES = [
  'CreateVpcEndpoint',
  'ModifyVpcEndpoint',
  'DeleteVpcEndpoints',
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
  'ModifySecurityGroupRules',
  'DeleteSecurityGroup',
  'AssociateDhcpOptions',
  'ModifyVpcAttribute',
  'CreateRoute',
  'ReplaceRoute',
  'DeleteRoute',
  'AssociateRouteTable',
  'ReplaceRouteTableAssociation',
  'DisassociateRouteTable',
  'CreateNetworkAclEntry',
  'ReplaceNetworkAclEntry',
  'DeleteNetworkAclEntry',
  'ReplaceNetworkAclAssociation',
  'ModifySubnetAttribute',
  'UpdateClusterConfig',
  'CreateCluster',
  'DeleteCluster',
] as const;

export type DriftEventName = (typeof DRIFT_EVENT_NAMES)[number];

export const DRIFT_EVENT_PATTERN = {
  'detail-type': ['AWS API Call via CloudTrail'],
  source: ['aws.ec2', 'aws.eks'],
  detail: {
    eventSource: ['ec2.amazonaws.com', 'eks.amazonaws.com'],
    eventName: [...DRIFT_EVENT_NAMES],
    // A failed call changed nothing, so it must not page anyone or cost a re-check.
    errorCode: [{ exists: false }],
  },
} as const;

export function isDriftEventName(name: unknown): name is DriftEventName {
  return typeof name === 'string' && (DRIFT_EVENT_NAMES as readonly string[]).includes(name);
}
