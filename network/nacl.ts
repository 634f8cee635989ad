import type { Tri } from '../engine/tri';
import type { NetworkAcl } from '../snapshot/schema';
import type { SnapshotView } from '../snapshot/view';
import type { AddressRange } from './cidr';
import type { Protocol } from './security-groups';

export interface PortRange {
  from: number;
  to: number;
}

/**
 * Whether `acl` allows, in `direction`, protocol traffic on every port of `ports` for every
 * address of `peer` (the remote CIDR: destination for egress, source for ingress). AWS
 * semantics: per address and port, the first entry of that direction by ascending RuleNumber
 * whose protocol, CIDR and PortRange match decides; unmatched traffic is denied; a partial
 * allow is false. Unknown (`null`) only where an entry that could decide cannot be read.
 */
export function aclAllows(
  acl: NetworkAcl,
  direction: 'ingress' | 'egress',
  protocol: Protocol,
  ports: PortRange,
  peer: AddressRange,
): Tri {
  void acl;
  void direction;
  void protocol;
  void ports;
  void peer;
  throw new Error('not implemented');
}

export interface FlowResult {
  allowed: Tri;
  /** Plain-words reasons for a definite denial, e.g. "acl-0ab egress denies tcp/443 to 10.0.32.0/20". */
  denials: string[];
  /** Why the answer is unknown (a subnet or ACL the snapshot does not hold). */
  unknownReasons: string[];
}

/**
 * SPEC §3 "NACLs allow a flow" from subnet `fromSubnetId` to `toSubnetId` on protocol/port,
 * with replies (to's egress and from's ingress on every port of `ephemeral`). X = Y is allowed.
 */
export function naclsAllowFlow(
  view: SnapshotView,
  vpcId: string,
  fromSubnetId: string,
  toSubnetId: string,
  protocol: Protocol,
  port: number,
  ephemeral: PortRange,
): FlowResult {
  void view;
  void vpcId;
  void fromSubnetId;
  void toSubnetId;
  void protocol;
  void port;
  void ephemeral;
  throw new Error('not implemented');
}
