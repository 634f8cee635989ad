import { endpointPublicAccess } from '../../rules/endpoint-public-access';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { vpcConfig } from '../../testkit/snapshot-edits';
import { applyCommands, expectDetailsCoverOffenders, fixCommands } from '../fixes/apply-aws-cli';

type Mutation = (s: RawSnapshot) => void;
const publicAccess =
  (on: boolean | undefined, cidrs?: string[]): Mutation =>
  (s) => {
    if (on === undefined) delete vpcConfig(s).endpointPublicAccess;
    else vpcConfig(s).endpointPublicAccess = on;
    if (cidrs === undefined) delete vpcConfig(s).publicAccessCidrs;
    else vpcConfig(s).publicAccessCidrs = cidrs;
  };
const keepCidrs =
  (on: boolean | undefined): Mutation =>
  (s) => {
    if (on === undefined) delete vpcConfig(s).endpointPublicAccess;
    else vpcConfig(s).endpointPublicAccess = on;
  };

const restricted = { publicAccess: 'restricted' };
const allowedNet = { publicAccess: 'restricted', allowedPublicCidrs: '203.0.113.0/24' };

const cases: RuleCase[] = [
  // publicAccess=disabled (the default)
  {
    name: 'disabled: public access off (testkit cluster, which reports 0.0.0.0/0 anyway)',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: ['prod-0: public API server endpoint access is off'],
  },
  {
    name: 'disabled: public access on',
    mutate: keepCidrs(true),
    expected: 'NON_COMPLIANT',
    annotation: ['prod-0: public API server endpoint access is on', 'publicAccess=disabled'],
    offenders: ['prod-0'],
  },
  {
    name: 'disabled: public access on even when restricted to a small CIDR',
    mutate: publicAccess(true, ['203.0.113.0/24']),
    expected: 'NON_COMPLIANT',
    annotation: ['endpoint access is on'],
    offenders: ['prod-0'],
  },
  {
    name: 'disabled: endpointPublicAccess absent',
    mutate: keepCidrs(undefined),
    expected: 'INSUFFICIENT_DATA',
    annotation: ['prod-0: resourcesVpcConfig.endpointPublicAccess is absent'],
    offenders: ['prod-0'],
  },
  {
    name: 'cluster deleting',
    mutate: (s) => {
      s.eks.clusters[0]!.status = 'DELETING';
      vpcConfig(s).endpointPublicAccess = true;
    },
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },
  {
    name: 'deleting wins over the publicAccess=allowed short cut',
    params: { publicAccess: 'allowed' },
    mutate: (s) => (s.eks.clusters[0]!.status = 'deleting'),
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },
  {
    name: 'allowed: public access on and open to the internet',
    params: { publicAccess: 'allowed' },
    mutate: keepCidrs(true),
    expected: 'COMPLIANT',
    annotation: ['publicAccess=allowed'],
  },
  {
    name: 'allowed: even with endpointPublicAccess absent',
    params: { publicAccess: 'allowed' },
    mutate: publicAccess(undefined),
    expected: 'COMPLIANT',
    annotation: ['publicAccess=allowed'],
  },
  {
    name: 'no ec2 section at all (rule needs none)',
    mutate: (s) => delete (s as Partial<RawSnapshot>).ec2,
    expected: 'COMPLIANT',
    annotation: ['access is off'],
  },

  // publicAccess=restricted
  {
    name: 'restricted: public access off, EKS still reports 0.0.0.0/0',
    params: restricted,
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: ['prod-0: public API server endpoint access is off'],
  },
  {
    name: 'restricted: public access on, open to 0.0.0.0/0',
    params: restricted,
    mutate: keepCidrs(true),
    expected: 'NON_COMPLIANT',
    annotation: ['prod-0: public API server endpoint is on and open to the internet (0.0.0.0/0)'],
    offenders: ['0.0.0.0/0'],
  },
  {
    name: 'restricted: public access on, open to ::/0 beside a small CIDR',
    params: restricted,
    mutate: publicAccess(true, ['203.0.113.0/24', '::/0']),
    expected: 'NON_COMPLIANT',
    annotation: ['open to the internet (::/0)'],
    offenders: ['::/0'],
  },
  {
    name: 'restricted: public access on, small CIDRs, no allowedPublicCidrs',
    params: restricted,
    mutate: publicAccess(true, ['203.0.113.0/24', '2001:db8::/32']),
    expected: 'COMPLIANT',
    annotation: ['access is on, restricted to 203.0.113.0/24, 2001:db8::/32'],
  },
  {
    name: 'restricted: public access on, publicAccessCidrs absent',
    params: restricted,
    mutate: publicAccess(true),
    expected: 'INSUFFICIENT_DATA',
    annotation: [
      'prod-0: public API server endpoint access is on but resourcesVpcConfig.publicAccessCidrs is absent',
    ],
    offenders: ['prod-0'],
  },
  {
    name: 'restricted: public access off, publicAccessCidrs absent',
    params: restricted,
    mutate: publicAccess(false),
    expected: 'COMPLIANT',
    annotation: ['access is off'],
  },
  {
    name: 'restricted: endpointPublicAccess absent and CIDRs open: cannot tell',
    params: restricted,
    mutate: keepCidrs(undefined),
    expected: 'INSUFFICIENT_DATA',
    annotation: ['endpointPublicAccess is absent', 'open to the internet (0.0.0.0/0)'],
    offenders: ['0.0.0.0/0'],
  },
  {
    name: 'restricted: endpointPublicAccess absent but CIDRs fine either way',
    params: restricted,
    mutate: publicAccess(undefined, ['203.0.113.0/24']),
    expected: 'COMPLIANT',
    annotation: ['admits only 203.0.113.0/24'],
  },
  {
    name: 'restricted: endpointPublicAccess and publicAccessCidrs both absent',
    params: restricted,
    mutate: publicAccess(undefined),
    expected: 'INSUFFICIENT_DATA',
    annotation: ['endpointPublicAccess and publicAccessCidrs are absent'],
  },

  // allowedPublicCidrs
  {
    name: 'allowedPublicCidrs: every CIDR inside the allowed block',
    params: allowedNet,
    mutate: publicAccess(true, ['203.0.113.0/25', '203.0.113.128/26']),
    expected: 'COMPLIANT',
    annotation: ['restricted to 203.0.113.0/25, 203.0.113.128/26'],
  },
  {
    name: 'allowedPublicCidrs: a CIDR covered only by the union of two allowed blocks',
    params: { publicAccess: 'restricted', allowedPublicCidrs: '203.0.113.0/25, 203.0.113.128/25' },
    mutate: publicAccess(true, ['203.0.113.0/24']),
    expected: 'COMPLIANT',
    annotation: ['restricted to 203.0.113.0/24'],
  },
  {
    name: 'allowedPublicCidrs: a CIDR outside the allowed block',
    params: allowedNet,
    mutate: publicAccess(true, ['198.51.100.0/24', '203.0.113.0/24']),
    expected: 'NON_COMPLIANT',
    annotation: [
      'prod-0: public API server endpoint is on and admits 198.51.100.0/24, outside allowedPublicCidrs',
    ],
    offenders: ['198.51.100.0/24'],
  },
  {
    name: 'allowedPublicCidrs: a CIDR only partly inside the allowed block',
    params: allowedNet,
    mutate: publicAccess(true, ['203.0.112.0/23']),
    expected: 'NON_COMPLIANT',
    annotation: ['admits 203.0.112.0/23, outside allowedPublicCidrs'],
    offenders: ['203.0.112.0/23'],
  },
  {
    name: 'allowedPublicCidrs: an IPv4 CIDR is not covered by IPv6 allowed blocks',
    params: { publicAccess: 'restricted', allowedPublicCidrs: '2001:db8::/32' },
    mutate: publicAccess(true, ['2001:db8:1::/48', '203.0.113.0/24']),
    expected: 'NON_COMPLIANT',
    annotation: ['admits 203.0.113.0/24, outside'],
    offenders: ['203.0.113.0/24'],
  },
  {
    name: 'allowedPublicCidrs: 0.0.0.0/0 is reported as open, once',
    params: allowedNet,
    mutate: keepCidrs(true),
    expected: 'NON_COMPLIANT',
    annotation: ['open to the internet (0.0.0.0/0)'],
    notAnnotation: ['outside allowedPublicCidrs'],
    offenders: ['0.0.0.0/0'],
  },
  {
    name: 'allowedPublicCidrs: public access off, outside CIDRs do not matter',
    params: allowedNet,
    mutate: publicAccess(false, ['198.51.100.0/24']),
    expected: 'COMPLIANT',
    annotation: ['access is off'],
  },
  {
    name: 'allowedPublicCidrs: endpointPublicAccess absent, an outside CIDR: cannot tell',
    params: allowedNet,
    mutate: publicAccess(undefined, ['198.51.100.0/24']),
    expected: 'INSUFFICIENT_DATA',
    annotation: ['endpointPublicAccess is absent', '198.51.100.0/24, outside allowedPublicCidrs'],
    offenders: ['198.51.100.0/24'],
  },
  {
    name: 'allowedPublicCidrs without publicAccess=restricted: disabled still demands access off',
    params: { allowedPublicCidrs: '203.0.113.0/24' },
    mutate: publicAccess(true, ['203.0.113.0/24']),
    expected: 'NON_COMPLIANT',
    annotation: ['publicAccess=disabled'],
    offenders: ['prod-0'],
  },
];

