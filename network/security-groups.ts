import type { Tri } from '../engine/tri';
import type { IpPermission } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';
import type { IdSet } from '../engine/cluster-context';

export type Protocol = 'tcp' | 'udp';

/** One side of a flow (SPEC §3): a set of security groups plus a set of subnets. */
export interface FlowSide {
  /** For messages, e.g. "nodes", "control plane", "vpce-0a1". */
  label: string;
  groups: IdSet;
  subnets: IdSet;
}

export interface AdmissionResult {
  /** and(egress, ingress). */
  admitted: Tri;
  /** The sending side's egress rules admit the flow toward the receiving side. */
  egress: Tri;
  /** The receiving side's ingress rules admit the flow from the sending side. */
  ingress: Tri;
  /** Prefix lists that relevant rules reference but `ec2.PrefixLists` does not hold (they never cover). */
  missingPrefixLists: string[];
  /** Why a direction is unknown (missing groups or subnets, tcp/udp rules without ports, …). */
  unknownReasons: string[];
}

/**
 * SPEC §3 "A security-group rule admits": `-1`/`all`, or the protocol (`tcp`/`6`, `udp`/`17`,
 * case-insensitive) with FromPort <= port <= ToPort; a tcp/udp rule without ports is unknown.
 */
export function ruleAdmits(permission: IpPermission, protocol: Protocol, port: number): Tri {
  void permission;
  void protocol;
  void port;
  throw new Error('not implemented');
}

/** SPEC §3 "Security groups admit a flow" from `from` to `to` on protocol/port. */
export function securityGroupsAdmit(
  view: SnapshotView,
  from: FlowSide,
  to: FlowSide,
  protocol: Protocol,
  port: number,
): AdmissionResult {
  void view;
  void from;
  void to;
  void protocol;
  void port;
  throw new Error('not implemented');
}
