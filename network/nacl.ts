import type { NetworkAcl, NetworkAclEntry } from '../snapshot/schema';
import type { Lookup, SnapshotView } from '../snapshot/view';
import { snapshotCidr, type AddressRange, type Cidr } from './cidr';
import { intersectsAny, subtract, type Box } from './port-space';
import { carries, protocolKind, type Protocol, type ProtocolKind } from './protocol';
import type { Tri } from './tri';

export interface PortRange {
  from: number;
  to: number;
}

export type Direction = 'ingress' | 'egress';

const ALL_PORTS: PortRange = { from: 0, to: 65535 };
const ADDRESS_MAX = { 4: (1n << 32n) - 1n, 6: (1n << 128n) - 1n } as const;

/** What an entry matches for peers of one address family; `exact` is false when part of it is unknown. */
interface Match {
  box: Box;
  exact: boolean;
}

/** A NACL entry read once: what it matches per family, and why it cannot be read fully. */
interface CompiledEntry {
  ruleNumber: number;
  kind: ProtocolKind;
  /** undefined = unknown action. */
  action: 'allow' | 'deny' | undefined;
  /** undefined = never matches that family (an entry of the other family). */
  v4: Match | undefined;
  v6: Match | undefined;
  /** Set when the entry cannot be read fully (no CIDR, ports or action). */
  unreadable: string | undefined;
  /**
   * The denial this entry decides, made the first time it does (most entries never deny
   * anything a cluster asks): one frozen decision per entry, not one per question.
   */
  denial: Decision | undefined;
}

function cidrOf(text: string | undefined): Cidr | undefined {
  return text === undefined ? undefined : snapshotCidr(text);
}

function matchOf(cidr: Cidr | undefined, family: 4 | 6, ports: PortRange | undefined): Match {
  const p = ports ?? ALL_PORTS;
  return {
    box: {
      addressFrom: cidr ? cidr.start : 0n,
      addressTo: cidr ? cidr.end : ADDRESS_MAX[family],
      portFrom: p.from,
      portTo: p.to,
    },
    exact: cidr !== undefined && ports !== undefined,
  };
}

function compileEntry(entry: NetworkAclEntry): CompiledEntry {
  const kind = protocolKind(entry.Protocol);
  const range = entry.PortRange;
  // Protocol -1 ignores ports; tcp/udp without PortRange match every port.
  let ports: PortRange | undefined = ALL_PORTS;
  if (kind !== 'all' && range !== undefined) {
    ports =
      range.From === undefined || range.To === undefined ? undefined : { from: range.From, to: range.To };
  }
  const action = entry.RuleAction === 'allow' || entry.RuleAction === 'deny' ? entry.RuleAction : undefined;
  const v4 = cidrOf(entry.CidrBlock);
  const v6 = cidrOf(entry.Ipv6CidrBlock);
  const n = entry.RuleNumber;
  let unreadable: string | undefined;
  if (!v4 && !v6) unreadable = `entry ${n} has no CidrBlock or Ipv6CidrBlock`;
  else if (ports === undefined) unreadable = `entry ${n} has a PortRange without From/To`;
  else if (action === undefined) unreadable = `entry ${n} has RuleAction ${entry.RuleAction}`;
  return {
    ruleNumber: n,
    kind,
    action,
    // IPv6 entries never match IPv4 traffic and the reverse; an entry without any CIDR might match either.
    v4: v4 || !v6 ? matchOf(v4, 4, ports) : undefined,
    v6: v6 || !v4 ? matchOf(v6, 6, ports) : undefined,
    unreadable,
    denial: undefined,
  };
}

/** An ACL's entries per direction and protocol, each list by ascending RuleNumber. */
type CompiledAcl = Record<Direction, Record<Protocol, CompiledEntry[]>>;

/**
 * An ACL's entries split by direction and protocol (array order breaks RuleNumber ties), so a
 * decision never looks at an entry that cannot match: a cluster asks ~100 questions of its
 * ACLs. Compiled once per ACL and evaluation (NaclDecisions), not kept for the snapshot. One
 * sort and one pass, not a chain of filters: a 1,000-cluster check compiles 2,000 ACLs,
 * mostly before the JIT has optimized this.
 */
