/**
 * The CloudFormation type of an AWS id, by its prefix (`sg-0ab…` → `AWS::EC2::SecurityGroup`);
 * anything else a finding names is its cluster (`AWS::EKS::Cluster`, as AWS Config calls it).
 */
const BY_PREFIX: readonly (readonly [string, string])[] = [
  ['vpce-', 'AWS::EC2::VPCEndpoint'],
  ['vpc-', 'AWS::EC2::VPC'],
  ['subnet-', 'AWS::EC2::Subnet'],
  ['sg-', 'AWS::EC2::SecurityGroup'],
  ['rtb-', 'AWS::EC2::RouteTable'],
  ['acl-', 'AWS::EC2::NetworkAcl'],
  ['dopt-', 'AWS::EC2::DHCPOptions'],
  ['pl-', 'AWS::EC2::PrefixList'],
  ['igw-', 'AWS::EC2::InternetGateway'],
  ['eigw-', 'AWS::EC2::EgressOnlyInternetGateway'],
  ['nat-', 'AWS::EC2::NatGateway'],
];

export const CLUSTER_TYPE = 'AWS::EKS::Cluster';

export function resourceTypeOf(id: string): string {
  for (const [prefix, type] of BY_PREFIX) if (id.startsWith(prefix)) return type;
  return CLUSTER_TYPE;
}
