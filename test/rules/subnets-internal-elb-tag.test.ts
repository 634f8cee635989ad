import { subnetsInternalElbTag } from '../../rules/subnets-internal-elb-tag';
import { privateClustersSnapshot, resourceId, type RawSnapshot } from '../../testkit/private-cluster';
import { describeRule, type RuleCase } from '../../testkit/rule-tester';
import { runRule } from '../../testkit/run-rule';
import { all, subnet } from '../../testkit/snapshot-edits';
import { applyCommands, expectDetailsCoverOffenders, fixCommands } from '../fixes/apply-aws-cli';

const { ids } = privateClustersSnapshot(1);
const [subnetA, subnetB] = ids[0]!.subnetIds as [string, string, string];
const TAG = 'kubernetes.io/role/internal-elb';
/** A subnet of the VPC that only a node group or nodeSubnetIds makes a node subnet. */
const EXTRA = resourceId('subnet', 0, 9);
/** A subnet id the snapshot does not hold. */
const UNKNOWN_SUBNET = resourceId('subnet', 0, 10);

type Tag = { Key?: string; Value?: string };
type Mutation = (s: RawSnapshot) => void;
const tags = (s: RawSnapshot, id: string) => subnet(s, id).Tags as Tag[];
const retag =
  (id: string, change: (tags: Tag[]) => Tag[]): Mutation =>
  (s) =>
    (subnet(s, id).Tags = change(tags(s, id)));
const elbTagValue = (id: string, value: string | undefined): Mutation =>
  retag(id, (list) =>
    list.map((t) => (t.Key === TAG ? (value === undefined ? { Key: TAG } : { Key: TAG, Value: value }) : t)),
  );
const withoutElbTag = (id: string): Mutation => retag(id, (list) => list.filter((t) => t.Key !== TAG));
/** Adds EXTRA to the cluster VPC, without the internal-elb tag. */
const addUntaggedSubnet: Mutation = (s) => {
  s.ec2.Subnets.push({
    ...structuredClone(subnet(s, subnetA)),
    SubnetId: EXTRA,
    CidrBlock: '10.0.128.0/24',
    Tags: [{ Key: 'Name', Value: 'self-managed-nodes' }],
  });
};