describeRule(endpointPublicAccess, cases, () => {
  it('judges each cluster by its own settings', () => {
    const { snapshot } = privateClustersSnapshot(2);
    vpcConfig(snapshot, 1).endpointPublicAccess = true;
    expect(runRule(endpointPublicAccess, snapshot, {}, 'prod-0').compliance).toBe('COMPLIANT');
    const second = runRule(endpointPublicAccess, snapshot, {}, 'prod-1');
    expect(second.compliance).toBe('NON_COMPLIANT');
    expect(second.offenders).toEqual(['prod-1']);
  });
});

describe('ENDPOINT_PUBLIC_ACCESS details', () => {
  const DOCS = 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html';
  const update = (region: string, config: string) =>
    `aws eks update-cluster-config --region ${region} --name prod-0 --resources-vpc-config ${config}`;
  const after = (mutate: Mutation, params: Record<string, string> = {}, region = 'eu-west-1') => {
    const { snapshot } = privateClustersSnapshot(1, { region });
    mutate(snapshot);
    return { snapshot, outcome: runRule(endpointPublicAccess, snapshot, params) };
  };

  it.each<[string, Mutation, Record<string, string>, string, string]>([
    [
      'disabled, public on: private stays on in the same call, since EKS refuses both off',
      publicAccess(true, ['0.0.0.0/0']),
      {},
      'cn-north-1',
      update('cn-north-1', 'endpointPrivateAccess=true,endpointPublicAccess=false'),
    ],
    [
      'restricted, open and outside CIDRs: the ones inside allowedPublicCidrs are kept',
      publicAccess(true, ['0.0.0.0/0', '203.0.113.0/25', '198.51.100.0/24']),
      allowedNet,
      'eu-west-1',
      update('eu-west-1', `'{"publicAccessCidrs":["203.0.113.0/25"]}'`),
    ],
    [
      'restricted, nothing inside allowedPublicCidrs: the allowed list of the families the cluster admits',
      publicAccess(true, ['0.0.0.0/0']),
      { publicAccess: 'restricted', allowedPublicCidrs: '203.0.113.0/24,2001:db8::/32,198.51.100.0/24' },
      'cn-north-1',
      update('cn-north-1', `'{"publicAccessCidrs":["203.0.113.0/24","198.51.100.0/24"]}'`),
    ],
  ])('%s', (_name, mutate, params, region, command) => {
    const { snapshot, outcome } = after(mutate, params, region);
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details).toHaveLength(1);
    expect(outcome.details[0]).toMatchObject({
      resourceId: 'prod-0',
      resourceType: 'AWS::EKS::Cluster',
      fix: { commands: [command], documentation: DOCS },
    });
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(endpointPublicAccess, fixed, params).compliance).toBe('COMPLIANT');
  });

  it('says every CIDR that should go, untruncated, in one detail for the one call that fixes them', () => {
    const outside = Array.from({ length: 30 }, (_, i) => `198.51.${i}.0/24`);
    const { outcome } = after(publicAccess(true, ['0.0.0.0/0', ...outside]), allowedNet);
    expect(outcome.details).toHaveLength(1);
    expect(outcome.details[0]!.problem).toBe(
      `prod-0 has its public API server endpoint on and open to the internet through 0.0.0.0/0 and admitting ${outside.join(', ')}, outside allowedPublicCidrs`,
    );
    expect(outcome.details[0]!.fix.commands).toEqual([
      update('eu-west-1', `'{"publicAccessCidrs":["203.0.113.0/24"]}'`),
    ]);
  });

  it("restricted without allowedPublicCidrs: which networks to admit is the user's choice, not a guess", () => {
    const { outcome } = after(publicAccess(true, ['0.0.0.0/0', '::/0']), restricted);
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details).toHaveLength(1);
    const { fix } = outcome.details[0]!;
    expect(fix.commands).toEqual([]);
    expect(fix.decide).toContain('in place of 0.0.0.0/0, ::/0 (allowedPublicCidrs is not set');
    expect(fix.decide).toContain('endpointPrivateAccess=true,endpointPublicAccess=false');
  });

  it('restricted, allowedPublicCidrs only of a family the cluster does not admit: a decision', () => {
    const { outcome } = after(publicAccess(true, ['0.0.0.0/0']), {
      publicAccess: 'restricted',
      allowedPublicCidrs: '2001:db8::/32',
    });
    expect(outcome.details[0]!.fix.commands).toEqual([]);
    expect(outcome.details[0]!.fix.decide).toContain('none of allowedPublicCidrs (2001:db8::/32)');
  });

  it('no detail to act on while public access is unknown', () => {
    const { outcome } = after(publicAccess(undefined, ['0.0.0.0/0']), restricted);
    expect(outcome.compliance).toBe('INSUFFICIENT_DATA');
    expect(outcome.details.flatMap((d) => d.fix.commands)).toEqual([]);
  });
});
