import { clusterSecurityGroup } from '../../rules/cluster-security-group';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { applyCommands, fixCommands } from '../fixes/apply-aws-cli';
import { commandOf } from '../fixes/aws-cli-model';
import { all, group, nodeGroups, permission, vpcConfig } from '../../testkit/snapshot-edits';
import type { Outcome } from '../../engine/findings';

type Mutation = (s: RawSnapshot, ids: ClusterIds) => void;

const EXTRA_GROUP = 'sg-0e00000000000e001';
const CUSTOM_PREFIX_LIST = 'pl-0c0ffee0c0ffee000';

/*
 * The fixture: cluster SG (all traffic from itself), control-plane SG (tcp/443 from the node
 * SG), node SG (all traffic from itself and from the cluster SG); every group allows all egress.
 * Node groups = cluster SG + node SG (tagged); control-plane groups = cluster SG + control-plane SG.
 */
const dropClusterSelfReference: Mutation = (s, ids) => {
  group(s, ids.clusterSecurityGroupId).IpPermissions = [];
};
const dropNodeFromCluster: Mutation = (s, ids) => {
  const node = group(s, ids.nodeSecurityGroupId);
  node.IpPermissions = [permission({ protocol: '-1', groups: [ids.nodeSecurityGroupId] })];
};
const dropControlPlaneIngress: Mutation = (s, ids) => {
  group(s, ids.controlPlaneSecurityGroupId).IpPermissions = [];
};
/** Only the EKS-created cluster SG is left: nodes and control plane share it. */
const onlyClusterSecurityGroup: Mutation = (s, ids) => {
  vpcConfig(s).securityGroupIds = [];
  group(s, ids.nodeSecurityGroupId).Tags = [];
};

const API = /API server \(nodes → control plane\)/;
const KUBELET = /kubelet \(control plane → nodes\)/;
const DNS = /CoreDNS \(nodes → nodes\)/;

