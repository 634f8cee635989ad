import { vpcEndpointsSecurityGroups } from '../../rules/vpc-endpoints-security-groups';
import {
  addPrivateCluster,
  emptySnapshot,
  privateClustersSnapshot,
  resourceId,
  type ClusterIds,
  type RawSnapshot,
} from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { applyCommands, fixCommands } from '../fixes/apply-aws-cli';
import { commandOf } from '../fixes/aws-cli-model';
import { endpoint, group, nodeGroups, permission, vpcConfig, type Json } from '../../testkit/snapshot-edits';
import type { Outcome } from '../../engine/findings';

const EXTRA_GROUP = 'sg-0e00000000000e001';
const CUSTOM_PREFIX_LIST = 'pl-0c0ffee0c0ffee000';
const UNKNOWN_SUBNET = 'subnet-0fff0000000000fff';

const https = (fields: Parameters<typeof permission>[0]) => permission({ from: 443, ...fields });

const setEndpointIngress = (s: RawSnapshot, ids: ClusterIds, rules: Json[]) => {
  group(s, ids.endpointSecurityGroupId).IpPermissions = rules;
};

function addGroup(s: RawSnapshot, ids: ClusterIds, groupId: string, vpcId = ids.vpcId): void {
  s.ec2.SecurityGroups.push({
    GroupId: groupId,
    GroupName: 'self-managed-nodes',
    VpcId: vpcId,
    IpPermissions: [],
    IpPermissionsEgress: [permission({ protocol: '-1', cidrs: ['0.0.0.0/0'] })],
    Tags: [],
  });
}

/** Gives one endpoint its own security group without ingress, so only it fails. */
function isolateEndpoint(s: RawSnapshot, ids: ClusterIds, service: string, state?: string): void {
  const lonely = 'sg-0e00000000000e002';
  addGroup(s, ids, lonely);
  const target = endpoint(s, ids.interfaceEndpointIds[service]!);
  target.Groups = [{ GroupId: lonely }];
  if (state === undefined) delete target.State;
  else target.State = state;
}

