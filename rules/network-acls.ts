import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import {
  FINAL_RULE_NUMBER,
  NaclDecisions,
  naclsAllowFlow,
  portsText,
  type NaclDenial,
} from '../network/nacl';
import type { Protocol } from '../network/protocol';
import { listWithin, MESSAGE_BUDGET, type Detail } from '../engine/findings';
import { createAllowEntry, PROTOCOL_NUMBER, RuleNumbers } from '../fixes/nacl-entries';
import { judgedEndpointsOf } from './shared/judged-endpoints';

const DOCUMENTATION = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html';

/** A subnet that must receive one protocol/port, and what needs it. */
interface Target {
  subnetId: string;
  /** An endpoint ("vpce-0a1 (ecr.dkr)"), "API server", "kubelet" or "CoreDNS". */
  purposes: string[];
  /** False while every purpose is an endpoint the snapshot may not make judged. */
  definite: boolean;
}

/**
 * The flows of SPEC §4's NETWORK_ACLS row on one protocol/port: every source subnet to every
 * target subnet. Keyed by target, so a flow several purposes need (nodes → a subnet holding
 * both endpoint and control-plane ENIs) is checked once.
 */
class FlowGroup {
  private readonly targets = new Map<string, Target>();

  constructor(
    readonly protocol: Protocol,
    readonly port: number,
    private readonly sources: readonly string[],
  ) {}

  to(subnetIds: readonly string[], purpose: string, definite = true): this {
    for (const subnetId of subnetIds) {
      const target = this.targets.get(subnetId);
      if (!target) this.targets.set(subnetId, { subnetId, purposes: [purpose], definite });
      else {
        if (!target.purposes.includes(purpose)) target.purposes.push(purpose);
        target.definite ||= definite;
      }
    }
    return this;
  }

  /** Calls `visit` for every flow; a loop, not a generator: a cluster has dozens of flows and most pass. */
  forEachFlow(visit: (from: string, target: Target) => void): void {
    for (const from of this.sources) {
      for (const target of this.targets.values()) {
        // A subnet's traffic to itself does not cross a NACL.
        if (from !== target.subnetId) visit(from, target);
      }
    }
  }
}

interface RequiredFlow {
  from: string;
  protocol: Protocol;
  port: number;
  target: Target;
}

/** Cluster purposes first: several endpoints share a flow and would crowd them out. */
function purposesOf(flow: RequiredFlow): string[] {
  return [...flow.target.purposes].sort(
    (a, b) => Number(a.startsWith('vpce-')) - Number(b.startsWith('vpce-')),
  );
}

function describeFlow(flow: RequiredFlow, max: number): string {
  const head = `${flow.from} → ${flow.target.subnetId} ${flow.protocol}/${flow.port}`;
  return `${head} (${listWithin(purposesOf(flow), Math.max(30, max - head.length - 3))})`;
}

type CauseKind = 'violation' | 'maybe' | 'unknown';

interface Cause {
  kind: CauseKind;
  /** A denial ("acl-0ab ingress denies tcp/443 from 10.0.0.0/19") or why a flow is unknown. */
  reason: string;
  offenders: Set<string>;
  flows: RequiredFlow[];
  /** The denial behind a violation, as data (its fix). */
  denial: NaclDenial | undefined;
}

/** The whole flow, for a detail: every purpose, nothing cut. */
function flowText(flow: RequiredFlow, reply: boolean): string {
  const { from, protocol, port, target } = flow;
  return `${reply ? 'replies of ' : ''}${from} → ${target.subnetId} ${protocol}/${port} (${purposesOf(flow).join(', ')})`;
}

/** Which entry denies the traffic, in words. */
function deniedByText(denial: NaclDenial): string {
  const decider =
    denial.deniedBy >= FINAL_RULE_NUMBER
      ? 'no entry allows it before the final * entry, which denies all traffic'
      : `entry ${denial.deniedBy} denies it`;
  if (denial.before === denial.deniedBy) return decider;
  return `${decider}, and entry ${denial.before} before it cannot be fully read from the snapshot`;
}

function entryName(before: number): string {
  return before >= FINAL_RULE_NUMBER ? 'the final * entry' : `entry ${before}`;
}

/**
 * The detail of one entry to add (one ACL, direction, protocol, port range and peer CIDR):
 * every required flow that entry lets through, and the command that adds it before the entry
 * that denies them.
 */