const cases: RuleCase[] = [
  {
    name: 'every node subnet tagged 1',
    mutate: () => {},
    expected: 'COMPLIANT',
    annotation: [`3 node subnets carry ${TAG} (1 or empty)`],
  },
  {
    name: 'an empty value',
    mutate: elbTagValue(subnetB, ''),
    expected: 'COMPLIANT',
    annotation: [`3 node subnets carry ${TAG}`],
  },
  {
    name: 'an absent Value reads as empty',
    mutate: elbTagValue(subnetB, undefined),
    expected: 'COMPLIANT',
    annotation: [`3 node subnets carry ${TAG}`],
  },
  {
    name: 'the tag missing',
    mutate: withoutElbTag(subnetB),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetB} has no ${TAG} tag`],
    offenders: [subnetB],
  },
  {
    name: 'Tags absent (an absent list is empty)',
    mutate: (s) => delete subnet(s, subnetA).Tags,
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetA} has no ${TAG} tag`],
    offenders: [subnetA],
  },
  {
    name: 'value "true" is not 1',
    mutate: elbTagValue(subnetA, 'true'),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetA}: tag ${TAG} is "true", not 1 or empty`],
    offenders: [subnetA],
  },
  {
    name: 'value "0"',
    mutate: elbTagValue(subnetB, '0'),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetB}: tag ${TAG} is "0"`],
    offenders: [subnetB],
  },
  {
    name: 'only the public-subnet tag kubernetes.io/role/elb',
    mutate: retag(subnetB, (list) =>
      list.map((t) => (t.Key === TAG ? { Key: 'kubernetes.io/role/elb', Value: '1' } : t)),
    ),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetB} has no ${TAG} tag`],
    offenders: [subnetB],
  },
  {
    name: 'tag keys are case-sensitive',
    mutate: retag(subnetA, (list) =>
      list.map((t) => (t.Key === TAG ? { Key: 'Kubernetes.io/role/internal-elb', Value: '1' } : t)),
    ),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetA} has no ${TAG} tag`],
  },
  {
    name: 'two subnets untagged: both named',
    mutate: all(withoutElbTag(subnetA), withoutElbTag(subnetB)),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetA} has no ${TAG} tag`, `${subnetB} has no ${TAG} tag`],
    offenders: [subnetA, subnetB],
  },
  {
    name: 'a node group subnet outside the cluster subnets is checked',
    mutate: all(addUntaggedSubnet, (s) => (s.eks.nodegroups['prod-0']![0]!.subnets as string[]).push(EXTRA)),
    expected: 'NON_COMPLIANT',
    annotation: [`${EXTRA} has no ${TAG} tag`],
    offenders: [EXTRA],
  },
  {
    name: 'a tag without Key might be the one: unknown',
    mutate: retag(subnetB, (list) => list.map((t) => (t.Key === TAG ? { Value: '1' } : t))),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${subnetB} has a tag without Key, which may be ${TAG}`],
    offenders: [subnetB],
  },
  {
    name: 'a tag without Key does not matter once the tag is found',
    mutate: retag(subnetB, (list) => [...list, { Value: 'x' }]),
    expected: 'COMPLIANT',
    annotation: ['3 node subnets'],
  },
  {
    name: 'a node subnet missing from ec2.Subnets',
    mutate: (s) => (s.ec2.Subnets = s.ec2.Subnets.filter((x) => x.SubnetId !== subnetA)),
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${subnetA} is not in ec2.Subnets`],
    offenders: [subnetA],
  },
  {
    name: 'a node group without subnets',
    mutate: (s) => delete s.eks.nodegroups['prod-0']![0]!.subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['node group prod-0-general has no subnets'],
  },
  {
    name: 'a violation wins over an unknown',
    mutate: all((s) => delete s.eks.nodegroups['prod-0']![0]!.subnets, elbTagValue(subnetA, 'yes')),
    expected: 'NON_COMPLIANT',
    annotation: [`${subnetA}: tag ${TAG} is "yes"`],
    offenders: [subnetA],
  },
  {
    name: 'ec2.Subnets absent',
    mutate: (s) => delete (s.ec2 as Partial<RawSnapshot['ec2']>).Subnets,
    expected: 'INSUFFICIENT_DATA',
    annotation: ['snapshot has no ec2.Subnets'],
  },
  {
    name: 'cluster deleting',
    mutate: all((s) => (s.eks.clusters[0]!.status = 'DELETING'), withoutElbTag(subnetA)),
    expected: 'NOT_APPLICABLE',
    annotation: ['being deleted'],
  },

  // nodeSubnetIds
  {
    name: 'nodeSubnetIds: an untagged subnet given by the parameter is checked',
    params: { nodeSubnetIds: EXTRA },
    mutate: addUntaggedSubnet,
    expected: 'NON_COMPLIANT',
    annotation: [`${EXTRA} has no ${TAG} tag`],
    offenders: [EXTRA],
  },
  {
    name: 'nodeSubnetIds: the same subnet is not a node subnet without the parameter',
    mutate: addUntaggedSubnet,
    expected: 'COMPLIANT',
    annotation: ['3 node subnets'],
  },
  {
    name: 'nodeSubnetIds: an id the snapshot does not hold is unknown',
    params: { nodeSubnetIds: UNKNOWN_SUBNET },
    mutate: () => {},
    expected: 'INSUFFICIENT_DATA',
    annotation: [`${UNKNOWN_SUBNET} is not in ec2.Subnets`],
    offenders: [UNKNOWN_SUBNET],
  },
];

describeRule(subnetsInternalElbTag, cases, () => {
  it('nodeSubnetIds: an id the snapshot shows in another VPC is ignored', () => {
    const { snapshot, ids: pair } = privateClustersSnapshot(2);
    const foreign = pair[1]!.subnetIds[0]!;
    withoutElbTag(foreign)(snapshot);
    const outcome = runRule(subnetsInternalElbTag, snapshot, { nodeSubnetIds: foreign }, 'prod-0');
    expect(outcome.compliance).toBe('COMPLIANT');
    expect(outcome.annotation).toBe(`3 node subnets carry ${TAG} (1 or empty)`);
    const owner = runRule(subnetsInternalElbTag, snapshot, {}, 'prod-1');
    expect(owner.compliance).toBe('NON_COMPLIANT');
    expect(owner.offenders).toEqual([foreign]);
  });
});

describe('SUBNETS_INTERNAL_ELB_TAG details', () => {
  const tagCommand = (region: string, id: string) =>
    `aws ec2 create-tags --region ${region} --resources ${id} --tags '[{"Key":"${TAG}","Value":"1"}]'`;

  it('one create-tags per subnet, missing or wrong alike, which resolves it (cn-north-1)', () => {
    const { snapshot } = privateClustersSnapshot(1, { region: 'cn-north-1' });
    retag(subnetA, (list) => list.filter((t) => t.Key !== TAG))(snapshot);
    elbTagValue(subnetB, 'true')(snapshot);
    const outcome = runRule(subnetsInternalElbTag, snapshot);
    expectDetailsCoverOffenders(outcome);
    expect(outcome.details).toEqual([
      {
        resourceId: subnetA,
        resourceType: 'AWS::EC2::Subnet',
        problem: `${subnetA} has no ${TAG} tag: the load balancer controller does not place internal load balancers in it`,
        fix: {
          commands: [tagCommand('cn-north-1', subnetA)],
          documentation:
            'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#node-subnet-reqs',
        },
      },
      {
        resourceId: subnetB,
        resourceType: 'AWS::EC2::Subnet',
        problem: `${subnetB} has the tag ${TAG} set to "true", not 1 or empty: the load balancer controller does not place internal load balancers in it`,
        fix: {
          commands: [tagCommand('cn-north-1', subnetB)],
          documentation:
            'https://docs.aws.amazon.com/eks/latest/userguide/network-reqs.html#node-subnet-reqs',
        },
      },
    ]);
    const fixed = applyCommands(snapshot, fixCommands(outcome, { distinct: false }));
    expect(runRule(subnetsInternalElbTag, fixed).compliance).toBe('COMPLIANT');
  });
});
