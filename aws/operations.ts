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
  GetManagedPrefixListEntriesCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeClusterCommand,
  DescribeFargateProfileCommand,
  DescribeNodegroupCommand,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
} from '@aws-sdk/client-eks';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { Service } from './reader';

/**
 * Every command AwsReader sends, by its SDK class, with its IAM action. The class itself is the key because it is
 * what survives bundling: serverless.yml minifies, so in a deployed zip `DescribeSubnetsCommand` is a class named
 * something like `Zi`, and an action spelled from the class name would read `ec2:Zi`. This table is also where
 * the collector's IAM policy comes from (aws/permissions.ts).
 */
const OPERATIONS = [
  [DescribeDhcpOptionsCommand, 'ec2:DescribeDhcpOptions'],
  [DescribeNetworkAclsCommand, 'ec2:DescribeNetworkAcls'],
  [DescribePrefixListsCommand, 'ec2:DescribePrefixLists'],
  [DescribeRegionsCommand, 'ec2:DescribeRegions'],
  [DescribeRouteTablesCommand, 'ec2:DescribeRouteTables'],
  [DescribeSecurityGroupsCommand, 'ec2:DescribeSecurityGroups'],
  [DescribeSubnetsCommand, 'ec2:DescribeSubnets'],
  [DescribeVpcAttributeCommand, 'ec2:DescribeVpcAttribute'],
  [DescribeVpcEndpointsCommand, 'ec2:DescribeVpcEndpoints'],
  [DescribeVpcsCommand, 'ec2:DescribeVpcs'],
  [GetManagedPrefixListEntriesCommand, 'ec2:GetManagedPrefixListEntries'],
  [DescribeClusterCommand, 'eks:DescribeCluster'],
  [DescribeFargateProfileCommand, 'eks:DescribeFargateProfile'],
  [DescribeNodegroupCommand, 'eks:DescribeNodegroup'],
  [ListClustersCommand, 'eks:ListClusters'],
  [ListFargateProfilesCommand, 'eks:ListFargateProfiles'],
  [ListNodegroupsCommand, 'eks:ListNodegroups'],
  // Needs no permission; listed so that every call has its action.
  [GetCallerIdentityCommand, 'sts:GetCallerIdentity'],
] as const satisfies ReadonlyArray<readonly [CommandClass, `${Service}:${string}`]>;

/** An SDK v3 command class (`new DescribeSubnetsCommand(input)`). */
export type CommandClass = new (input: never) => { readonly input: object };

/** The IAM action of a command AwsReader sends, e.g. `ec2:DescribeSubnets`. */
export type IamAction = (typeof OPERATIONS)[number][1];

/** The IAM action of each command class AwsReader may send. */
export const IAM_ACTION_BY_COMMAND: ReadonlyMap<CommandClass, IamAction> = new Map<CommandClass, IamAction>(
  OPERATIONS,
);

/**
 * The IAM action of `command`, sent to `service`. A command missing from the table, or sent to another service's
 * client, is a programming error: it throws rather than reaching AWS under a wrong name.
 */
export function iamActionOf(service: Service, command: object): IamAction {
  const action = IAM_ACTION_BY_COMMAND.get(command.constructor as CommandClass);
  if (action === undefined) {
    const name = command.constructor?.name || 'an anonymous class';
    throw new Error(
      `AwsReader cannot send ${name} (${service}): the command is not in aws/operations.ts, which names the IAM ` +
        'action of every command AwsReader sends',
    );
  }
  if (!action.startsWith(`${service}:`)) {
    throw new Error(`AwsReader.send('${service}', …) was given ${action}, a command of another service`);
  }
  return action;
}
