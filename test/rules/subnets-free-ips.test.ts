import { subnetsFreeIps } from '../../rules/subnets-free-ips';
import { privateClustersSnapshot, resourceId, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { all, subnet, vpcConfig } from '../../testkit/snapshot-edits';
import { expectDetailsCoverOffenders } from '../fixes/apply-aws-cli';

const { ids } = privateClustersSnapshot(1);
const [subnetA, subnetB, subnetC] = ids[0]!.subnetIds as [string, string, string];
/** A node-only subnet of the VPC (not a cluster subnet). */
const NODE_ONLY = resourceId('subnet', 0, 9);

type Mutation = (s: RawSnapshot) => void;
const free =
  (id: string, count: number | undefined): Mutation =>
  (s) => {
    if (count === undefined) delete subnet(s, id).AvailableIpAddressCount;
    else subnet(s, id).AvailableIpAddressCount = count;
  };
const addNodeOnlySubnet =
  (count: number): Mutation =>
  (s) => {
    s.ec2.Subnets.push({
      ...structuredClone(subnet(s, subnetA)),
      SubnetId: NODE_ONLY,
      CidrBlock: '10.0.128.0/28',
      AvailableIpAddressCount: count,
    });
    (s.eks.nodegroups['prod-0']![0]!.subnets as string[]).push(NODE_ONLY);
  };

const cases: RuleCase[] = [
  {
    name: 'thousands of free addresses',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: [`every cluster subnet has at least 6 free IP addresses (fewest: ${subnetC} with 8136)`],
  },
  {
    name: 'exactly the default minimum of 6',
    mutate: free(subnetB, 6),
    expected: 'COMPLIANT',
    annotation: [`(fewest: ${subnetB} with 6)`],
  },
  {
    name: 'one below the default minimum',
    mutate: free(subnetB, 5),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetB} has 5 free IP addresses (minimum 6)`],
    offenders: [subnetB],
  },
  {
    name: 'a full subnet',
    mutate: free(subnetA, 0),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetA} has 0 free IP addresses (minimum 6)`],
    offenders: [subnetA],
  },
  {
    name: 'two subnets short: both named',
    mutate: all(free(subnetA, 3), free(subnetC, 1)),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetA} has 3 free IP addresses`, `${subnetC} has 1 free IP addresses`],
    offenders: [subnetA, subnetC],
  },
  {
    name: 'minFreeIps=16: 10 free is too few',
    params: { minFreeIps: '16' },
    mutate: free(subnetC, 10),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetC} has 10 free IP addresses (minimum 16)`],
    offenders: [subnetC],
  },
  {
    name: 'minFreeIps=16: exactly 16 is enough',
    params: { minFreeIps: '16' },
    mutate: free(subnetC, 16),
    expected: 'COMPLIANT',
    annotation: ['at least 16 free IP addresses', `(fewest: ${subnetC} with 16)`],
  },
  {
    name: 'minFreeIps=0: a full subnet passes',
    params: { minFreeIps: '0' },
    mutate: free(subnetA, 0),
    expected: 'COMPLIANT',
    annotation: ['at least 0 free IP addresses'],
  },
  {
    name: 'a node-only subnet is not a cluster subnet',
    mutate: addNodeOnlySubnet(0),
    expected: 'COMPLIANT',
    annotation: ['at least 6 free IP addresses'],
  },
  {
    name: 'nodeSubnetIds do not make a cluster subnet',
    params: { nodeSubnetIds: NODE_ONLY },
    mutate: addNodeOnlySubnet(2),
    expected: 'COMPLIANT',
    annotation: ['at least 6 free IP addresses'],
  },
  {
    name: 'no cluster subnets: nothing to run short of',
    mutate: (s) => (vpcConfig(s).subnetIds = []),
    expected: 'COMPLIANT',
    annotation: ['prod-0 has no cluster subnets to check'],
  },
  {
    name: 'AvailableIpAddressCount absent',
    mutate: free(subnetB, undefined),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${subnetB}: AvailableIpAddressCount is absent`],
    offenders: [subnetB],
  },
  {
    name: 'a cluster subnet missing from ec2.Subnets',
    mutate: (s) => (s.ec2.Subnets = s.ec2.Subnets.filter((x) => x.SubnetId !== subnetC)),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${subnetC} is not in ec2.Subnets`],
    offenders: [subnetC],
  },
  {
    name: 'a violation wins over an absent count',
    mutate: all(free(subnetA, undefined), free(subnetB, 2)),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetB} has 2 free IP addresses`],
    offenders: [subnetB],
  },
  {
    name: 'cluster subnetIds absent',
    mutate: (s) => delete vpcConfig(s).subnetIds,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['prod-0 has no resourcesVpcConfig.subnetIds'],
  },
  {
    name: 'ec2.Subnets absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.Subnets'],
  },
  {
    name: 'cluster deleting',
    mutate: all((s) => (s.eks.clusters[0]!.status = 'DELETING'), free(subnetA, 0)),
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },
];

describeRule(subnetsFreeIps, cases);

describe('SUBNETS_FREE_IPS details', () => {
  it('one decision per full subnet, listing the roomy subnets of its zone (cn-north-1)', () => {
    const { snapshot } = privateClustersSnapshot(1, { region: 'cn-north-1' });
    for (const mutate of [free(subnetA, 2), free(subnetB, 5), addNodeOnlySubnet(11)]) mutate(snapshot);
    const outcome = runRule(subnetsFreeIps, snapshot, { minFreeIps: '10' });
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details.map((d) => [d.resourceId, d.resourceType, d.fix.commands])).toEqual([
      [subnetA, 'AWS::EC2::Subnet', []],
      [subnetB, 'AWS::EC2::Subnet', []],
    ]);
    const [a, b] = outcome.details;
    expect(a!.problem).toBe(
      `${subnetA} (cn-north-1a), a cluster subnet of prod-0, has 2 free IP addresses, fewer than 10: EKS places network interfaces of the control plane in the cluster subnets when it creates, upgrades or scales it, and needs at least 6 free addresses there (16 recommended)`,
    );
    expect(a!.fix.decide).toContain(`Free addresses in ${subnetA}`);
    expect(a!.fix.decide).toContain(
      'aws eks update-cluster-config --name prod-0 --resources-vpc-config subnetIds=<the new list>',
    );
    // The node-only subnet shares subnet A's zone and has room; subnet B's zone has none.
    expect(a!.fix.decide).toContain(
      `with at least 10 free addresses: cn-north-1a: ${NODE_ONLY} (11 free addresses).`,
    );
    expect(b!.fix.decide).toContain('shows no other subnet of');
    expect(a!.fix.documentation).toBe(
      'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#cluster-subnets',
    );
  });
});