function entryDetail(
  region: string,
  denial: NaclDenial,
  flows: readonly string[],
  numbers: RuleNumbers,
): Detail {
  const { acl, direction, protocol, peer, before } = denial;
  const egress = direction === 'egress';
  const aclId = acl.NetworkAclId;
  const what = `${protocol}/${portsText(denial.ports)} ${egress ? 'to' : 'from'} ${peer.text}`;
  const broken = `${flows.length} required flow${flows.length === 1 ? '' : 's'}: ${flows.join('; ')}`;
  const head = `${aclId} ${direction} denies ${what} (${deniedByText(denial)}), which breaks ${broken}`;
  const ruleNumber = numbers.take(acl, egress, before);
  const entry = `${direction} allow entry for protocol ${PROTOCOL_NUMBER[protocol]} (${protocol}), ports ${portsText(denial.ports)}, ${peer.text}`;
  if (ruleNumber === undefined) {
    return {
      resourceId: aclId,
      resourceType: 'AWS::EC2::NetworkAcl',
      problem: head,
      fix: {
        commands: [],
        decide:
          `No ${direction} rule number below ${before} is free in ${aclId}, so the entry cannot go before ${entryName(before)}. ` +
          'Renumber its entries to make room (a rule number cannot be changed: create the entry again under a new number, then delete the old one), ' +
          `then add an ${entry} numbered below ${before}.`,
        documentation: DOCUMENTATION,
      },
    };
  }
  return {
    resourceId: aclId,
    resourceType: 'AWS::EC2::NetworkAcl',
    problem: `${head}. The command adds ${direction} entry ${ruleNumber} allowing ${what}, before ${entryName(before)}.`,
    fix: {
      commands: [
        createAllowEntry(region, {
          networkAclId: aclId,
          ruleNumber,
          egress,
          protocol,
          ports: denial.ports,
          peer,
        }),
      ],
      documentation: DOCUMENTATION,
    },
  };
}

/** What identifies an entry to add: two denials with one key are fixed by one entry. */
function entryKey(denial: NaclDenial): string {
  const { acl, direction, protocol, ports, peer } = denial;
  return `${acl.NetworkAclId} ${direction} ${protocol} ${ports.from}-${ports.to} ${peer.text}`;
}

/**
 * Failing flows grouped by cause: one wrong ACL entry usually breaks many subnet pairs, and an
 * annotation that names the entry's ACL, direction and peer first says what to fix.
 */
class Causes {
  private readonly causes = new Map<string, Cause>();

  add(
    kind: CauseKind,
    reasons: readonly string[],
    flow: RequiredFlow,
    offendersOf: (reason: string) => string[],
    denials?: readonly NaclDenial[],
  ) {
    for (let i = 0; i < reasons.length; i++) {
      const reason = reasons[i]!;
      const key = `${kind} ${reason}`;
      let cause = this.causes.get(key);
      if (!cause) {
        const denial = kind === 'violation' ? denials?.[i] : undefined;
        this.causes.set(key, (cause = { kind, reason, offenders: new Set(), flows: [], denial }));
      }
      cause.flows.push(flow);
      for (const offender of offendersOf(reason)) cause.offenders.add(offender);
    }
  }

  /**
   * One detail per entry to add, each listing every flow it lets through: violations only
   * (an unknown is fixed by capturing what is missing, which the engine says).
   */
  private details(region: string): Map<string, Detail> {
    const flowsByEntry = new Map<string, { denial: NaclDenial; flows: string[] }>();
    for (const { denial, flows } of this.causes.values()) {
      if (!denial) continue;
      const key = entryKey(denial);
      let entry = flowsByEntry.get(key);
      if (!entry) flowsByEntry.set(key, (entry = { denial, flows: [] }));
      for (const flow of flows) {
        const text = flowText(flow, denial.reply);
        if (!entry.flows.includes(text)) entry.flows.push(text);
      }
    }
    const numbers = new RuleNumbers();
    const details = new Map<string, Detail>();
    for (const [key, { denial, flows }] of flowsByEntry) {
      details.set(key, entryDetail(region, denial, flows, numbers));
    }
    return details;
  }

  report(verdict: Verdict, region: string): void {
    // Details only where something definitely fails: the fix of an unknown is to capture it (the engine says how).
    const details = this.hasViolations() ? this.details(region) : undefined;
    for (const { kind, reason, offenders, flows, denial } of this.causes.values()) {
      const more = flows.length > 1 ? ` and ${flows.length - 1} more flow${flows.length > 2 ? 's' : ''}` : '';
      // A flow needed only by an endpoint that may not be judged cannot make the cluster non-compliant.
      const head = `${reason}${kind === 'maybe' ? ', if the endpoint is judged' : ''}: `;
      const message = head + describeFlow(flows[0]!, MESSAGE_BUDGET - head.length - more.length) + more;
      if (kind !== 'violation') {
        verdict.unknown(message, ...offenders);
        continue;
      }
      verdict.fail(message, ...offenders);
      const detail = denial && details?.get(entryKey(denial));
      if (detail) verdict.because(detail);
    }
  }