function compileAcl(acl: NetworkAcl): CompiledAcl {
  const compiled: CompiledAcl = { ingress: { tcp: [], udp: [] }, egress: { tcp: [], udp: [] } };
  const sorted = [...acl.Entries].sort((a, b) => a.RuleNumber - b.RuleNumber);
  for (let i = 0; i < sorted.length; i++) {
    const raw = sorted[i]!;
    const entry = compileEntry(raw);
    const lists = raw.Egress ? compiled.egress : compiled.ingress;
    if (carries(entry.kind, 'tcp')) lists.tcp.push(entry);
    if (carries(entry.kind, 'udp')) lists.udp.push(entry);
  }
  return compiled;
}

/**
 * The rule number of the final `*` entry, which denies whatever no other entry decides:
 * DescribeNetworkAcls lists it as 32767, and entries a user creates are numbered 1-32766.
 */
export const FINAL_RULE_NUMBER = 32767;

/** How one ACL decides one question (direction, protocol, ports, peer). */
export interface Decision {
  allowed: Tri;
  /** Why an entry that could decide part of the traffic cannot be read. */
  unreadable: readonly string[];
  /**
   * For a denial: the RuleNumber of the deny entry that decides it (FINAL_RULE_NUMBER where no
   * entry matched, the final `*` entry), and of the first entry an allow of the whole traffic
   * must come before to turn the answer into `true` (the deny itself, or an entry before it
   * that the snapshot cannot fully show). 0 for other answers.
   */
  deniedBy: number;
  before: number;
}

const NO_REASONS: readonly string[] = Object.freeze([]);

function answer(allowed: Tri, unreadable: readonly string[], deniedBy = 0, before = deniedBy): Decision {
  return Object.freeze({ allowed, unreadable, deniedBy, before });
}

const ALLOWED: Decision = answer(true, NO_REASONS);
/** Nothing matched some traffic: the final `*` entry denies it. */
const FINAL_DENIED: Decision = answer(false, NO_REASONS, FINAL_RULE_NUMBER);

/** The denial `entry` decides, with nothing unclear before it: made once per entry. */
function deniedBy(entry: CompiledEntry): Decision {
  return (entry.denial ??= answer(false, NO_REASONS, entry.ruleNumber));
}

/**
 * A denial decided by `decider` (undefined: the final `*` entry) where `doubt`, the first entry
 * that touched the traffic without surely allowing it, may come earlier (only on denied paths).
 */
function denial(decider: CompiledEntry | undefined, doubt: CompiledEntry | undefined): Decision {
  if (doubt === undefined || doubt === decider) return decider ? deniedBy(decider) : FINAL_DENIED;
  return answer(false, NO_REASONS, decider ? decider.ruleNumber : FINAL_RULE_NUMBER, doubt.ruleNumber);
}

/**
 * The common case of decide, without boxes: every entry that matches any of the traffic is
 * readable and holds the whole peer CIDR (the VPC's block around a subnet's), so only ports
 * are left to sweep; `undecided` holds port intervals as [from, to, from, to, …]. Returns
 * undefined where that does not hold, and decide sweeps boxes instead. A cluster asks ~100
 * such questions, and their boxes were a fifth of what its rules allocated. (Indexed loops:
 * a for…of allocates an iterator until the JIT optimizes this, and a 1,000-cluster check
 * runs mostly before it has.)
 */
function decideByPorts(
  entries: readonly CompiledEntry[],
  ports: PortRange,
  peer: AddressRange,
): Decision | undefined {
  let undecided = [ports.from, ports.to];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const match = peer.family === 4 ? entry.v4 : entry.v6;
    if (!match) continue;
    const { box } = match;
    if (box.addressFrom > peer.end || peer.start > box.addressTo) continue;
    const holdsPeer = box.addressFrom <= peer.start && peer.end <= box.addressTo;
    if (!holdsPeer || !match.exact || entry.unreadable !== undefined) return undefined;
    let touches = false;
    for (let j = 0; j < undecided.length && !touches; j += 2) {
      touches = undecided[j]! <= box.portTo && box.portFrom <= undecided[j + 1]!;
    }
    // Most entries are for other ports: no new list for them.
    if (!touches) continue;
    if (entry.action === 'deny') return deniedBy(entry);
    const rest: number[] = [];
    for (let j = 0; j < undecided.length; j += 2) {
      const from = undecided[j]!;
      const to = undecided[j + 1]!;
      if (to < box.portFrom || box.portTo < from) {
        rest.push(from, to);
        continue;
      }
      if (from < box.portFrom) rest.push(from, box.portFrom - 1);
      if (to > box.portTo) rest.push(box.portTo + 1, to);
    }
    if (rest.length === 0) return ALLOWED;
    undecided = rest;
  }
  return FINAL_DENIED;
}

