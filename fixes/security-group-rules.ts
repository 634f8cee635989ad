/**
 * Security group rules that fixes add: one protocol/port to or from another security group, by
 * reference (`UserIdGroupPairs`), so no CIDR has to be guessed.
 */
import type { Protocol } from '../network/protocol';
import { awsCli, type ShellExpansion } from './aws-cli';

export type RuleDirection = 'ingress' | 'egress';

/** `IpPermissions` of one rule admitting protocol/port to or from the peer groups (IpPermission's member names). */
export function groupReferencePermissions(
  protocol: Protocol,
  port: number,
  peerGroupIds: string | readonly string[],
): Record<string, unknown>[] {
  const peers = typeof peerGroupIds === 'string' ? [peerGroupIds] : peerGroupIds;
  return [
    {
      IpProtocol: protocol,
      FromPort: port,
      ToPort: port,
      UserIdGroupPairs: peers.map((GroupId) => ({ GroupId })),
    },
  ];
}

/**
 * `aws ec2 authorize-security-group-ingress|egress --group-id G --ip-permissions …`: the rule on
 * `groupId` (an id, or a shell variable a line before assigned) admitting protocol/port from
 * (ingress) or to (egress) the members of the peer groups.
 */
export function authorizeGroupReference(
  region: string,
  direction: RuleDirection,
  groupId: string | ShellExpansion,
  protocol: Protocol,
  port: number,
  peerGroupIds: string | readonly string[],
): string {
  return awsCli('ec2', `authorize-security-group-${direction}`, region, [
    ['group-id', groupId],
    ['ip-permissions', groupReferencePermissions(protocol, port, peerGroupIds)],
  ]);
}

/**
 * The group of a side that a fix changes or names: the EKS cluster security group when the side
 * holds it (EKS attaches it to the control-plane ENIs and to managed nodes), else the side's first.
 */
export function preferredGroup(
  groupIds: readonly string[],
  clusterGroupId: string | undefined,
): string | undefined {
  if (clusterGroupId !== undefined && groupIds.includes(clusterGroupId)) return clusterGroupId;
  return groupIds[0];
}
