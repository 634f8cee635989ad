import { evaluateSnapshot } from '../../engine/evaluate';
import { parseParams } from '../../engine/params';
import type { Rule, RuleMeta } from '../../engine/rule';
import { Verdict } from '../../engine/verdict';
import { privateClustersSnapshot, type RawSnapshot } from '../../testkit/private-cluster';
import { runRule } from '../../testkit/run-rule';
import { viewOf } from '../../testkit/view';

/** A probe rule: records that it ran and fails, so any result but its own shows an earlier step decided. */
function probe(meta: Partial<RuleMeta> = {}): Rule & { calls: number } {
  const rule = {
    calls: 0,
    meta: {
      id: 'PROBE',
      title: 'probe',
      severity: 'high',
      rationale: 'r',
      remediation: 'r',
      documentation: 'https://docs.aws.amazon.com/probe.html',
      parameters: [],
      needs: [],
      ...meta,
    } as RuleMeta,
    evaluate() {
      rule.calls++;
      return new Verdict().fail('probe ran', 'x').outcome('');
    },
  };
  return rule;
}

describe('evaluation model (SPEC §4), steps 1–3 in order', () => {
  it('1: a deleting cluster is NOT_APPLICABLE before short cuts and needs', () => {
    const { snapshot } = privateClustersSnapshot(1);
    snapshot.eks.clusters[0]!.status = 'Deleting';
    delete (snapshot as Partial<RawSnapshot>).ec2;
    const rule = probe({
      needs: ['Subnets'],
      shortCut: () => ({ compliance: 'COMPLIANT', annotation: 'short' }),
    });
    expect(runRule(rule, snapshot).compliance).toBe('NOT_APPLICABLE');
    expect(rule.calls).toBe(0);
  });

  it('2: a short cut decides before needs are checked', () => {
    const { snapshot } = privateClustersSnapshot(1);
    delete (snapshot as Partial<RawSnapshot>).ec2;
    const rule = probe({
      needs: ['Subnets'],
      shortCut: (p) =>
        p.egressMode === 'any' ? { compliance: 'COMPLIANT', annotation: 'any egress' } : undefined,
    });
    expect(runRule(rule, snapshot, { egressMode: 'any' })).toEqual({
      compliance: 'COMPLIANT',
      annotation: 'any egress',
      offenders: [],
      details: [],
    });
    expect(runRule(rule, snapshot).compliance).toBe('INSUFFICIENT_DATA');
    expect(rule.calls).toBe(0);
  });

  it('3: an absent needed section is INSUFFICIENT_DATA naming it; an empty one is present', () => {
    const { snapshot } = privateClustersSnapshot(1);
    delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>).NetworkAcls;
    const rule = probe({ needs: ['NetworkAcls', 'Subnets'] });
    expect(runRule(rule, snapshot)).toEqual({
      compliance: 'INSUFFICIENT_DATA',
      annotation: 'snapshot has no ec2.NetworkAcls',
      offenders: [],
      details: [],
    });
    snapshot.ec2.NetworkAcls = [];
    expect(runRule(rule, snapshot).compliance).toBe('NON_COMPLIANT');
  });

  it('3: conditional needs follow the parameters', () => {
    const { snapshot } = privateClustersSnapshot(1);
    delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>).VpcEndpoints;
    const rule = probe({ conditionalNeeds: (p) => (p.requiredServices.length > 0 ? ['VpcEndpoints'] : []) });
    expect(runRule(rule, snapshot).annotation).toBe('snapshot has no ec2.VpcEndpoints');
    expect(runRule(rule, snapshot, { requiredServices: '' }).annotation).toBe('probe ran');
  });

  it('3: VPC rules are INSUFFICIENT_DATA when a present ec2.Vpcs lacks the VPC; other rules still run', () => {
    const { snapshot } = privateClustersSnapshot(1);
    snapshot.ec2.Vpcs = [];
    expect(runRule(probe({ readsVpcObject: true }), snapshot).annotation).toMatch(
      /^ec2.Vpcs does not hold vpc-/,
    );
    expect(runRule(probe(), snapshot).annotation).toBe('probe ran');
  });

  it('turns a rule that throws into INSUFFICIENT_DATA, never a result', () => {
    const { snapshot } = privateClustersSnapshot(1);
    const rule = {
      ...probe(),
      evaluate: () => {
        throw new Error('boom');
      },
    };
    expect(runRule(rule, snapshot)).toEqual({
      compliance: 'INSUFFICIENT_DATA',
      annotation: 'internal error in PROBE: boom',
      offenders: [],
      details: [],
    });
  });
});

