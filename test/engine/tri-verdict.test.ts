import fc from 'fast-check';
import { joinAnnotation, MAX_ANNOTATION, UNRESOLVED_FIX } from '../../engine/findings';
import { Verdict } from '../../engine/verdict';
import { and, not, or, type Tri } from '../../network/tri';

const tri = fc.constantFrom<Tri>(true, false, null);

describe('three-valued logic', () => {
  it('agrees with Kleene logic: unknown never hides a definite answer', () => {
    fc.assert(
      fc.property(fc.array(tri, { maxLength: 6 }), (values) => {
        const completions = values.reduce<boolean[][]>(
          (acc, v) =>
            acc.flatMap((prefix) =>
              v === null
                ? [
                    [...prefix, true],
                    [...prefix, false],
                  ]
                : [[...prefix, v]],
            ),
          [[]],
        );
        const expectFrom = (results: boolean[]): Tri =>
          results.every((r) => r) ? true : results.every((r) => !r) ? false : null;
        expect(and(...values)).toBe(expectFrom(completions.map((c) => c.every(Boolean))));
        expect(or(...values)).toBe(expectFrom(completions.map((c) => c.some(Boolean))));
      }),
    );
  });

  it('negates', () => {
    expect([true, false, null].map((v) => not(v as Tri))).toEqual([false, true, null]);
  });
});

describe('Verdict', () => {
  it('is COMPLIANT only when nothing failed and nothing was unknown', () => {
    expect(new Verdict().outcome('all good')).toEqual({
      compliance: 'COMPLIANT',
      annotation: 'all good',
      offenders: [],
      details: [],
    });
  });

  it('puts a definite violation before any unknown', () => {
    const outcome = new Verdict()
      .unknown('subnet-1 is not in ec2.Subnets', 'subnet-1')
      .fail('sg-2 is open', 'sg-2')
      .outcome('ok');
    expect(outcome).toEqual({
      compliance: 'NON_COMPLIANT',
      annotation: 'sg-2 is open',
      offenders: ['sg-2'],
      details: [
        {
          resourceId: 'sg-2',
          resourceType: 'AWS::EC2::SecurityGroup',
          problem: 'sg-2 is open',
          fix: UNRESOLVED_FIX,
        },
      ],
    });
  });

  it('reports unknowns as INSUFFICIENT_DATA with their reasons', () => {
    const verdict = new Verdict();
    verdict.check(null, 'x is off', ['x']);
    verdict.check(true, 'never shown', ['y']);
    expect(verdict.outcome('ok')).toEqual({
      compliance: 'INSUFFICIENT_DATA',
      annotation: 'cannot tell: x is off',
      offenders: ['x'],
      details: [
        {
          resourceId: 'x',
          resourceType: 'AWS::EKS::Cluster',
          problem: 'cannot tell: x is off',
          fix: UNRESOLVED_FIX,
        },
      ],
    });
  });

  it('de-duplicates messages and offenders', () => {
    const outcome = new Verdict().fail('a', 'sg-1').fail('a', 'sg-1').fail('b', 'sg-1', 'sg-2').outcome('ok');
    expect(outcome.annotation).toBe('a; b');
    expect(outcome.offenders).toEqual(['sg-1', 'sg-2']);
    expect(outcome.details.map((d) => [d.resourceId, d.problem])).toEqual([
      ['sg-1', 'a'],
      ['sg-1', 'b'],
      ['sg-2', 'b'],
    ]);
  });

  it('keeps the details a rule gives, untruncated, for the notes of the outcome it reports', () => {
    const long = `acl-1 ingress denies tcp/443 from ${'10.0.0.0/24, '.repeat(40)}`;
    const fix = {
      commands: ['aws ec2 describe-network-acls --region eu-west-1'],
      documentation: 'https://x',
    };
    const outcome = new Verdict()
      .unknown('subnet-9 is not in ec2.Subnets', 'subnet-9')
      .fail(long, 'acl-1')
      .because({ resourceId: 'acl-1', resourceType: 'AWS::EC2::NetworkAcl', problem: long, fix })
      .outcome('ok');
    expect(outcome.annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION);
    // Only the violations: the unknown is not what makes the finding NON_COMPLIANT.
    expect(outcome.details).toEqual([
      { resourceId: 'acl-1', resourceType: 'AWS::EC2::NetworkAcl', problem: long, fix },
    ]);
  });

  it('refuses details with no note to belong to', () => {
    expect(() =>
      new Verdict().because({
        resourceId: 'x',
        resourceType: 'AWS::EKS::Cluster',
        problem: 'p',
        fix: UNRESOLVED_FIX,
      }),
    ).toThrow(/before any fail or unknown/);
  });
});

describe('joinAnnotation', () => {
  it('never exceeds the AWS Config limit and says how much was left out', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ minLength: 1, maxLength: 300 }), { minLength: 1, maxLength: 30 }),
        (parts) => {
          const text = joinAnnotation(parts);
          expect(text.length).toBeLessThanOrEqual(MAX_ANNOTATION);
          expect(text.length).toBeGreaterThan(0);
          const fits = parts.join('; ').length <= MAX_ANNOTATION;
          if (fits) expect(text).toBe(parts.join('; '));
          else expect(text).toMatch(/…/);
        },
      ),
    );
  });

  it('counts the parts that did not fit', () => {
    const parts = Array.from(
      { length: 20 },
      (_, i) => `vpce-0${i.toString().padStart(16, '0')} (sts) is pendingAcceptance`,
    );
    const text = joinAnnotation(parts);
    const shown = text.split('; ').length;
    expect(text).toMatch(new RegExp(`… \\(\\+${20 - shown} more\\)$`));
  });
});