const cases: RuleCase[] = [
  {
    name: 'compliant fixture',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: /allow tcp\/443 from the nodes to 4 judged interface endpoints/,
  },
  {
    name: 'endpoint SG ingress rule removed',
    mutate: (s, ids) => setEndpointIngress(s, ids, []),
    expected: 'NON_COMPLIANT',
    annotation:
      /^vpce-\S+ \(ec2\): sg-\S+ does not allow tcp\/443 from sg-\S+ \(cluster SG\), sg-\S+ or subnet-\S+ 10\.0\.0\.0\/19/,
  },
  {
    name: 'endpoint SG ingress narrowed to another port',
    mutate: (s, ids) => setEndpointIngress(s, ids, [permission({ from: 8443, cidrs: ['10.0.0.0/16'] })]),
    expected: 'NON_COMPLIANT',
    annotation: /does not allow tcp\/443 from/,
  },
  {
    name: 'endpoint SG ingress narrowed to udp/443',
    mutate: (s, ids) => setEndpointIngress(s, ids, [https({ protocol: 'udp', cidrs: ['10.0.0.0/16'] })]),
    expected: 'NON_COMPLIANT',
    annotation: /does not allow tcp\/443 from/,
  },
  {
    name: 'endpoint SG ingress narrowed to a CIDR that misses the third node subnet',
    mutate: (s, ids) => setEndpointIngress(s, ids, [https({ cidrs: ['10.0.0.0/18'] })]),
    expected: 'NON_COMPLIANT',
    annotation: /or subnet-\S+ 10\.0\.64\.0\/19/,
    // The covered subnets are not blamed.
    notAnnotation: (ids) => new RegExp(`${ids.subnetIds[0]}|${ids.subnetIds[1]}|10\\.0\\.0\\.0/19`),
  },
  {
    name: 'two /20 rules cover a /19 node subnet',
    mutate: (s, ids) =>
      setEndpointIngress(s, ids, [
        https({ cidrs: ['10.0.0.0/20'] }),
        https({ cidrs: ['10.0.16.0/20', '10.0.32.0/19'] }),
        https({ cidrs: ['10.0.64.0/19'] }),
      ]),
    expected: 'COMPLIANT',
    annotation: /4 judged interface endpoints/,
  },
  {
    name: 'coverage split across two endpoint groups',
    mutate: (s, ids) => {
      addGroup(s, ids, EXTRA_GROUP);
      group(s, EXTRA_GROUP).IpPermissions = [https({ cidrs: ['10.0.32.0/19', '10.0.64.0/19'] })];
      setEndpointIngress(s, ids, [https({ cidrs: ['10.0.0.0/19'] })]);
      for (const id of Object.values(ids.interfaceEndpointIds)) {
        endpoint(s, id).Groups = [{ GroupId: ids.endpointSecurityGroupId }, { GroupId: EXTRA_GROUP }];
      }
    },
    expected: 'COMPLIANT',
    annotation: /4 judged interface endpoints/,
  },
  {
    name: 'one /20 of a /19 node subnet missing',
    mutate: (s, ids) =>
      setEndpointIngress(s, ids, [https({ cidrs: ['10.0.0.0/20', '10.0.32.0/19', '10.0.64.0/19'] })]),
    expected: 'NON_COMPLIANT',
    annotation: /or subnet-\S+ 10\.0\.0\.0\/19/,
    notAnnotation: () => /10\.0\.32\.0\/19|10\.0\.64\.0\/19/,
  },
  {
    name: 'endpoint ingress from an IPv6 range only (never matches IPv4 subnets)',
    mutate: (s, ids) => setEndpointIngress(s, ids, [https({ ipv6: ['::/0'] })]),
    expected: 'NON_COMPLIANT',
    annotation: /does not allow tcp\/443 from/,
  },
  {
    name: 'endpoint without any security group',
    mutate: (s, ids) => (endpoint(s, ids.interfaceEndpointIds['sts']!).Groups = []),
    expected: 'NON_COMPLIANT',
    annotation: /^vpce-\S+ \(sts\): no security group allows tcp\/443 from sg-/,
  },
  {
    name: 'endpoint ingress references the node SG',
    mutate: (s, ids) => setEndpointIngress(s, ids, [https({ groups: [ids.nodeSecurityGroupId] })]),
    expected: 'COMPLIANT',
    annotation: /4 judged interface endpoints/,
  },
  {
    name: 'endpoint ingress all traffic from the cluster SG',
    mutate: (s, ids) =>
      setEndpointIngress(s, ids, [permission({ protocol: '-1', groups: [ids.clusterSecurityGroupId] })]),
    expected: 'COMPLIANT',
    annotation: /4 judged interface endpoints/,
  },
  {
    name: 'node SG egress restricted to tcp/443 inside the VPC',
    mutate: (s, ids) => {
      for (const g of nodeGroups(s, ids)) g.IpPermissionsEgress = [https({ cidrs: ['10.0.0.0/16'] })];
    },
    expected: 'COMPLIANT',
    annotation: /4 judged interface endpoints/,
  },
  {
    name: 'node SG egress to nowhere',
    mutate: (s, ids) => {
      for (const g of nodeGroups(s, ids)) g.IpPermissionsEgress = [];
    },
    expected: 'NON_COMPLIANT',
    annotation:
      /^vpce-\S+ \(ec2\): sg-\S+ \(cluster SG\), sg-\S+ do not allow tcp\/443 egress to sg-\S+ or subnet-/,
  },
  {
    name: 'node SG egress only to another port',
    mutate: (s, ids) => {
      for (const g of nodeGroups(s, ids))
        g.IpPermissionsEgress = [permission({ from: 80, cidrs: ['0.0.0.0/0'] })];
    },
    expected: 'NON_COMPLIANT',
    annotation: /do not allow tcp\/443 egress/,
  },
  {
    name: 'endpoint admits only an extra group, not in nodeSecurityGroupIds',
    mutate: (s, ids) => {
      addGroup(s, ids, EXTRA_GROUP);
      setEndpointIngress(s, ids, [https({ groups: [EXTRA_GROUP] })]);
    },
    expected: 'NON_COMPLIANT',
    annotation: /does not allow tcp\/443 from/,
  },
  {
    name: 'nodeSecurityGroupIds adds the group the endpoint admits',
    mutate: (s, ids) => {
      addGroup(s, ids, EXTRA_GROUP);
      setEndpointIngress(s, ids, [https({ groups: [EXTRA_GROUP] })]);
    },
    params: { nodeSecurityGroupIds: EXTRA_GROUP },
    expected: 'COMPLIANT',
    annotation: /4 judged interface endpoints/,
  },
  {
    name: 'nodeSecurityGroupIds naming a group of another VPC is ignored',
    mutate: (s, ids) => {
      addGroup(s, ids, EXTRA_GROUP, 'vpc-0ffff00000000ffff');
      setEndpointIngress(s, ids, [https({ groups: [EXTRA_GROUP] })]);
    },
    params: { nodeSecurityGroupIds: EXTRA_GROUP },
    expected: 'NON_COMPLIANT',
    annotation: /does not allow tcp\/443 from/,
  },
  {
    name: 'endpoint security group missing from ec2.SecurityGroups',
    mutate: (s, ids) => {
      s.ec2.SecurityGroups = s.ec2.SecurityGroups.filter((g) => g.GroupId !== ids.endpointSecurityGroupId);
    },
    expected: 'INSUFFICIENT_DATA',
    annotation:
      /^vpce-\S+ \(ec2\): cannot tell whether security groups allow tcp\/443: sg-\S+ is not in ec2\.SecurityGroups/,
  },
  {
    name: 'node subnet missing from ec2.Subnets while the endpoint admits by CIDR',
    mutate: () => {},
    params: { nodeSubnetIds: UNKNOWN_SUBNET },
    expected: 'INSUFFICIENT_DATA',
    annotation: new RegExp(
      `cannot tell whether security groups allow tcp/443: .*${UNKNOWN_SUBNET} is not in ec2\\.Subnets`,
    ),
  },
  {
    name: 'node subnet missing from ec2.Subnets while the endpoint admits the node SG',
    mutate: (s, ids) => setEndpointIngress(s, ids, [https({ groups: [ids.nodeSecurityGroupId] })]),
    params: { nodeSubnetIds: UNKNOWN_SUBNET },
    expected: 'COMPLIANT',
    annotation: /4 judged interface endpoints/,
  },
  {
    name: 'endpoint ingress through a prefix list that ec2.PrefixLists resolves',
    mutate: (s, ids) => {
      s.ec2.PrefixLists.push({ PrefixListId: CUSTOM_PREFIX_LIST, Cidrs: ['10.0.0.0/17'] });
      setEndpointIngress(s, ids, [https({ prefixLists: [CUSTOM_PREFIX_LIST] })]);
    },
    expected: 'COMPLIANT',
    annotation: /4 judged interface endpoints/,
  },
  {
    name: 'endpoint ingress through a prefix list missing from ec2.PrefixLists',
    mutate: (s, ids) => setEndpointIngress(s, ids, [https({ prefixLists: [CUSTOM_PREFIX_LIST] })]),
    expected: 'NON_COMPLIANT',
    annotation: new RegExp(
      `does not allow tcp/443 from .*\\(${CUSTOM_PREFIX_LIST} not in ec2\\.PrefixLists\\)`,
    ),
  },
  {
    name: 'one endpoint with its own group that admits nothing',
    mutate: (s, ids) => isolateEndpoint(s, ids, 'ecr.dkr', 'available'),
    expected: 'NON_COMPLIANT',
    annotation: /^vpce-\S+ \(ecr\.dkr\): sg-0e00000000000e002 does not allow tcp\/443 from/,
    notAnnotation: () => /\((ec2|ecr\.api|sts)\)|more\)/,
  },
  {
    name: 'that endpoint failed (not judged)',
    mutate: (s, ids) => isolateEndpoint(s, ids, 'ecr.dkr', 'failed'),
    expected: 'COMPLIANT',
    annotation: /3 judged interface endpoints/,
  },
  {
    name: 'that endpoint pending acceptance (exists, judged)',
    mutate: (s, ids) => isolateEndpoint(s, ids, 'ecr.dkr', 'pendingAcceptance'),
    expected: 'NON_COMPLIANT',
    annotation: /\(ecr\.dkr\)/,
  },
  {
    name: 'that endpoint without a State (membership unknown)',
    mutate: (s, ids) => isolateEndpoint(s, ids, 'ecr.dkr'),
    expected: 'INSUFFICIENT_DATA',
    annotation: /^vpce-\S+ \(ecr\.dkr\) if it is judged: sg-0e00000000000e002 does not allow tcp\/443 from/,
  },
  {
    name: 'that endpoint of a service that is not required',
    mutate: (s, ids) => isolateEndpoint(s, ids, 'ecr.dkr', 'available'),
    params: { requiredServices: 'ec2,sts' },
    expected: 'COMPLIANT',
    annotation: /2 judged interface endpoints/,
  },
  {
    name: 'no interface endpoint at all (VPC_ENDPOINTS_PRESENT reports it)',
    mutate: (s) => {
      s.ec2.VpcEndpoints = s.ec2.VpcEndpoints.filter((e) => e.VpcEndpointType !== 'Interface');
    },
    expected: 'COMPLIANT',
    annotation: /no judged interface endpoint/,
  },
  {
    name: 'requiredServices empty',
    mutate: (s, ids) => setEndpointIngress(s, ids, []),
    params: { requiredServices: '' },
    expected: 'NOT_APPLICABLE',
    annotation: /requiredServices is empty/,
  },
  {
    name: 'no ec2.SecurityGroups',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).SecurityGroups,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.SecurityGroups/,
  },
  {
    name: 'no ec2.VpcEndpoints',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).VpcEndpoints,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.VpcEndpoints/,
  },
  {
    name: 'no ec2.Subnets',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.Subnets/,
  },
  {
    name: 'cluster deleting',
    mutate: (s, ids) => {
      setEndpointIngress(s, ids, []);
      s.eks.clusters[0]!.status = 'DELETING';
    },
    expected: 'NOT_APPLICABLE',
    annotation: /being deleted/,
  },
];