describe('evaluateSnapshot', () => {
  it('gives one finding per cluster and rule, sorted by severity, cluster, rule id', () => {
    const { snapshot } = privateClustersSnapshot(3);
    const rules = [
      probe({ id: 'B_RULE', severity: 'low' }),
      probe({ id: 'A_RULE', severity: 'low' }),
      probe({ id: 'Z_RULE', severity: 'critical' }),
    ];
    const findings = evaluateSnapshot(viewOf(snapshot), rules, parseParams());
    expect(findings.map((f) => `${f.severity} ${f.resourceId} ${f.ruleId}`)).toEqual([
      'critical prod-0 Z_RULE',
      'critical prod-1 Z_RULE',
      'critical prod-2 Z_RULE',
      'low prod-0 A_RULE',
      'low prod-0 B_RULE',
      'low prod-1 A_RULE',
      'low prod-1 B_RULE',
      'low prod-2 A_RULE',
      'low prod-2 B_RULE',
    ]);
    expect(findings[0]).toMatchObject({
      configRuleName: 'private-eks-z-rule',
      resourceType: 'AWS::EKS::Cluster',
      resourceId: 'prod-0',
      clusterArn: 'arn:aws:eks:eu-west-1:111122223333:cluster/prod-0',
      vpcId: snapshot.ec2.Vpcs[0]!.VpcId,
    });
  });
});

describe('evaluateSnapshot: details (issue 11)', () => {
  const params = parseParams();

  it('a violation without details of its own gets one per offender, with the rule remediation as its fix', () => {
    const { snapshot } = privateClustersSnapshot(1);
    const [finding] = evaluateSnapshot(viewOf(snapshot), [probe({ remediation: 'open the port' })], params);
    expect(finding!.details).toEqual([
      {
        resourceId: 'x',
        resourceType: 'AWS::EKS::Cluster',
        problem: 'probe ran',
        fix: {
          commands: [],
          decide: 'open the port',
          documentation: 'https://docs.aws.amazon.com/probe.html',
        },
      },
    ]);
  });

  it('an absent section names the cluster and says how to capture it; COMPLIANT has no details', () => {
    const { snapshot } = privateClustersSnapshot(1);
    delete (snapshot.ec2 as Partial<RawSnapshot['ec2']>).NetworkAcls;
    const compliant: Rule = {
      meta: { ...probe().meta, id: 'OK_RULE' },
      evaluate: () => new Verdict().outcome('fine'),
    };
    const findings = evaluateSnapshot(
      viewOf(snapshot),
      [probe({ needs: ['NetworkAcls'] }), compliant],
      params,
    );
    const byRule = Object.fromEntries(findings.map((f) => [f.ruleId, f]));
    expect(byRule.OK_RULE!.details).toEqual([]);
    expect(byRule.PROBE!.details).toEqual([
      {
        resourceId: 'prod-0',
        resourceType: 'AWS::EKS::Cluster',
        problem: 'snapshot has no ec2.NetworkAcls',
        fix: {
          commands: [],
          decide: expect.stringContaining('private-eks-guard snapshot --region eu-west-1'),
          documentation: 'https://docs.aws.amazon.com/probe.html',
        },
      },
    ]);
  });

  it('keeps the details and fixes a rule gives', () => {
    const { snapshot } = privateClustersSnapshot(1);
    const fix = {
      commands: ['aws eks update-cluster-config --region eu-west-1 --name prod-0'],
      documentation: 'u',
    };
    const rule: Rule = {
      meta: probe().meta,
      evaluate: () =>
        new Verdict()
          .fail('off', 'prod-0')
          .because({ resourceId: 'prod-0', resourceType: 'AWS::EKS::Cluster', problem: 'off', fix })
          .outcome(''),
    };
    const [finding] = evaluateSnapshot(viewOf(snapshot), [rule], params);
    expect(finding!.details).toEqual([
      { resourceId: 'prod-0', resourceType: 'AWS::EKS::Cluster', problem: 'off', fix },
    ]);
  });
});
