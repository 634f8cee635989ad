import { subnetsMultiAz } from '../../rules/subnets-multi-az';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { all, subnet, vpcConfig } from '../../testkit/snapshot-edits';
import { expectDetailsCoverOffenders } from '../fixes/apply-aws-cli';

const { ids } = privateClustersSnapshot(1);
const [subnetA, subnetB, subnetC] = ids[0]!.subnetIds as [string, string, string];

type Mutation = (s: RawSnapshot) => void;
const zone =
  (id: string, az: string | undefined): Mutation =>
  (s) => {
    if (az === undefined) delete subnet(s, id).AvailabilityZone;
    else subnet(s, id).AvailabilityZone = az;
  };
const drop =
  (id: string): Mutation =>
  (s) =>
    (s.ec2.Subnets = s.ec2.Subnets.filter((x) => x.SubnetId !== id));
const clusterSubnets =
  (...subnetIds: string[]): Mutation =>
  (s) =>
    (vpcConfig(s).subnetIds = subnetIds);
const oneZone = all(zone(subnetB, 'eu-west-1a'), zone(subnetC, 'eu-west-1a'));

const cases: RuleCase[] = [
  {
    name: 'three subnets in three zones',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: ['cluster subnets span 3 Availability Zones: eu-west-1a, eu-west-1b, eu-west-1c'],
  },
  {
    name: 'two of three subnets share a zone',
    mutate: zone(subnetC, 'eu-west-1a'),
    expected: 'COMPLIANT',
    annotation: ['span 2 Availability Zones: eu-west-1a, eu-west-1b'],
  },
  {
    name: 'every subnet in one zone',
    mutate: oneZone,
    expected: 'NON_COMPLIANT',
    annotation: [
      `cluster subnets ${subnetA}, ${subnetB}, ${subnetC} span only one Availability Zone (eu-west-1a)`,
    ],
    offenders: [subnetA, subnetB, subnetC],
  },
  {
    name: 'a single cluster subnet',
    mutate: clusterSubnets(subnetB),
    expected: 'NON_COMPLIANT',
    annotation: [`cluster subnets ${subnetB} span only one Availability Zone (eu-west-1b)`],
    offenders: [subnetB],
  },
  {
    name: 'no cluster subnets',
    mutate: clusterSubnets(),
    expected: 'NON_COMPLIANT',
    annotation: ['prod-0 has no cluster subnets'],
    offenders: [],
  },
  {
    name: 'node group subnets in other zones do not count',
    mutate: all(clusterSubnets(subnetA, subnetB), zone(subnetB, 'eu-west-1a')),
    expected: 'NON_COMPLIANT',
    annotation: [`cluster subnets ${subnetA}, ${subnetB} span only one Availability Zone (eu-west-1a)`],
    offenders: [subnetA, subnetB],
  },
  {
    name: 'nodeSubnetIds do not count either',
    params: { nodeSubnetIds: subnetC },
    mutate: all(clusterSubnets(subnetA, subnetB), zone(subnetB, 'eu-west-1a')),
    expected: 'NON_COMPLIANT',
    annotation: ['span only one Availability Zone (eu-west-1a)'],
    offenders: [subnetA, subnetB],
  },
  {
    name: 'a subnet missing from ec2.Subnets, the others already span two zones',
    mutate: drop(subnetC),
    expected: 'COMPLIANT',
    annotation: ['span 2 Availability Zones'],
  },
  {
    name: 'a subnet without AvailabilityZone, the others already span two zones',
    mutate: zone(subnetA, undefined),
    expected: 'COMPLIANT',
    annotation: ['span 2 Availability Zones: eu-west-1b, eu-west-1c'],
  },
  {
    name: 'a subnet missing from ec2.Subnets, the others in one zone',
    mutate: all(zone(subnetB, 'eu-west-1a'), drop(subnetC)),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${subnetC} is not in ec2.Subnets`],
    offenders: [subnetC],
  },
  {
    name: 'a subnet without AvailabilityZone, the others in one zone',
    mutate: all(zone(subnetB, 'eu-west-1a'), zone(subnetC, undefined)),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${subnetC}: AvailabilityZone is absent`],
    offenders: [subnetC],
  },
  {
    name: 'cluster subnetIds absent',
    mutate: (s) => delete vpcConfig(s).subnetIds,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['prod-0 has no resourcesVpcConfig.subnetIds'],
    offenders: [],
  },
  {
    name: 'ec2.Subnets absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.Subnets'],
  },
  {
    name: 'ec2.Vpcs absent (the rule does not read the VPC)',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Vpcs,
    expected: 'COMPLIANT',
    annotation: ['span 3 Availability Zones'],
  },
  {
    name: 'cluster deleting',
    mutate: all((s) => (s.eks.clusters[0]!.status = 'DELETING'), oneZone),
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },
];

describeRule(subnetsMultiAz, cases);

describe('SUBNETS_MULTI_AZ details', () => {
  const DOCS = 'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#cluster-subnets';

  it("every cluster subnet in one zone: a decision (EKS takes only the zones the cluster was created with), listing the other zones' subnets", () => {
    const { snapshot } = privateClustersSnapshot(1, { region: 'cn-north-1' });
    // Two cluster subnets in cn-north-1a; the third subnet of the VPC, in cn-north-1c, is a candidate.
    clusterSubnets(subnetA, subnetB)(snapshot);
    zone(subnetB, 'cn-north-1a')(snapshot);
    const outcome = runRule(subnetsMultiAz, snapshot);
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details).toHaveLength(1);
    expect(outcome.details[0]).toMatchObject({
      resourceId: 'prod-0',
      resourceType: 'AWS::EKS::Cluster',
      problem: `the cluster subnets of prod-0, ${subnetA}, ${subnetB}, are all in cn-north-1a: an outage of that Availability Zone takes down every network interface of the control plane in the VPC`,
      fix: { commands: [], documentation: DOCS },
    });
    const decide = outcome.details[0]!.fix.decide!;
    expect(decide).toContain('--resources-vpc-config subnetIds=<every subnet the cluster keeps or gains>');
    expect(decide).toContain('only subnets in the Availability Zones the cluster was created with');
    expect(decide).toContain(`in other Availability Zones: cn-north-1c: ${subnetC} (8136 free addresses).`);
  });

  it('no subnet elsewhere: the decision says to create one', () => {
    const { snapshot } = privateClustersSnapshot(1);
    zone(subnetB, 'eu-west-1a')(snapshot);
    zone(subnetC, 'eu-west-1a')(snapshot);
    const outcome = runRule(subnetsMultiAz, snapshot);
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details[0]!.fix.decide).toContain('shows no subnet of');
  });

  it('no cluster subnets at all: the cluster is the one thing to name', () => {
    const { snapshot } = privateClustersSnapshot(1);
    clusterSubnets()(snapshot);
    const outcome = runRule(subnetsMultiAz, snapshot);
    expect(outcome.details.map((d) => [d.resourceId, d.problem])).toEqual([
      ['prod-0', 'prod-0 has no cluster subnets (resourcesVpcConfig.subnetIds is empty)'],
    ]);
    expect(outcome.details[0]!.fix.decide).toContain(`eu-west-1a: ${subnetA}`);
  });
});
