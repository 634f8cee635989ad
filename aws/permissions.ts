/**
 * The IAM actions the collector calls: all read-only. The deploy's IAM policy is held to
 * this list by a test, and the collector's tests check that every call they see is on it.
 * (`sts:GetCallerIdentity` needs no permission; it is listed so the list is complete.)
 */
export const COLLECTOR_IAM_ACTIONS = [
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeNetworkAcls',
  'ec2:DescribePrefixLists',
  'ec2:DescribeRegions',
  'ec2:DescribeRouteTables',
  'ec2:DescribeSecurityGroups',
  'ec2:DescribeSubnets',
  'ec2:DescribeVpcAttribute',
  'ec2:DescribeVpcEndpoints',
  'ec2:DescribeVpcs',
  'ec2:GetManagedPrefixListEntries',
  'eks:DescribeCluster',
  'eks:DescribeFargateProfile',
  'eks:DescribeNodegroup',
  'eks:ListClusters',
  'eks:ListFargateProfiles',
  'eks:ListNodegroups',
  'sts:GetCallerIdentity',
] as const;
