import { subnetsMultiAz } from '../../rules/subnets-multi-az';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { all, subnet, vpcConfig } from '../../testkit/snapshot-edits';

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