describeRule(vpcEndpointsSecurityGroups, cases, () => {
  it('words a failing endpoint like SPEC §4 and names the endpoint and its group as offenders', () => {
    const snapshot = emptySnapshot();
    const ids = addPrivateCluster(snapshot, { interfaceServices: ['ecr.dkr'] });
    setEndpointIngress(snapshot, ids, [https({ cidrs: ['10.0.0.0/18'] })]);
    const outcome = runRule(vpcEndpointsSecurityGroups, snapshot);
    const endpointId = ids.interfaceEndpointIds['ecr.dkr']!;
    expect(outcome.annotation).toBe(
      `${endpointId} (ecr.dkr): ${ids.endpointSecurityGroupId} does not allow tcp/443 from ` +
        `${ids.clusterSecurityGroupId} (cluster SG), ${ids.nodeSecurityGroupId} or ${ids.subnetIds[2]} 10.0.64.0/19`,
    );
    expect(outcome.offenders).toEqual([endpointId, ids.endpointSecurityGroupId]);
  });

  it('keeps the annotation within 256 characters when every endpoint fails in both directions', () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    const cluster = ids[0]!;
    setEndpointIngress(snapshot, cluster, []);
    for (const g of nodeGroups(snapshot, cluster)) g.IpPermissionsEgress = [];
    const extraSubnets = [1, 2, 3, 4, 5].map((n) => resourceId('subnet', 0, 8 + n));
    const outcome = runRule(vpcEndpointsSecurityGroups, snapshot, { nodeSubnetIds: extraSubnets.join(',') });
    expect(outcome.compliance).toBe('NON_COMPLIANT');
    expect(outcome.annotation.length).toBeLessThanOrEqual(256);
    expect(outcome.annotation).toMatch(/more\)$/);
    expect(outcome.offenders).toEqual(
      expect.arrayContaining([
        ...Object.values(cluster.interfaceEndpointIds),
        cluster.endpointSecurityGroupId,
        cluster.nodeSecurityGroupId,
      ]),
    );
  });

  it('judges every cluster against its own VPC', () => {
    const { snapshot, ids } = privateClustersSnapshot(2);
    setEndpointIngress(snapshot, ids[1]!, []);
    expect(runRule(vpcEndpointsSecurityGroups, snapshot, {}, ids[0]!.name).compliance).toBe('COMPLIANT');
    const second = runRule(vpcEndpointsSecurityGroups, snapshot, {}, ids[1]!.name);
    expect(second.compliance).toBe('NON_COMPLIANT');
    expect(second.annotation).toContain(ids[1]!.endpointSecurityGroupId);
  });
  describe('details', () => {
    /**
     * Applies the details' `aws ec2 authorize-security-group-ingress|egress` lines to a copy of
     * the snapshot, as EC2 would (apply-aws-cli), after checking that each is one of those, in
     * the snapshot's Region, with nothing but the group and its permissions.
     */
    function applySecurityGroupCommands(s: RawSnapshot, commands: readonly string[]): RawSnapshot {
      for (const line of commands) {
        const command = commandOf(line);
        expect(command.service).toBe('ec2');
        expect(command.operation).toMatch(/^authorize-security-group-(ingress|egress)$/);
        expect(command.flags).toEqual(['region', 'group-id', 'ip-permissions']);
        expect(command.region).toBe(s.region);
      }
      return applyCommands(s, commands);
    }

    const authorize = (direction: string, groupId: string, peer: string, region = 'eu-west-1') =>
      `aws ec2 authorize-security-group-${direction} --region ${region} --group-id ${groupId} --ip-permissions ` +
      `'[{"IpProtocol":"tcp","FromPort":443,"ToPort":443,"UserIdGroupPairs":[{"GroupId":"${peer}"}]}]'`;
    const commandsOf = (outcome: Outcome) => outcome.details.map((d) => d.fix.commands.join('\n'));

    it.each([
      {
        name: 'endpoint SG without ingress: one rule on it from the cluster SG, for every endpoint that shares it',
        mutate: (s: RawSnapshot, ids: ClusterIds) => setEndpointIngress(s, ids, []),
        commands: (ids: ClusterIds) => [
          authorize('ingress', ids.endpointSecurityGroupId, ids.clusterSecurityGroupId),
        ],
      },
      {
        name: 'node SGs without egress: one egress rule on the cluster SG to the endpoint SG',
        mutate: (s: RawSnapshot, ids: ClusterIds) =>
          nodeGroups(s, ids).forEach((g) => (g.IpPermissionsEgress = [])),
        commands: (ids: ClusterIds) => [
          authorize('egress', ids.clusterSecurityGroupId, ids.endpointSecurityGroupId),
        ],
      },
      {
        name: 'both directions',
        mutate: (s: RawSnapshot, ids: ClusterIds) => {
          setEndpointIngress(s, ids, []);
          nodeGroups(s, ids).forEach((g) => (g.IpPermissionsEgress = []));
        },
        commands: (ids: ClusterIds) => [
          authorize('ingress', ids.endpointSecurityGroupId, ids.clusterSecurityGroupId),
          authorize('egress', ids.clusterSecurityGroupId, ids.endpointSecurityGroupId),
        ],
      },
      {
        name: 'one endpoint with its own group: a rule on that group, naming only that endpoint',
        mutate: (s: RawSnapshot, ids: ClusterIds) => isolateEndpoint(s, ids, 'sts', 'available'),
        commands: (ids: ClusterIds) => [
          authorize('ingress', 'sg-0e00000000000e002', ids.clusterSecurityGroupId),
        ],
      },
    ])('$name', ({ mutate, commands }) => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      const cluster = ids[0]!;
      mutate(snapshot, cluster);
      const outcome = runRule(vpcEndpointsSecurityGroups, snapshot);
      expect(outcome.compliance).toBe('NON_COMPLIANT');
      expect(commandsOf(outcome)).toEqual(commands(cluster));
      for (const detail of outcome.details) {
        expect(detail.resourceType).toBe('AWS::EC2::SecurityGroup');
        expect(detail.fix.documentation).toBe(vpcEndpointsSecurityGroups.meta.documentation);
        // Every offender (endpoints and groups) is named in a detail.
      }
      const text = outcome.details.map((d) => `${d.resourceId} ${d.problem}`).join('\n');
      for (const offender of outcome.offenders) expect(text).toContain(offender);
      const fixed = applySecurityGroupCommands(snapshot, fixCommands(outcome, { distinct: false }));
      expect(runRule(vpcEndpointsSecurityGroups, fixed).compliance).toBe('COMPLIANT');
    });

    it('lists every endpoint the rule lets through, and says which group it changes', () => {
      const { snapshot, ids } = privateClustersSnapshot(1, { region: 'cn-northwest-1' });
      const cluster = ids[0]!;
      setEndpointIngress(snapshot, cluster, []);
      const [detail, ...rest] = runRule(vpcEndpointsSecurityGroups, snapshot).details;
      expect(rest).toEqual([]);
      const e = cluster.interfaceEndpointIds;
      const [s0, s1, s2] = cluster.subnetIds;
      expect(detail).toEqual({
        resourceId: cluster.endpointSecurityGroupId,
        resourceType: 'AWS::EC2::SecurityGroup',
        problem:
          `nodes → ${e.ec2} (ec2), nodes → ${e['ecr.api']} (ecr.api), nodes → ${e['ecr.dkr']} (ecr.dkr), nodes → ${e.sts} (sts): ` +
          `${cluster.endpointSecurityGroupId} does not allow tcp/443 from nodes (no rule names ${cluster.clusterSecurityGroupId} (cluster SG), ` +
          `${cluster.nodeSecurityGroupId} or covers ${s0} 10.0.0.0/19, ${s1} 10.0.32.0/19, ${s2} 10.0.64.0/19). ` +
          `The command adds an ingress rule for tcp/443 to ${cluster.endpointSecurityGroupId} with ${cluster.clusterSecurityGroupId} (cluster SG) as the source. ` +
          'A rule on any group of the receiving side that names any group of the sending side admits the flow; ' +
          'the cluster SG is the group EKS attaches to the control-plane ENIs and to managed nodes.',
        fix: {
          commands: [
            authorize(
              'ingress',
              cluster.endpointSecurityGroupId,
              cluster.clusterSecurityGroupId,
              'cn-northwest-1',
            ),
          ],
          documentation: vpcEndpointsSecurityGroups.meta.documentation,
        },
      });
    });

    it('an endpoint without any security group: what to decide, on the endpoint', () => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      const cluster = ids[0]!;
      endpoint(snapshot, cluster.interfaceEndpointIds.sts!).Groups = [];
      const outcome = runRule(vpcEndpointsSecurityGroups, snapshot);
      expect(outcome.compliance).toBe('NON_COMPLIANT');
      expect(outcome.details).toEqual([
        expect.objectContaining({
          resourceId: cluster.interfaceEndpointIds.sts,
          resourceType: 'AWS::EC2::VPCEndpoint',
          fix: expect.objectContaining({
            commands: [],
            decide:
              `${cluster.interfaceEndpointIds.sts} has no security group in the snapshot to add a rule to. Decide which ` +
              `security group it should carry, attach it, and allow tcp/443 from nodes in it (e.g. a rule naming ${cluster.clusterSecurityGroupId} (cluster SG)).`,
          }),
        }),
      ]);
    });

    it('nodes without any security group: what to decide, on the endpoint group', () => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      const cluster = ids[0]!;
      // No cluster SG and untagged groups: the nodes show no group; the endpoint admits one subnet by CIDR.
      delete vpcConfig(snapshot).clusterSecurityGroupId;
      nodeGroups(snapshot, cluster).forEach((g) => (g.Tags = []));
      setEndpointIngress(snapshot, cluster, [https({ cidrs: ['10.0.0.0/19'] })]);
      const outcome = runRule(vpcEndpointsSecurityGroups, snapshot);
      expect(outcome.compliance).toBe('NON_COMPLIANT');
      expect(outcome.details).toHaveLength(1);
      expect(outcome.details[0]).toMatchObject({
        resourceId: cluster.endpointSecurityGroupId,
        fix: {
          commands: [],
          decide:
            `nodes shows no security group, so no rule can name one. Decide what ${cluster.endpointSecurityGroupId} should allow: ` +
            `a security group that nodes carries, or the CIDRs of its subnets (${cluster.subnetIds[1]} 10.0.32.0/19, ` +
            `${cluster.subnetIds[2]} 10.0.64.0/19); then add an ingress rule for tcp/443 with it.`,
        },
      });
    });

    it('an endpoint that may not be judged gets no fix of its own (the engine asks for the missing data)', () => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      isolateEndpoint(snapshot, ids[0]!, 'sts');
      const outcome = runRule(vpcEndpointsSecurityGroups, snapshot);
      expect(outcome.compliance).toBe('INSUFFICIENT_DATA');
      for (const detail of outcome.details) expect(detail.fix.commands).toEqual([]);
    });
  });
});