  private hasViolations(): boolean {
    for (const cause of this.causes.values()) if (cause.kind === 'violation') return true;
    return false;
  }
}

/**
 * NACLs are stateless: every request and its reply must pass the ACLs of both subnets, so an
 * ACL written for "inbound 443" alone silently drops endpoint, API server, kubelet and DNS
 * traffic between the private subnets.
 */
export const networkAcls: Rule = {
  meta: {
    id: 'NETWORK_ACLS',
    title: 'Network ACLs allow node, control plane, endpoint and DNS traffic and its replies',
    severity: 'critical',
    rationale:
      'Network ACLs are stateless: nodes reach the interface endpoints and the private API server on tcp/443, the control plane reaches kubelets on tcp/10250 and pods resolve names on tcp/udp 53 across subnets, and each reply comes back on an ephemeral port. A NACL that drops either direction makes image pulls, node registration, kubectl exec/logs or DNS time out.',
    remediation:
      'Add allow entries before any matching deny in the ACLs of the node, cluster and endpoint subnets: inbound and outbound tcp/443, tcp/10250 and tcp/udp 53 between the subnet CIDRs, and tcp/udp on the ephemeral ports (1024-65535) for replies, e.g. aws ec2 create-network-acl-entry --network-acl-id <acl> --rule-number 100 --ingress --protocol tcp --port-range From=443,To=443 --cidr-block <peer subnet CIDR> --rule-action allow.',
    documentation: DOCUMENTATION,
    parameters: ['requiredServices', 'ephemeralPorts', 'nodeSubnetIds'],
    needs: ['NetworkAcls', 'Subnets'],
    conditionalNeeds: (params) => (params.requiredServices.length > 0 ? ['VpcEndpoints'] : []),
  },
  evaluate(ctx, params) {
    const verdict = new Verdict();
    const nodeSubnets = ctx.nodeSubnets.ids;
    const clusterSubnets = ctx.clusterSubnets.ids;
    for (const reason of new Set([...ctx.nodeSubnets.unknown, ...ctx.clusterSubnets.unknown])) {
      verdict.unknown(`cannot list every subnet: ${reason}`);
    }

    const https = new FlowGroup('tcp', 443, nodeSubnets);
    for (const { endpoint, service, member } of judgedEndpointsOf(ctx, params.requiredServices)) {
      https.to(endpoint.SubnetIds, `${endpoint.VpcEndpointId} (${service})`, member === true);
    }
    https.to(clusterSubnets, 'API server');
    const groups = [
      https,
      new FlowGroup('tcp', 10250, clusterSubnets).to(nodeSubnets, 'kubelet'),
      new FlowGroup('tcp', 53, nodeSubnets).to(nodeSubnets, 'CoreDNS'),
      new FlowGroup('udp', 53, nodeSubnets).to(nodeSubnets, 'CoreDNS'),
    ];

    const causes = new Causes();
    const aclIds = (flow: RequiredFlow) =>
      [flow.from, flow.target.subnetId].flatMap((subnetId) => {
        const acl = ctx.view.networkAclOf(subnetId, ctx.vpcId).found;
        return acl ? [acl.NetworkAclId] : [];
      });
    let count = 0;
    const decisions = new NaclDecisions();
    for (const group of groups) {
      const { protocol, port } = group;
      group.forEachFlow((from, target) => {
        count++;
        const result = naclsAllowFlow(
          ctx.view,
          ctx.vpcId,
          from,
          target.subnetId,
          protocol,
          port,
          params.ephemeralPorts,
          decisions,
        );
        if (result.allowed === true) return;
        const flow: RequiredFlow = { from, protocol, port, target };
        if (result.allowed === null) {
          causes.add('unknown', result.unknownReasons, flow, () => [from, target.subnetId]);
          return;
        }
        // Denials open with the ACL id, which is the offender.
        const acls = aclIds(flow);
        const denying = (denial: string) => acls.filter((acl) => denial.startsWith(`${acl} `));
        causes.add(target.definite ? 'violation' : 'maybe', result.denials, flow, denying, result.denied);
      });
    }
    causes.report(verdict, ctx.view.region);
    const ephemeral = params.ephemeralPorts;
    return verdict.outcome(
      `network ACLs allow all ${count} required subnet-to-subnet flows and their replies on ports ${ephemeral.from}-${ephemeral.to}`,
    );
  },
};