/**
 * Sweeps the traffic (peer addresses × ports) through the entries in order. `sure` is what
 * is undecided whatever the unreadable entries say, `maybe` what could still be undecided;
 * they are the same list until an unreadable entry is met. A definite deny of `sure` traffic
 * is a definite failure; undecided traffic at the end is denied (the implicit `*` entry).
 */
function decide(
  acl: CompiledAcl,
  direction: Direction,
  protocol: Protocol,
  ports: PortRange,
  peer: AddressRange,
): Decision {
  if (ports.from > ports.to || peer.start > peer.end) return ALLOWED;
  const entries = acl[direction][protocol];
  const quick = decideByPorts(entries, ports, peer);
  if (quick) return quick;
  let sure: Box[] = [
    { addressFrom: peer.start, addressTo: peer.end, portFrom: ports.from, portTo: ports.to },
  ];
  let maybe = sure;
  let possibleDeny = false;
  // The first entry that touches undecided traffic without surely allowing all it matches: an
  // allow of the whole traffic must come before it (a fix needs it; finding it costs nothing).
  let doubt: CompiledEntry | undefined;
  const unreadable: string[] = [];
  for (const entry of entries) {
    if (maybe.length === 0) break;
    const match = peer.family === 4 ? entry.v4 : entry.v6;
    if (!match || !intersectsAny(maybe, match.box)) continue;
    const { box, exact } = match;
    if (doubt === undefined && !(exact && entry.action === 'allow')) doubt = entry;
    if (entry.unreadable !== undefined) unreadable.push(entry.unreadable);
    if (entry.action !== 'allow') {
      if (exact && entry.action === 'deny' && intersectsAny(sure, box)) return denial(entry, doubt);
      possibleDeny = true;
    }
    if (exact) {
      const rest = subtract(maybe, box);
      sure = sure === maybe ? rest : subtract(sure, box);
      maybe = rest;
    } else {
      // It may match less than its box: what it could take is no longer surely undecided.
      sure = subtract(sure, box);
    }
  }
  if (sure.length > 0) return denial(undefined, doubt);
  return maybe.length > 0 || possibleDeny ? answer(null, unreadable) : ALLOWED;
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
  direction: Direction,
  protocol: Protocol,
  ports: PortRange,
  peer: AddressRange,
): Tri {
  return aclDecision(acl, direction, protocol, ports, peer).allowed;
}

/** aclAllows with the rest of the decision: for a denial, which entry decides and what an allow must precede. */
export function aclDecision(
  acl: NetworkAcl,
  direction: Direction,
  protocol: Protocol,
  ports: PortRange,
  peer: AddressRange,
): Decision {
  return decide(compileAcl(acl), direction, protocol, ports, peer);
}

/** One ACL as a cluster's flows ask it: compiled once, each distinct question answered once. */
interface AclQuestions {
  acl: NetworkAcl;
  compiled: CompiledAcl;
  /** Decisions by questionKey. */
  answers: Map<number, Decision>;
}

interface SubnetLookups {
  vpcId: string;
  acl: Lookup<NetworkAcl>;
  cidrs: Lookup<readonly Cidr[]>;
  /** The questions of the subnet's ACL, shared by every subnet associated with it. */
  questions: AclQuestions | undefined;
  /** A number per CIDR of `cidrs`, unique within one NaclDecisions: part of a question's key. */
  peerIds: readonly number[];
}

/**
 * Peers and port ranges are numbered per NaclDecisions; below these bounds a question's key
 * is a small integer (under 2^28), which V8 keeps unboxed: a larger one is a heap number,
 * allocated and hashed as a double on every look-up.
 */
const MAX_PEER_ID = 2 ** 16;
const MAX_PORTS_ID = 2 ** 8;

/** One number per question: peer, port range, direction and protocol. */
function questionKey(peerId: number, portsId: number, direction: Direction, protocol: Protocol): number {
  return (
    ((peerId * MAX_PORTS_ID + portsId) * 2 + (direction === 'egress' ? 1 : 0)) * 2 +
    (protocol === 'tcp' ? 1 : 0)
  );
}

