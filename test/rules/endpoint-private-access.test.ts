import { endpointPrivateAccess } from '../../rules/endpoint-private-access';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { runRule } from '../../testkit/run-rule';

type Mutation = (s: RawSnapshot) => void;
const vpcConfig = (s: RawSnapshot) => s.eks.clusters[0]!.resourcesVpcConfig as Record<string, unknown>;

const cases: { name: string; mutate: Mutation; expected: string; annotation: RegExp }[] = [
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
];

describe('ENDPOINT_PRIVATE_ACCESS', () => {
  it.each(cases)('$name → $expected', ({ mutate, expected, annotation }) => {
    const { snapshot } = privateClustersSnapshot(1);
    mutate(snapshot);
    const outcome = runRule(endpointPrivateAccess, snapshot);
    expect(outcome.compliance).toBe(expected);
    expect(outcome.annotation).toMatch(annotation);
    expect(outcome.annotation.length).toBeLessThanOrEqual(256);
  });

  it('names the cluster as the offender', () => {
    const { snapshot } = privateClustersSnapshot(1);
    vpcConfig(snapshot).endpointPrivateAccess = false;
    expect(runRule(endpointPrivateAccess, snapshot).offenders).toEqual(['prod-0']);
  });
});
