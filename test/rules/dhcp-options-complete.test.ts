import { dhcpOptionsComplete } from '../../rules/dhcp-options-complete';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { configurations, withoutSection } from '../../testkit/snapshot-edits';

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
