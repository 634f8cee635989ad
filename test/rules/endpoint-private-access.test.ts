import { endpointPrivateAccess } from '../../rules/endpoint-private-access';
import type { RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { vpcConfig } from '../../testkit/snapshot-edits';

const cases: RuleCase[] = [
  {
    name: 'private access on',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: /private API server endpoint access is on/,
  },
  {
    name: 'private access off',
    mutate: (s) => (vpcConfig(s).endpointPrivateAccess = false),
    expected: 'NON_COMPLIANT',
    annotation: /private access is off/,
  },
  {
    name: 'private access absent',
    mutate: (s) => delete vpcConfig(s).endpointPrivateAccess,
    expected: 'INSUFFICIENT_DATA',
    annotation: /absent/,
  },
  {
    name: 'cluster deleting',
    mutate: (s) => (s.eks.clusters[0]!.status = 'DELETING'),
    expected: 'NOT_APPLICABLE',
    annotation: /being deleted/,
  },
  {
    name: 'deleting wins over a violation',
    mutate: (s) => {
      s.eks.clusters[0]!.status = 'deleting';
      vpcConfig(s).endpointPrivateAccess = false;
    },
    expected: 'NOT_APPLICABLE',
    annotation: /being deleted/,
  },
  {
    name: 'no ec2 section at all (rule needs none)',
    mutate: (s) => delete (s as Partial<RawSnapshot>).ec2,
    expected: 'COMPLIANT',
    annotation: /on/,
  },
  {
    name: 'names the cluster as the offender',
    mutate: (s) => (vpcConfig(s).endpointPrivateAccess = false),
    expected: 'NON_COMPLIANT',
    offenders: ['prod-0'],
  },
];

describeRule(endpointPrivateAccess, cases);
