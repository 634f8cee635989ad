import { endpointPrivateAccess } from '../../rules/endpoint-private-access';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { vpcConfig } from '../../testkit/snapshot-edits';
import { applyCommands, expectDetailsCoverOffenders, fixCommands } from '../fixes/apply-aws-cli';

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

describe('ENDPOINT_PRIVATE_ACCESS details', () => {
  it.each([
    ['eu-west-1', 'aws'],
    ['cn-north-1', 'aws-cn'],
  ])('private access off in %s: one update-cluster-config with its Region, which resolves it', (region) => {
    const { snapshot } = privateClustersSnapshot(1, { region });
    vpcConfig(snapshot).endpointPrivateAccess = false;
    const outcome = runRule(endpointPrivateAccess, snapshot);
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details).toEqual([
      {
        resourceId: 'prod-0',
        resourceType: 'AWS::EKS::Cluster',
        problem:
          'prod-0 has its API server endpoint private access off: nodes without internet access cannot reach ' +
          'the API server, so new nodes cannot join and running ones lose the control plane',
        fix: {
          commands: [
            `aws eks update-cluster-config --region ${region} --name prod-0 --resources-vpc-config endpointPrivateAccess=true`,
          ],
          documentation: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
        },
      },
    ]);
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(endpointPrivateAccess, fixed).compliance).toBe('COMPLIANT');
  });

  it('names nothing to fix while the snapshot does not show the setting', () => {
    const { snapshot } = privateClustersSnapshot(1);
    delete vpcConfig(snapshot).endpointPrivateAccess;
    expect(runRule(endpointPrivateAccess, snapshot).details.map((d) => d.fix.commands)).toEqual([[]]);
  });
});