const cases: RuleCase[] = [
  {
    name: 'compliant fixture',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: /nodes → control plane tcp\/443, control plane → nodes tcp\/10250, nodes → nodes tcp\/udp 53/,
  },
  {
    name: 'only the default EKS cluster SG (self-referencing all traffic)',
    mutate: onlyClusterSecurityGroup,
    expected: 'COMPLIANT',
    annotation: /allow nodes → control plane/,
  },
  {
    name: 'only the cluster SG, its self-reference removed: every flow fails',
    mutate: all(onlyClusterSecurityGroup, dropClusterSelfReference),
    expected: 'NON_COMPLIANT',
    // Four failing flows do not fit in 256 characters: the first is shown, the rest counted.
    annotation:
      /^API server \(nodes → control plane\): sg-\S+ \(cluster SG\) does not allow tcp\/443 from sg-\S+ \(cluster SG\) or subnet-\S+ 10\.0\.0\.0\/19, .* … \(\+3 more\)$/,
  },
  {
    name: 'cluster SG self-reference removed while the node SG still references it',
    mutate: dropClusterSelfReference,
    expected: 'COMPLIANT',
    annotation: /allow nodes → control plane/,
  },
  {
    name: '…and the node SG no longer admits the cluster SG: kubelet fails',
    mutate: all(dropClusterSelfReference, dropNodeFromCluster),
    expected: 'NON_COMPLIANT',
    annotation:
      /^kubelet \(control plane → nodes\): sg-\S+ \(cluster SG\), sg-\S+ do not allow tcp\/10250 from sg-\S+ \(cluster SG\), sg-\S+ or subnet-/,
    notAnnotation: /API server|CoreDNS/,
  },
  {
    name: '…and the control-plane SG admits nothing: API server fails',
    mutate: all(dropClusterSelfReference, dropControlPlaneIngress),
    expected: 'NON_COMPLIANT',
    annotation:
      /^API server \(nodes → control plane\): sg-\S+ \(cluster SG\), sg-\S+ do not allow tcp\/443 from/,
    notAnnotation: /kubelet|CoreDNS/,
  },
  {
    name: 'node ingress rules narrowed to tcp: CoreDNS over udp fails',
    mutate: (s, ids) => {
      group(s, ids.clusterSecurityGroupId).IpPermissions = [
        permission({ from: 0, to: 65535, groups: [ids.clusterSecurityGroupId] }),
      ];
      group(s, ids.nodeSecurityGroupId).IpPermissions = [
        permission({ from: 0, to: 65535, groups: [ids.nodeSecurityGroupId, ids.clusterSecurityGroupId] }),
      ];
    },
    expected: 'NON_COMPLIANT',
    annotation: /^CoreDNS \(nodes → nodes\): .* do not allow udp\/53 from/,
    notAnnotation: /tcp\/53|API server|kubelet/,
  },
  {
    name: 'node SGs egress to nowhere',
    mutate: (s, ids) => nodeGroups(s, ids).forEach((g) => (g.IpPermissionsEgress = [])),
    expected: 'NON_COMPLIANT',
    annotation:
      /^API server \(nodes → control plane\): sg-\S+ \(cluster SG\), sg-\S+ do not allow tcp\/443 egress to sg-.* \(\+2 more\)$/,
    notAnnotation: KUBELET,
  },
  {
    name: 'node SGs egress restricted to tcp/443 in the VPC: DNS egress fails, API server passes',
    mutate: (s, ids) =>
      nodeGroups(s, ids).forEach(
        (g) => (g.IpPermissionsEgress = [permission({ from: 443, cidrs: ['10.0.0.0/16'] })]),
      ),
    expected: 'NON_COMPLIANT',
    annotation: /^CoreDNS \(nodes → nodes\): .* do not allow tcp\/53 egress to sg-.* … \(\+1 more\)$/,
    notAnnotation: /API server|kubelet/,
  },
  {
    name: 'control plane admits only an extra node group not in nodeSecurityGroupIds',
    mutate: (s, ids) => {
      dropClusterSelfReference(s, ids);
      s.ec2.SecurityGroups.push({
        GroupId: EXTRA_GROUP,
        VpcId: ids.vpcId,
        IpPermissions: [],
        IpPermissionsEgress: [permission({ protocol: '-1', cidrs: ['0.0.0.0/0'] })],
      });
      group(s, ids.controlPlaneSecurityGroupId).IpPermissions = [
        permission({ from: 443, groups: [EXTRA_GROUP] }),
      ];
    },
    expected: 'NON_COMPLIANT',
    annotation: API,
  },
  {
    name: 'nodeSecurityGroupIds adds the group the control plane admits',
    mutate: (s, ids) => {
      dropClusterSelfReference(s, ids);
      s.ec2.SecurityGroups.push({
        GroupId: EXTRA_GROUP,
        VpcId: ids.vpcId,
        IpPermissions: [],
        IpPermissionsEgress: [permission({ protocol: '-1', cidrs: ['0.0.0.0/0'] })],
      });
      group(s, ids.controlPlaneSecurityGroupId).IpPermissions = [
        permission({ from: 443, groups: [EXTRA_GROUP] }),
      ];
    },
    params: { nodeSecurityGroupIds: EXTRA_GROUP },
    expected: 'COMPLIANT',
    annotation: /allow nodes → control plane/,
  },
  {
    name: 'control plane admits the node subnets by CIDR (two /20s for one /19)',
    mutate: (s, ids) => {
      dropClusterSelfReference(s, ids);
      group(s, ids.controlPlaneSecurityGroupId).IpPermissions = [
        permission({ from: 443, cidrs: ['10.0.0.0/20', '10.0.32.0/19'] }),
        permission({ from: 443, cidrs: ['10.0.16.0/20', '10.0.64.0/19'] }),
      ];
    },
    expected: 'COMPLIANT',
    annotation: /allow nodes → control plane/,
  },
  {
    name: 'control plane admits node subnets through a resolved prefix list',
    mutate: (s, ids) => {
      dropClusterSelfReference(s, ids);
      s.ec2.PrefixLists.push({ PrefixListId: CUSTOM_PREFIX_LIST, Cidrs: ['10.0.0.0/16'] });
      group(s, ids.controlPlaneSecurityGroupId).IpPermissions = [
        permission({ from: 443, prefixLists: [CUSTOM_PREFIX_LIST] }),
      ];
    },
    expected: 'COMPLIANT',
    annotation: /allow nodes → control plane/,
  },
  {
    name: 'control plane admits node subnets through a prefix list missing from ec2.PrefixLists',
    mutate: (s, ids) => {
      dropClusterSelfReference(s, ids);
      group(s, ids.controlPlaneSecurityGroupId).IpPermissions = [
        permission({ from: 443, prefixLists: [CUSTOM_PREFIX_LIST] }),
      ];
    },
    expected: 'NON_COMPLIANT',
    annotation: new RegExp(`^API server .*\\(${CUSTOM_PREFIX_LIST} not in ec2\\.PrefixLists\\)`),
  },
  {
    name: 'control-plane SG missing from the snapshot where it decides',
    mutate: (s, ids) => {
      dropClusterSelfReference(s, ids);
      s.ec2.SecurityGroups = s.ec2.SecurityGroups.filter(
        (g) => g.GroupId !== ids.controlPlaneSecurityGroupId,
      );
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: /^API server \(nodes → control plane\): cannot tell whether security groups allow tcp\/443/,
  },
  {
    name: 'no ec2.SecurityGroups',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).SecurityGroups,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.SecurityGroups/,
  },
  {
    name: 'no ec2.Subnets',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.Subnets/,
  },
  {
    name: 'VpcEndpoints absent does not matter',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).VpcEndpoints,
    expected: 'COMPLIANT',
    annotation: /allow nodes → control plane/,
  },
  {
    name: 'cluster deleting',
    mutate: all(onlyClusterSecurityGroup, dropClusterSelfReference, (s) => {
      s.eks.clusters[0]!.status = 'DELETING';
    }),
    expected: 'NOT_APPLICABLE',
    annotation: /being deleted/,
  },
];