/**
 * The ACL decisions already made for one cluster's flows: the replies on the ephemeral ports,
 * and flows to subnets that share an ACL, ask the same question many times (three subnets: 96
 * questions, 36 distinct). A subnet's look-up carries its ACL's questions and numbers for its
 * CIDRs, so a question costs one look-up by number. Scoped to one rule evaluation: nothing
 * outlives it, and no answer is reused where its inputs differ.
 */
export class NaclDecisions {
  private readonly subnets = new Map<string, SubnetLookups>();
  private readonly byAcl = new Map<NetworkAcl, AclQuestions>();
  private nextPeerId = 0;

  /** A subnet's ACL and CIDRs, looked up once: every flow of the cluster names two subnets. */
  subnet(view: SnapshotView, subnetId: string, vpcId: string): SubnetLookups {
    let known = this.subnets.get(subnetId);
    if (!known || known.vpcId !== vpcId) {
      const acl = view.networkAclOf(subnetId, vpcId);
      const cidrs = view.subnetCidrs(subnetId);
      let questions: AclQuestions | undefined;
      if (acl.found) {
        questions = this.byAcl.get(acl.found);
        if (!questions) {
          questions = { acl: acl.found, compiled: compileAcl(acl.found), answers: new Map() };
          this.byAcl.set(acl.found, questions);
        }
      }
      const peerIds: number[] = [];
      for (let i = 0; i < (cidrs.found?.length ?? 0); i++) peerIds.push(this.nextPeerId++);
      known = { vpcId, acl, cidrs, questions, peerIds };
      this.subnets.set(subnetId, known);
    }
    return known;
  }

  private readonly requests = new Map<number, PortRange>();
  private readonly portsIds = new Map<PortRange, number>();

  /** The port range of a request to `port`: one object per port, so it is numbered once. */
  request(port: number): PortRange {
    let ports = this.requests.get(port);
    if (!ports) this.requests.set(port, (ports = { from: port, to: port }));
    return ports;
  }

  decide(
    questions: AclQuestions,
    direction: Direction,
    protocol: Protocol,
    ports: PortRange,
    peer: Cidr,
    peerId: number,
  ): Decision {
    let portsId = this.portsIds.get(ports);
    if (portsId === undefined) this.portsIds.set(ports, (portsId = this.portsIds.size));
    if (peerId >= MAX_PEER_ID || portsId >= MAX_PORTS_ID) {
      return decide(questions.compiled, direction, protocol, ports, peer);
    }
    const key = questionKey(peerId, portsId, direction, protocol);
    let decision = questions.answers.get(key);
    if (!decision) {
      decision = decide(questions.compiled, direction, protocol, ports, peer);
      questions.answers.set(key, decision);
    }
    return decision;
  }
}

/** One ACL check that denies a flow's traffic: what an allow entry must let through, and where. */
export interface NaclDenial {
  /** As in FlowResult.denials, e.g. "acl-0ab egress denies replies tcp/1024-65535 to 10.0.0.0/19". */
  text: string;
  acl: NetworkAcl;
  direction: Direction;
  protocol: Protocol;
  /** The request's port, or the ephemeral range of a reply. */
  ports: PortRange;
  /** The remote CIDR: the destination for egress, the source for ingress. */
  peer: Cidr;
  reply: boolean;
  /** See Decision: the deny entry that decides, and the entry an allow must come before. */
  deniedBy: number;
  before: number;
}

export interface FlowResult {
  allowed: Tri;
  /** Plain-words reasons for a definite denial, e.g. "acl-0ab egress denies tcp/443 to 10.0.32.0/20". */
  denials: readonly string[];
  /** The same denials (one per text, in the same order) as data, for fixes. */
  denied: readonly NaclDenial[];
  /** Why the answer is unknown (a subnet or ACL the snapshot does not hold). */
  unknownReasons: readonly string[];
}

/** The lists of a flow with nothing to say: most flows pass, and need no lists of their own. */
const NONE: readonly string[] = Object.freeze([]);
const NO_DENIALS: readonly NaclDenial[] = Object.freeze([]);

/** `443`, or `1024-65535`: a port range as NACL texts and fixes show it. */
export function portsText(ports: PortRange): string {
  return ports.from === ports.to ? `${ports.from}` : `${ports.from}-${ports.to}`;
}

/** `list` with `item` added once (a new list in place of NONE). */
function withNew(list: readonly string[], item: string): readonly string[] {
  if (list.includes(item)) return list;
  const out = list === NONE ? [] : (list as string[]);
  out.push(item);
  return out;
}

