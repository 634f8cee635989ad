import { dhcpOptionsComplete } from '../../rules/dhcp-options-complete';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { configurations, withoutSection } from '../../testkit/snapshot-edits';
import { applyCommands, expectDetailsCoverOffenders, fixCommands } from '../fixes/apply-aws-cli';

const { ids } = privateClustersSnapshot(1);
const { vpcId, dhcpOptionsId } = ids[0]!;
const label = `${dhcpOptionsId} (DHCP options of ${vpcId})`;

type Mutation = (s: RawSnapshot) => void;
const withoutKey =
  (key: string): Mutation =>
  (s) => {
    s.ec2.DhcpOptions[0]!.DhcpConfigurations = configurations(s).filter((c) => c.Key !== key);
  };
const setValues =
  (key: string, values: { Value?: string }[] | undefined): Mutation =>
  (s) => {
    const configuration = configurations(s).find((c) => c.Key === key)!;
    if (values === undefined) delete configuration.Values;
    else configuration.Values = values;
  };
const noOptionSet: Mutation = (s) => (s.ec2.Vpcs[0]!.DhcpOptionsId = 'default');

const cases: RuleCase[] = [
  {
    name: 'domain-name and AmazonProvidedDNS',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: [
      `${label} sets domain-name eu-west-1.compute.internal; domain-name-servers AmazonProvidedDNS`,
    ],
  },
  {
    name: 'custom name servers still complete the set',
    mutate: setValues('domain-name-servers', [{ Value: '10.0.0.53' }, { Value: '10.0.1.53' }]),
    expected: 'COMPLIANT',
    annotation: ['domain-name-servers 10.0.0.53, 10.0.1.53'],
  },
  {
    name: 'an empty value beside a real one',
    mutate: setValues('domain-name', [{ Value: '' }, { Value: 'corp.example' }]),
    expected: 'COMPLIANT',
    annotation: ['domain-name corp.example;'],
  },
  {
    name: 'no domain-name',
    mutate: withoutKey('domain-name'),
    expected: 'NON_COMPLIANT',
    annotation: [`${label} has no domain-name`],
    offenders: [dhcpOptionsId],
  },
  {
    name: 'no domain-name-servers',
    mutate: withoutKey('domain-name-servers'),
    expected: 'NON_COMPLIANT',
    annotation: [`${label} has no domain-name-servers`],
    offenders: [dhcpOptionsId],
  },
  {
    name: 'neither key',
    mutate: (s) => (s.ec2.DhcpOptions[0]!.DhcpConfigurations = []),
    expected: 'NON_COMPLIANT',
    annotation: [`${label} has no domain-name or domain-name-servers`],
    offenders: [dhcpOptionsId],
  },
  {
    name: 'DhcpConfigurations absent (an absent list is empty)',
    mutate: (s) => delete s.ec2.DhcpOptions[0]!.DhcpConfigurations,
    expected: 'NON_COMPLIANT',
    annotation: ['has no domain-name or domain-name-servers'],
  },
  {
    name: 'domain-name with an empty Values list',
    mutate: setValues('domain-name', []),
    expected: 'NON_COMPLIANT',
    annotation: [`${label} has no domain-name`],
  },
  {
    name: 'domain-name-servers with Values absent',
    mutate: setValues('domain-name-servers', undefined),
    expected: 'NON_COMPLIANT',
    annotation: ['has no domain-name-servers'],
  },
  {
    name: 'domain-name whose only value is empty',
    mutate: setValues('domain-name', [{ Value: '' }]),
    expected: 'NON_COMPLIANT',
    annotation: ['has no domain-name'],
  },
  {
    name: 'domain-name-servers whose only entry has no Value',
    mutate: setValues('domain-name-servers', [{}]),
    expected: 'NON_COMPLIANT',
    annotation: ['has no domain-name-servers'],
  },
  {
    name: 'keys are compared as AWS spells them',
    mutate: (s) => (configurations(s)[0]!.Key = 'Domain-Name'),
    expected: 'NON_COMPLIANT',
    annotation: ['has no domain-name'],
  },
  {
    name: 'no DHCP option set (default)',
    mutate: noOptionSet,
    expected: 'NON_COMPLIANT',
    annotation: [`${vpcId} has no DHCP option set (DhcpOptionsId default)`],
    offenders: [vpcId],
  },
  {
    name: 'no DHCP option set, and ec2.DhcpOptions absent: still a violation',
    mutate: (s) => {
      noOptionSet(s);
      withoutSection('DhcpOptions')(s);
    },
    expected: 'NON_COMPLIANT',
    annotation: ['DhcpOptionsId default'],
    offenders: [vpcId],
  },
  {
    name: 'ec2.DhcpOptions absent while the VPC names a set',
    mutate: withoutSection('DhcpOptions'),
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.DhcpOptions'],
    offenders: [],
  },
  {
    name: 'the named set is missing from ec2.DhcpOptions',
    mutate: (s) => (s.ec2.DhcpOptions = []),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${label} is not in ec2.DhcpOptions`],
    offenders: [dhcpOptionsId],
  },
  {
    name: 'ec2.Vpcs absent',
    mutate: withoutSection('Vpcs'),
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.Vpcs'],
  },
  {
    name: 'ec2.Vpcs without the cluster VPC',
    mutate: (s) => (s.ec2.Vpcs = []),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`ec2.Vpcs does not hold ${vpcId}`],
  },
  {
    name: 'cluster deleting',
    mutate: (s) => {
      s.eks.clusters[0]!.status = 'deleting';
      noOptionSet(s);
    },
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },
  {
    name: 'judges the set the VPC names, not the first set of the snapshot',
    clusters: 2,
    clusterName: 'prod-0',
    mutate: (s) => {
      const second = s.ec2.DhcpOptions[1]!;
      second.DhcpConfigurations = [];
      s.ec2.Vpcs[0]!.DhcpOptionsId = second.DhcpOptionsId;
    },
    expected: 'NON_COMPLIANT',
    annotation: (_ids, both) => [`${both[1]!.dhcpOptionsId} (DHCP options of ${both[0]!.vpcId})`],
    offenders: (_ids, both) => [both[1]!.dhcpOptionsId],
  },
];

describeRule(dhcpOptionsComplete, cases);

describe('DHCP_OPTIONS_COMPLETE details', () => {
  const DOCS = 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_DHCP_Options.html';
  const variable = (vpc: string) => `DOPT_ID_${vpc.slice(4).toUpperCase()}`;
  const replace = (region: string, vpc: string, configurations: string) => [
    `${variable(vpc)}=$(aws ec2 create-dhcp-options --region ${region} --dhcp-configurations '${configurations}' --query DhcpOptions.DhcpOptionsId --output text)`,
    `aws ec2 associate-dhcp-options --region ${region} --vpc-id ${vpc} --dhcp-options-id "$${variable(vpc)}"`,
  ];

  type Ids = { vpcId: string; dhcpOptionsId: string };
  const setOf = (i: Ids) => `${i.dhcpOptionsId} (DHCP options of ${i.vpcId})`;
  it.each<[string, string, Mutation, (ids: Ids) => string, (ids: Ids) => string, string]>([
    [
      'no domain-name: a new set keeps the servers and ntp-servers, and adds the Region default',
      'cn-north-1',
      (s) =>
        (s.ec2.DhcpOptions[0]!.DhcpConfigurations = [
          { Key: 'domain-name-servers', Values: [{ Value: '10.0.0.53' }] },
          { Key: 'ntp-servers', Values: [{ Value: '169.254.169.123' }] },
        ]),
      (i) => i.dhcpOptionsId,
      (i) => `${setOf(i)} has no domain-name`,
      '[{"Key":"domain-name-servers","Values":["10.0.0.53"]},{"Key":"ntp-servers","Values":["169.254.169.123"]},{"Key":"domain-name","Values":["cn-north-1.compute.internal"]}]',
    ],
    [
      'no set at all: a new set with both, for the VPC',
      'us-east-1',
      noOptionSet,
      (i) => i.vpcId,
      (i) =>
        `${i.vpcId} has no DHCP option set (DhcpOptionsId default): no domain-name or domain-name-servers`,
      '[{"Key":"domain-name","Values":["ec2.internal"]},{"Key":"domain-name-servers","Values":["AmazonProvidedDNS"]}]',
    ],
    [
      'neither key',
      'eu-west-1',
      (s) => (s.ec2.DhcpOptions[0]!.DhcpConfigurations = []),
      (i) => i.dhcpOptionsId,
      (i) => `${setOf(i)} has no domain-name or domain-name-servers`,
      '[{"Key":"domain-name","Values":["eu-west-1.compute.internal"]},{"Key":"domain-name-servers","Values":["AmazonProvidedDNS"]}]',
    ],
  ])('%s', (_name, region, mutate, resourceOf, problemOf, configurations) => {
    const {
      snapshot,
      ids: [cluster],
    } = privateClustersSnapshot(1, { region });
    mutate(snapshot);
    const outcome = runRule(dhcpOptionsComplete, snapshot);
    expectDetailsCoverOffenders(outcome);
    const resource = resourceOf(cluster!);
    expect(outcome.details).toEqual([
      {
        resourceId: resource,
        resourceType: resource.startsWith('vpc-') ? 'AWS::EC2::VPC' : 'AWS::EC2::DHCPOptions',
        problem: problemOf(cluster!),
        fix: { commands: replace(region, cluster!.vpcId, configurations), documentation: DOCS },
      },
    ]);
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(dhcpOptionsComplete, fixed).compliance).toBe('COMPLIANT');
  });
});