describeRule(clusterSecurityGroup, cases, () => {
  it('names the groups of the failing flow as offenders', () => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    const cluster = ids[0]!;
    all(dropClusterSelfReference, dropNodeFromCluster)(snapshot, cluster, ids);
    const outcome = runRule(clusterSecurityGroup, snapshot);
    expect(outcome.annotation).toMatch(KUBELET);
    expect(outcome.offenders.sort()).toEqual(
      [cluster.clusterSecurityGroupId, cluster.nodeSecurityGroupId].sort(),
    );
  });

  it.each([
    { flow: 'API server', mutate: all(dropClusterSelfReference, dropControlPlaneIngress), pattern: API },
    { flow: 'kubelet', mutate: all(dropClusterSelfReference, dropNodeFromCluster), pattern: KUBELET },
    {
      flow: 'CoreDNS',
      mutate: (s: RawSnapshot, ids: ClusterIds) => {
        // Nodes admit only the additional control-plane group, which is not a node group.
        group(s, ids.nodeSecurityGroupId).IpPermissions = [
          permission({ protocol: '-1', groups: [ids.controlPlaneSecurityGroupId] }),
        ];
        group(s, ids.clusterSecurityGroupId).IpPermissions = [];
      },
      pattern: DNS,
    },
  ])('names only the $flow flow when only it fails', ({ mutate, pattern }) => {
    const { snapshot, ids } = privateClustersSnapshot(1);
    mutate(snapshot, ids[0]!, ids);
    const outcome = runRule(clusterSecurityGroup, snapshot);
    expect(outcome.compliance).toBe('NON_COMPLIANT');
    for (const other of [API, KUBELET, DNS]) {
      if (other === pattern) expect(outcome.annotation).toMatch(other);
      else expect(outcome.annotation).not.toMatch(other);
    }
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

    const authorize = (direction: string, groupId: string, protocol: string, port: number, peer: string) =>
      `aws ec2 authorize-security-group-${direction} --region eu-west-1 --group-id ${groupId} --ip-permissions ` +
      `'[{"IpProtocol":"${protocol}","FromPort":${port},"ToPort":${port},"UserIdGroupPairs":[{"GroupId":"${peer}"}]}]'`;
    const commandsOf = (outcome: Outcome) => outcome.details.map((d) => d.fix.commands.join('\n'));

    it.each([
      {
        name: 'only the cluster SG, its self-reference removed: four self-referencing ingress rules',
        mutate: all(onlyClusterSecurityGroup, dropClusterSelfReference),
        commands: ({ clusterSecurityGroupId: c }: ClusterIds) => [
          authorize('ingress', c, 'tcp', 443, c),
          authorize('ingress', c, 'tcp', 10250, c),
          authorize('ingress', c, 'tcp', 53, c),
          authorize('ingress', c, 'udp', 53, c),
        ],
      },
      {
        name: 'node SGs egress to nowhere: egress on the cluster SG (a node group) to itself',
        mutate: (s: RawSnapshot, ids: ClusterIds) =>
          nodeGroups(s, ids).forEach((g) => (g.IpPermissionsEgress = [])),
        commands: ({ clusterSecurityGroupId: c }: ClusterIds) => [
          authorize('egress', c, 'tcp', 443, c),
          authorize('egress', c, 'tcp', 53, c),
          authorize('egress', c, 'udp', 53, c),
        ],
      },
      {
        name: 'kubelet: ingress on the cluster SG, which the node groups include',
        mutate: all(dropClusterSelfReference, dropNodeFromCluster),
        commands: ({ clusterSecurityGroupId: c }: ClusterIds) => [authorize('ingress', c, 'tcp', 10250, c)],
      },
      {
        name: 'API server: ingress on the cluster SG, the control-plane group EKS manages',
        mutate: all(dropClusterSelfReference, dropControlPlaneIngress),
        commands: ({ clusterSecurityGroupId: c }: ClusterIds) => [authorize('ingress', c, 'tcp', 443, c)],
      },
    ])('$name', ({ mutate, commands }) => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      const cluster = ids[0]!;
      mutate(snapshot, cluster, ids);
      const outcome = runRule(clusterSecurityGroup, snapshot);
      expect(outcome.compliance).toBe('NON_COMPLIANT');
      expect(commandsOf(outcome)).toEqual(commands(cluster));
      for (const detail of outcome.details) {
        expect(detail.resourceType).toBe('AWS::EC2::SecurityGroup');
        expect(detail.fix.documentation).toBe(
          'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html',
        );
        // Every group the rule blames is named in the detail behind it.
        for (const offender of outcome.offenders) {
          if (detail.problem.includes('do not allow')) expect(detail.problem).toContain(offender);
        }
      }
      const fixed = applySecurityGroupCommands(snapshot, fixCommands(outcome, { distinct: false }));
      expect(runRule(clusterSecurityGroup, fixed).compliance).toBe('COMPLIANT');
    });

    it('says which group the command changes, and why', () => {
      const { snapshot, ids } = privateClustersSnapshot(1);
      const { clusterSecurityGroupId: c, controlPlaneSecurityGroupId: cp, nodeSecurityGroupId: n } = ids[0]!;
      all(dropClusterSelfReference, dropControlPlaneIngress)(snapshot, ids[0]!, ids);
      const [detail] = runRule(clusterSecurityGroup, snapshot).details;
      expect(detail!.problem).toBe(
        `API server (nodes → control plane): ${c} (cluster SG), ${cp} do not allow tcp/443 from nodes ` +
          `(no rule names ${c} (cluster SG), ${n} or covers ${ids[0]!.subnetIds[0]} 10.0.0.0/19, ` +
          `${ids[0]!.subnetIds[1]} 10.0.32.0/19, ${ids[0]!.subnetIds[2]} 10.0.64.0/19). ` +
          `The command adds an ingress rule for tcp/443 to ${c} (cluster SG) with itself as the source. ` +
          'A rule on any group of the receiving side that names any group of the sending side admits the flow; ' +
          'the cluster SG is the group EKS attaches to the control-plane ENIs and to managed nodes.',
      );
    });
  });
});
