import fc from 'fast-check';
import { compareFindings, inSpecOrder, SEVERITIES, type Finding } from '../../engine/findings';

/*
 * inSpecOrder puts each cluster's findings in SPEC §5 order without comparing them all: it must
 * give exactly what a stable sort of the evaluation order by compareFindings gives (the same
 * objects, in the same order), ties included: clusters that share a name, a rule named twice,
 * clusters whose rules differ.
 */

function finding(
  clusterIndex: number,
  name: string,
  rule: { id: string; severity: Finding['severity'] },
): Finding {
  return {
    ruleId: rule.id,
    configRuleName: `private-eks-${rule.id}`,
    severity: rule.severity,
    resourceType: 'AWS::EKS::Cluster',
    resourceId: name,
    clusterArn: `arn:aws:eks:eu-west-1:111122223333:cluster/${name}#${clusterIndex}`,
    vpcId: `vpc-${clusterIndex}`,
    compliance: 'COMPLIANT',
    annotation: '',
    offenders: [],
    details: [],
  };
}

const rule = fc.record({
  id: fc.constantFrom('A_RULE', 'B_RULE', 'C_RULE', 'D_RULE', 'E_RULE', 'F_RULE'),
  severity: fc.constantFrom(...SEVERITIES),
});

/** What a stable sort of the evaluation order (cluster by cluster, rules in order) gives. */
function expectSortOrder(perCluster: Finding[][]): void {
  const expected = perCluster.flat().sort(compareFindings);
  const actual = inSpecOrder(perCluster);
  expect(actual).toHaveLength(expected.length);
  actual.forEach((f, i) => expect(f).toBe(expected[i]));
}

describe('inSpecOrder', () => {
  it('orders like a stable sort by compareFindings: the same objects in the same order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('prod', 'prod-a', 'Prod', 'dev', 'a', ''), { maxLength: 9 }),
        fc.array(rule, { maxLength: 8 }),
        (names, rules) => expectSortOrder(names.map((name, c) => rules.map((r) => finding(c, name, r)))),
      ),
      { numRuns: 500 },
    );
  });

  it('orders distinct names and rules without falling back (the common case)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 4 }), { maxLength: 12 }),
        fc.uniqueArray(rule, { selector: (r) => r.id, maxLength: 6 }),
        (names, rules) => expectSortOrder(names.map((name, c) => rules.map((r) => finding(c, name, r)))),
      ),
      { numRuns: 500 },
    );
  });

  it('orders lists whose rules differ from cluster to cluster', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('x', 'y', 'z'), fc.array(rule, { maxLength: 5 })), {
          maxLength: 6,
        }),
        (clusters) =>
          expectSortOrder(clusters.map(([name, rules], c) => rules.map((r) => finding(c, name, r)))),
      ),
      { numRuns: 300 },
    );
  });

  it('puts severity before cluster name before rule id', () => {
    const rules = [
      { id: 'A_RULE', severity: 'low' as const },
      { id: 'Z_RULE', severity: 'critical' as const },
      { id: 'B_RULE', severity: 'critical' as const },
    ];
    const perCluster = ['b', 'a'].map((name, c) => rules.map((r) => finding(c, name, r)));
    expect(inSpecOrder(perCluster).map((f) => `${f.severity} ${f.resourceId} ${f.ruleId}`)).toEqual([
      'critical a B_RULE',
      'critical a Z_RULE',
      'critical b B_RULE',
      'critical b Z_RULE',
      'low a A_RULE',
      'low b A_RULE',
    ]);
  });
});
