import type { Rule } from '../engine/rule';
import { Verdict } from '../engine/verdict';
import { NaclDecisions, naclsAllowFlow } from '../network/nacl';
import type { Protocol } from '../network/protocol';
import { listWithin, MESSAGE_BUDGET } from '../engine/findings';
import { judgedEndpointsOf } from './shared/judged-endpoints';

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

function describeFlow(flow: RequiredFlow, max: number): string {
  const head = `${flow.from} → ${flow.target.subnetId} ${flow.protocol}/${flow.port}`;
  // Cluster purposes first: several endpoints share a flow and would crowd them out.
  const purposes = [...flow.target.purposes].sort(
    (a, b) => Number(a.startsWith('vpce-')) - Number(b.startsWith('vpce-')),
  );
  return `${head} (${listWithin(purposes, Math.max(30, max - head.length - 3))})`;
}

type CauseKind = 'violation' | 'maybe' | 'unknown';

interface Cause {
  kind: CauseKind;
  /** A denial ("acl-0ab ingress denies tcp/443 from 10.0.0.0/19") or why a flow is unknown. */
  reason: string;
  offenders: Set<string>;
  flows: RequiredFlow[];
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
  ) {
    for (const reason of reasons) {
      const key = `${kind} ${reason}`;
      let cause = this.causes.get(key);
      if (!cause) this.causes.set(key, (cause = { kind, reason, offenders: new Set(), flows: [] }));
      cause.flows.push(flow);
      for (const offender of offendersOf(reason)) cause.offenders.add(offender);
    }
  }

  report(verdict: Verdict): void {
    for (const { kind, reason, offenders, flows } of this.causes.values()) {
      const more = flows.length > 1 ? ` and ${flows.length - 1} more flow${flows.length > 2 ? 's' : ''}` : '';
      // A flow needed only by an endpoint that may not be judged cannot make the cluster non-compliant.
      const head = `${reason}${kind === 'maybe' ? ', if the endpoint is judged' : ''}: `;
      const message = head + describeFlow(flows[0]!, MESSAGE_BUDGET - head.length - more.length) + more;
      if (kind === 'violation') verdict.fail(message, ...offenders);
      else verdict.unknown(message, ...offenders);
    }
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
    documentation: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html',
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
        causes.add(target.definite ? 'violation' : 'maybe', result.denials, flow, denying);
      });
    }
    causes.report(verdict);
    const ephemeral = params.ephemeralPorts;
    return verdict.outcome(
      `network ACLs allow all ${count} required subnet-to-subnet flows and their replies on ports ${ephemeral.from}-${ephemeral.to}`,
    );
  },
};