/**
 * Adds one ACL check of a flow (the ACL, direction, traffic and remote CIDR) to `flow`,
 * Kleene-and style: a denial makes it false, an unreadable entry unknown unless already false.
 */
function addCheck(
  decisions: NaclDecisions,
  flow: FlowResult,
  questions: AclQuestions,
  direction: Direction,
  protocol: Protocol,
  ports: PortRange,
  peer: Cidr,
  peerId: number,
  reply: boolean,
): void {
  const decision = decisions.decide(questions, direction, protocol, ports, peer, peerId);
  if (decision.allowed === true) return;
  const aclId = questions.acl.NetworkAclId;
  if (decision.allowed === false) {
    flow.allowed = false;
    const preposition = direction === 'egress' ? 'to' : 'from';
    const what = `${reply ? 'replies ' : ''}${protocol}/${portsText(ports)}`;
    const text = `${aclId} ${direction} denies ${what} ${preposition} ${peer.text}`;
    if (flow.denials.includes(text)) return;
    flow.denials = withNew(flow.denials, text);
    const { deniedBy, before } = decision;
    const denial: NaclDenial = {
      text,
      acl: questions.acl,
      direction,
      protocol,
      ports,
      peer,
      reply,
      deniedBy,
      before,
    };
    flow.denied = flow.denied === NO_DENIALS ? [denial] : [...flow.denied, denial];
    return;
  }
  if (flow.allowed === true) flow.allowed = null;
  for (const reason of decision.unreadable)
    flow.unknownReasons = withNew(flow.unknownReasons, `${aclId} ${direction} ${reason}`);
}

/**
 * SPEC §3 "NACLs allow a flow" from subnet `fromSubnetId` to `toSubnetId` on protocol/port,
 * with replies (to's egress and from's ingress on every port of `ephemeral`). X = Y is allowed.
 * `decisions` lets the flows of one cluster share the ACL decisions they have in common.
 */
export function naclsAllowFlow(
  view: SnapshotView,
  vpcId: string,
  fromSubnetId: string,
  toSubnetId: string,
  protocol: Protocol,
  port: number,
  ephemeral: PortRange,
  decisions: NaclDecisions = new NaclDecisions(),
): FlowResult {
  const flow: FlowResult = { allowed: true, denials: NONE, denied: NO_DENIALS, unknownReasons: NONE };
  // Traffic inside one subnet never crosses a NACL.
  if (fromSubnetId === toSubnetId) return flow;
  const from = decisions.subnet(view, fromSubnetId, vpcId);
  const to = decisions.subnet(view, toSubnetId, vpcId);
  const { acl: fromAcl, cidrs: fromCidrs } = from;
  const { acl: toAcl, cidrs: toCidrs } = to;
  if (
    fromAcl.reason !== undefined ||
    toAcl.reason !== undefined ||
    fromCidrs.reason !== undefined ||
    toCidrs.reason !== undefined
  ) {
    for (const lookup of [fromAcl, toAcl, fromCidrs, toCidrs]) {
      if (lookup.reason === undefined) continue;
      if (flow.allowed === true) flow.allowed = null;
      flow.unknownReasons = withNew(flow.unknownReasons, lookup.reason);
    }
  }

  // Which remote CIDRs each ACL judges is only known once both subnets' CIDRs are.
  if (fromCidrs.found && toCidrs.found) {
    const request = decisions.request(port);
    const xs = fromCidrs.found;
    const ys = toCidrs.found;
    const fromQuestions = from.questions;
    const toQuestions = to.questions;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const xId = from.peerIds[i]!;
      for (let j = 0; j < ys.length; j++) {
        const y = ys[j]!;
        const yId = to.peerIds[j]!;
        if (x.family !== y.family) continue;
        if (fromQuestions)
          addCheck(decisions, flow, fromQuestions, 'egress', protocol, request, y, yId, false);
        if (toQuestions) addCheck(decisions, flow, toQuestions, 'ingress', protocol, request, x, xId, false);
        if (toQuestions) addCheck(decisions, flow, toQuestions, 'egress', protocol, ephemeral, x, xId, true);
        if (fromQuestions)
          addCheck(decisions, flow, fromQuestions, 'ingress', protocol, ephemeral, y, yId, true);
      }
    }
  }
  if (flow.allowed !== null) flow.unknownReasons = NONE;
  return flow;
}
