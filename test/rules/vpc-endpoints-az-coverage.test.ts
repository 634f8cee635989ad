import { vpcEndpointsAzCoverage } from '../../rules/vpc-endpoints-az-coverage';
import { privateClustersSnapshot, type ClusterIds, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { endpoint, iface, subnet } from '../../testkit/snapshot-edits';
import { expectDetailsCoverOffenders, expectValidCommands, fixAndRerun } from '../fixes/apply-aws-cli';

/** The testkit's third subnet is in `<region>c`; dropping it leaves the endpoint in a and b only. */
const dropThirdSubnet = (s: RawSnapshot, ids: ClusterIds, service: string) => {
  const e = endpoint(s, iface(ids, service));
  e.SubnetIds = (e.SubnetIds as string[]).filter((id) => id !== ids.subnetIds[2]);
};
const EXTRA_SUBNET = 'subnet-0d0d0d0d0d0d0d0d0';
const addSubnet = (s: RawSnapshot, ids: ClusterIds, az: string) => {
  s.ec2.Subnets.push({
    SubnetId: EXTRA_SUBNET,
    VpcId: ids.vpcId,
    CidrBlock: '10.0.96.0/19',
    AvailabilityZone: az,
  });
};

const compliant: RuleCase[] = [
  {
    name: 'untouched snapshot',
    expected: 'COMPLIANT',
    annotation: /all 4 Interface endpoints .* every node AZ \(eu-west-1a, eu-west-1b, eu-west-1c\)/,
  },
  {
    name: 'China Region',
    region: 'cn-northwest-1',
    expected: 'COMPLIANT',
    annotation: /\(cn-northwest-1a, cn-northwest-1b, cn-northwest-1c\)/,
  },
  {
    name: 'nodeSubnetIds adds a subnet in an AZ the endpoints already cover',
    mutate: (s, ids) => addSubnet(s, ids, 'eu-west-1a'),
    params: { nodeSubnetIds: EXTRA_SUBNET },
    expected: 'COMPLIANT',
    annotation: /every node AZ/,
  },
  {
    name: 'an endpoint missing an AZ but deleted',
    mutate: (s, ids) => {
      dropThirdSubnet(s, ids, 'sts');
      endpoint(s, iface(ids, 'sts')).State = 'deleted';
    },
    expected: 'COMPLIANT',
    annotation: /all 3 Interface endpoints/,
  },
  {
    name: 'an endpoint missing an AZ, of a service that is not required',
    mutate: (s, ids) => dropThirdSubnet(s, ids, 'sts'),
    params: { requiredServices: 'ec2,ecr.api,ecr.dkr,s3' },
    expected: 'COMPLIANT',
    annotation: /all 3 Interface endpoints/,
  },
  {
    name: 'an extra endpoint subnet missing from ec2.Subnets, every node AZ covered anyway',
    mutate: (s, ids) =>
      (endpoint(s, iface(ids, 'sts')).SubnetIds as string[]).push('subnet-0bbbbbbbbbbbbbbbb'),
    expected: 'COMPLIANT',
    annotation: /every node AZ/,
  },
  {
    name: 'a node subnet unknown while no endpoint is judged',
    mutate: (s) => (s.ec2.VpcEndpoints = s.ec2.VpcEndpoints.filter((e) => e.VpcEndpointType === 'Gateway')),
    params: { nodeSubnetIds: 'subnet-0bbbbbbbbbbbbbbbb' },
    expected: 'COMPLIANT',
    annotation: /has no Interface endpoint of a required service to judge/,
  },
  {
    name: 'nodeSubnetIds naming a subnet of another VPC (ignored)',
    mutate: (s) =>
      s.ec2.Subnets.push({
        SubnetId: EXTRA_SUBNET,
        VpcId: 'vpc-0fffffffffffffff0',
        AvailabilityZone: 'eu-west-1d',
      }),
    params: { nodeSubnetIds: EXTRA_SUBNET },
    expected: 'COMPLIANT',
    annotation: /every node AZ/,
  },
];

const nonCompliant: RuleCase[] = [
  {
    name: 'an endpoint missing one AZ',
    mutate: (s, ids) => dropThirdSubnet(s, ids, 'ecr.dkr'),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'ecr.dkr')} (ecr.dkr) has no subnet in eu-west-1c`,
    offenders: (ids) => [iface(ids, 'ecr.dkr')],
  },
  {
    name: 'an endpoint in one AZ only, China Region',
    region: 'cn-northwest-1',
    mutate: (s, ids) => (endpoint(s, iface(ids, 'sts')).SubnetIds = [ids.subnetIds[1]]),
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'sts')} (sts) has no subnet in cn-northwest-1a, cn-northwest-1c`,
  },
  {
    name: 'a pendingAcceptance endpoint missing one AZ (it exists)',
    mutate: (s, ids) => {
      dropThirdSubnet(s, ids, 'ecr.api');
      endpoint(s, iface(ids, 'ecr.api')).State = 'pendingAcceptance';
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'ecr.api')} (ecr.api) has no subnet in eu-west-1c`,
  },
  {
    name: 'nodeSubnetIds adds a subnet in a fourth AZ',
    mutate: (s, ids) => addSubnet(s, ids, 'eu-west-1d'),
    params: { nodeSubnetIds: EXTRA_SUBNET },
    expected: 'NON_COMPLIANT',
    annotation:
      /^vpce-\w+ \(ec2\) has no subnet in eu-west-1d; vpce-\w+ \(ecr\.api\) has no subnet in eu-west-1d; .*\(sts\)/,
    offenders: (ids) => Object.values(ids.interfaceEndpointIds),
  },
  {
    name: 'a node group in a fourth AZ',
    mutate: (s, ids) => {
      addSubnet(s, ids, 'eu-west-1d');
      s.eks.nodegroups[ids.name]!.push({ nodegroupName: 'spot', subnets: [EXTRA_SUBNET] });
    },
    expected: 'NON_COMPLIANT',
    annotation: /has no subnet in eu-west-1d/,
  },
  {
    name: 's3 Interface endpoint with private DNS on beside the Gateway, in one AZ',
    mutate: (s, ids) =>
      s.ec2.VpcEndpoints.push({
        ...structuredClone(endpoint(s, iface(ids, 'sts'))),
        VpcEndpointId: 'vpce-0eeeeeeeeeeeeeeee',
        ServiceName: 'com.amazonaws.eu-west-1.s3',
        SubnetIds: [ids.subnetIds[0]],
      }),
    expected: 'NON_COMPLIANT',
    annotation: () => 'vpce-0eeeeeeeeeeeeeeee (s3) has no subnet in eu-west-1b, eu-west-1c',
  },
  {
    name: 'a definite violation wins over an incomplete node-subnet set',
    mutate: (s, ids) => {
      dropThirdSubnet(s, ids, 'ecr.dkr');
      delete s.eks.nodegroups[ids.name]![0]!.subnets;
    },
    expected: 'NON_COMPLIANT',
    annotation: (ids) => `${iface(ids, 'ecr.dkr')} (ecr.dkr) has no subnet in eu-west-1c`,
  },
];

const notApplicable: RuleCase[] = [
  {
    name: 'requiredServices= (no service)',
    mutate: (s, ids) => dropThirdSubnet(s, ids, 'ecr.dkr'),
    params: { requiredServices: '' },
    expected: 'NOT_APPLICABLE',
    annotation: /requiredServices is empty/,
  },
];

const insufficientData: RuleCase[] = [
  {
    name: 'ec2.Subnets absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.Subnets/,
  },
  {
    name: 'ec2.VpcEndpoints absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).VpcEndpoints,
    expected: 'INSUFFICIENT_DATA',
    annotation: /snapshot has no ec2\.VpcEndpoints/,
  },
  {
    name: 'nodeSubnetIds naming a subnet the snapshot does not hold',
    params: { nodeSubnetIds: EXTRA_SUBNET },
    expected: 'INSUFFICIENT_DATA',
    annotation: () => `cannot tell every Availability Zone with nodes: ${EXTRA_SUBNET} is not in ec2.Subnets`,
  },
  {
    name: 'a node subnet without AvailabilityZone',
    mutate: (s, ids) => delete subnet(s, ids.subnetIds[2]!).AvailabilityZone,
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) =>
      `cannot tell every Availability Zone with nodes: ${ids.subnetIds[2]} has no AvailabilityZone`,
  },
  {
    name: 'node group without subnets (incomplete node-subnet set)',
    mutate: (s, ids) => delete s.eks.nodegroups[ids.name]![0]!.subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: /cannot tell every Availability Zone with nodes: node group prod-0-general has no subnets/,
  },
  {
    name: 'an endpoint subnet missing from ec2.Subnets where the AZ matters',
    mutate: (s, ids) => {
      dropThirdSubnet(s, ids, 'ecr.dkr');
      (endpoint(s, iface(ids, 'ecr.dkr')).SubnetIds as string[]).push('subnet-0bbbbbbbbbbbbbbbb');
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) =>
      `cannot tell whether ${iface(ids, 'ecr.dkr')} (ecr.dkr) has no subnet in eu-west-1c: subnet-0bbbbbbbbbbbbbbbb is not in ec2.Subnets`,
    offenders: (ids) => [iface(ids, 'ecr.dkr')],
  },
  {
    name: 'an endpoint without State missing an AZ (may not be judged)',
    mutate: (s, ids) => {
      dropThirdSubnet(s, ids, 'sts');
      delete endpoint(s, iface(ids, 'sts')).State;
    },
    expected: 'INSUFFICIENT_DATA',
    annotation: (ids) =>
      `cannot tell whether ${iface(ids, 'sts')} (sts) has no subnet in eu-west-1c: it has no State`,
  },
];

describeRule(
  vpcEndpointsAzCoverage,
  [...compliant, ...nonCompliant, ...notApplicable, ...insufficientData],
  () => {
    it('declares the SPEC row: medium, needs VpcEndpoints and Subnets, honours nodeSubnetIds', () => {
      expect(vpcEndpointsAzCoverage.meta).toMatchObject({
        id: 'VPC_ENDPOINTS_AZ_COVERAGE',
        severity: 'medium',
        needs: ['VpcEndpoints', 'Subnets'],
        parameters: ['requiredServices', 'nodeSubnetIds'],
      });
    });
  },
);

describe('VPC_ENDPOINTS_AZ_COVERAGE details', () => {
  const setUp = (region: string) => {
    const { snapshot, ids } = privateClustersSnapshot(1, { region });
    return { snapshot, ids: ids[0]! };
  };
  const DOCS =
    'https://docs.aws.amazon.com/vpc/latest/privatelink/interface-endpoints.html#add-remove-subnets';

  it('one zone missing: the endpoint, and the node subnet of that zone added to it', () => {
    const { snapshot, ids } = setUp('eu-west-1');
    dropThirdSubnet(snapshot, ids, 'sts');
    const outcome = runRule(vpcEndpointsAzCoverage, snapshot);
    const id = iface(ids, 'sts');
    expect(outcome.details).toEqual([
      {
        resourceId: id,
        resourceType: 'AWS::EC2::VPCEndpoint',
        problem: `${id} (sts) has no subnet in eu-west-1c, where node subnet ${ids.subnetIds[2]} is: nodes there reach it across zones and lose it when another zone fails`,
        fix: {
          commands: [
            `aws ec2 modify-vpc-endpoint --region eu-west-1 --vpc-endpoint-id ${id} --add-subnet-ids ${ids.subnetIds[2]}`,
          ],
          documentation: DOCS,
        },
      },
    ]);
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    expect(fixAndRerun(vpcEndpointsAzCoverage, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('China, two zones missing: one detail per zone, each with its own subnet', () => {
    const { snapshot, ids } = setUp('cn-north-1');
    const id = iface(ids, 'ecr.dkr');
    endpoint(snapshot, id).SubnetIds = [ids.subnetIds[0]];
    const outcome = runRule(vpcEndpointsAzCoverage, snapshot);
    expect(outcome.annotation).toBe(`${id} (ecr.dkr) has no subnet in cn-north-1b, cn-north-1c`);
    expect(outcome.details.map((d) => [d.resourceId, d.problem.split(',')[0], d.fix.commands])).toEqual(
      [1, 2].map((n) => [
        id,
        `${id} (ecr.dkr) has no subnet in cn-north-1${'abc'[n]}`,
        [
          `aws ec2 modify-vpc-endpoint --region cn-north-1 --vpc-endpoint-id ${id} --add-subnet-ids ${ids.subnetIds[n]}`,
        ],
      ]),
    );
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    expect(fixAndRerun(vpcEndpointsAzCoverage, snapshot, outcome).outcome.compliance).toBe('COMPLIANT');
  });

  it('GovCloud, two endpoints and a node subnet from nodeSubnetIds: the first node subnet of each zone', () => {
    const { snapshot, ids } = setUp('us-gov-west-1');
    dropThirdSubnet(snapshot, ids, 'ec2');
    dropThirdSubnet(snapshot, ids, 'sts');
    addSubnet(snapshot, ids, 'us-gov-west-1c');
    const params = { nodeSubnetIds: EXTRA_SUBNET };
    const outcome = runRule(vpcEndpointsAzCoverage, snapshot, params);
    expect(
      outcome.details.map((d) => [d.resourceId, d.fix.commands[0]!.split(' --add-subnet-ids ')[1]]),
    ).toEqual([
      [iface(ids, 'ec2'), ids.subnetIds[2]],
      [iface(ids, 'sts'), ids.subnetIds[2]],
    ]);
    expectDetailsCoverOffenders(outcome);
    expectValidCommands(outcome);
    expect(fixAndRerun(vpcEndpointsAzCoverage, snapshot, outcome, params).outcome.compliance).toBe(
      'COMPLIANT',
    );
  });
});
