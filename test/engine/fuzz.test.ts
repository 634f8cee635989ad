import fc from 'fast-check';
import { DRIFTS } from '../../bench/generate';
import { evaluateSnapshot } from '../../engine/evaluate';
import type { Finding } from '../../engine/findings';
import { parseParams } from '../../engine/params';
import type { Rule } from '../../engine/rule';
import { RULES } from '../../rules';
import { parseSnapshot } from '../../snapshot/load';
import { SECTIONS, type SectionName, type Snapshot } from '../../snapshot/schema';
import { SnapshotView } from '../../snapshot/view';
import {
  applyPathMutation,
  pathMutations,
  pathsOf,
  type Key,
  type PathMutation,
} from '../../testkit/json-mutations';
import { addPrivateCluster, emptySnapshot, type ClusterIds } from '../../testkit/private-cluster';

/*
 * Property: whatever partial or damaged snapshot the loader accepts, the engine answers for
 * every cluster and rule without a rule exception ("internal error"), within AWS Config's
 * annotation limit, and never reports a rule COMPLIANT or NON_COMPLIANT on a section it
 * declares it needs but the snapshot lacks.
 */

type Mutation =
  | PathMutation
  | { kind: 'deleteSection'; section: SectionName | 'ec2' }
  | { kind: 'deleting'; cluster: number };

/** Three clusters: one compliant, two with drift planted as in the benchmark. */
function baseSnapshot(): unknown {
  const s = emptySnapshot('eu-west-1', '111122223333');
  const clusters: ClusterIds[] = [0, 1, 2].map((index) => addPrivateCluster(s, { index }));
  DRIFTS.forEach((drift, n) => drift.apply(s, clusters[1 + (n % 2)]!));
  // A JSON round trip: the fixture shares objects between groups; a mutation must hit one spot.
  return JSON.parse(JSON.stringify(s));
}

const BASE = baseSnapshot();

function mutationArbitrary(): fc.Arbitrary<Mutation> {
  const m = pathMutations(BASE);
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constantFrom<SectionName | 'ec2'>('ec2', ...SECTIONS)
        .map((section): Mutation => ({ kind: 'deleteSection', section })),
    },
    { weight: 4, arbitrary: m.deleteMember },
    { weight: 2, arbitrary: m.nullAnything },
    { weight: 1, arbitrary: m.numberToString },
    { weight: 1, arbitrary: m.stringToNumber },
    { weight: 1, arbitrary: fc.nat({ max: 2 }).map((cluster): Mutation => ({ kind: 'deleting', cluster })) },
  );
}

function applyMutation(root: Record<string, unknown>, mutation: Mutation): void {
  if (mutation.kind === 'deleteSection') {
    if (mutation.section === 'ec2') delete root.ec2;
    else if (root.ec2 && typeof root.ec2 === 'object')
      delete (root.ec2 as Record<string, unknown>)[mutation.section];
    return;
  }
  if (mutation.kind === 'deleting') {
    const clusters = (root.eks as { clusters?: unknown[] } | undefined)?.clusters;
    const cluster = clusters?.[mutation.cluster];
    if (cluster && typeof cluster === 'object') (cluster as Record<string, unknown>).status = 'DELETING';
    return;
  }
  applyPathMutation(root, mutation);
}

/** Parameter settings that switch on the short cuts and conditional needs of SPEC §4. */
const PARAMETER_SETS: Record<string, string>[] = [
  {},
  { requiredServices: '' },
  { requiredServices: 'ec2,ecr.api,ecr.dkr,sts,logs' },
  { egressMode: 'any', publicAccess: 'allowed' },
  { publicAccess: 'restricted', allowedPublicCidrs: '203.0.113.0/24', egressMode: 'nat' },
  {
    nodeSubnetIds: 'subnet-0123456789abcdef0',
    nodeSecurityGroupIds: 'sg-0123456789abcdef0',
    minFreeIps: '16',
  },
];

function accepted(raw: unknown): Snapshot | undefined {
  try {
    return parseSnapshot(raw);
  } catch {
    return undefined; // test/snapshot/fuzz.test.ts checks how rejections look
  }
}

/** The sections absent from `snapshot` that `rule` needs for `params` (SPEC §4 step 3). */
function absentNeeds(rule: Rule, view: SnapshotView, params: ReturnType<typeof parseParams>): SectionName[] {
  const needs = [...rule.meta.needs, ...(rule.meta.conditionalNeeds?.(params) ?? [])];
  return needs.filter((section) => !view.has(section));
}

function checkFindings(snapshot: Snapshot, findings: Finding[], settings: Record<string, string>): void {
  const params = parseParams(settings);
  const view = new SnapshotView(snapshot);
  expect(findings).toHaveLength(16 * snapshot.eks.clusters.length);
  for (const cluster of snapshot.eks.clusters) {
    const own = findings.filter((f) => f.resourceId === cluster.name);
    expect(own.map((f) => f.ruleId).sort()).toEqual(RULES.map((r) => r.meta.id).sort());
    for (const finding of own) {
      expect(finding.annotation.length).toBeGreaterThan(0);
      expect(finding.annotation.length).toBeLessThanOrEqual(256);
      expect(finding.annotation).not.toMatch(/internal error/i);
      if (cluster.status === 'deleting') {
        expect(finding.compliance).toBe('NOT_APPLICABLE');
        continue;
      }
      // Never a silent answer: a rule missing a section it needs has not checked anything.
      const rule = RULES.find((r) => r.meta.id === finding.ruleId)!;
      const shortCut = rule.meta.shortCut?.(params);
      const missing = absentNeeds(rule, view, params);
      if (shortCut) expect(finding.compliance).toBe(shortCut.compliance);
      else if (missing.length > 0) {
        expect(finding.compliance).toBe('INSUFFICIENT_DATA');
        expect(finding.annotation).toContain(`ec2.${missing[0]}`);
      }
    }
  }
}

/** Paths inside resources of clusters 1 and 2 (their VPCs, node groups, clusters). */
function foreignPaths(): Key[][] {
  const base = BASE as {
    ec2: Record<string, unknown>;
    eks: { clusters: { resourcesVpcConfig: { vpcId: string } }[] };
  };
  const vpc0 = base.eks.clusters[0]!.resourcesVpcConfig.vpcId;
  const dhcp0 = (base.ec2.Vpcs as { VpcId: string; DhcpOptionsId: string }[]).find(
    (v) => v.VpcId === vpc0,
  )!.DhcpOptionsId;
  const foreign = ([, section, at, owner]: Key[], value: unknown): boolean => {
    if (section === 'clusters') return at !== 0;
    if (section === 'nodegroups') return at !== 'prod-0';
    if (section === 'VpcAttributes') return at !== vpc0;
    const item = value as { VpcId?: string; DhcpOptionsId?: string } | undefined;
    if (section === 'DhcpOptions') return item?.DhcpOptionsId !== dhcp0;
    return owner === undefined && item?.VpcId !== undefined && item.VpcId !== vpc0;
  };
  // Roots: whole foreign objects; every path below one is foreign too.
  const roots = pathsOf(BASE)
    .filter(({ path, value }) => path.length === 3 && foreign(path, value))
    .map(({ path }) => path.join('\u0000'));
  const isBelowRoot = (path: Key[]) => roots.some((root) => path.slice(0, 3).join('\u0000') === root);
  return pathsOf(BASE)
    .map(({ path }) => path)
    .filter((path) => path.length > 3 && isBelowRoot(path));
}

describe('engine fuzz', () => {
  it('the unmutated base evaluates with drift, and with no INSUFFICIENT_DATA', () => {
    const snapshot = accepted(structuredClone(BASE))!;
    const findings = evaluateSnapshot(new SnapshotView(snapshot), RULES, parseParams({}));
    checkFindings(snapshot, findings, {});
    const compliance = new Set(findings.map((f) => f.compliance));
    expect(compliance).toEqual(new Set(['COMPLIANT', 'NON_COMPLIANT']));
  });

  it('answers every accepted mutation: 16 findings per cluster, no rule exception, never silent', () => {
    let evaluated = 0;
    fc.assert(
      fc.property(
        fc.array(mutationArbitrary(), { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...PARAMETER_SETS),
        (mutations, settings) => {
          const raw = structuredClone(BASE) as Record<string, unknown>;
          for (const mutation of mutations) applyMutation(raw, mutation);
          const snapshot = accepted(raw);
          if (!snapshot) return;
          evaluated++;
          let findings: Finding[] = [];
          expect(() => {
            findings = evaluateSnapshot(new SnapshotView(snapshot), RULES, parseParams(settings));
          }).not.toThrow();
          checkFindings(snapshot, findings, settings);
        },
      ),
      { numRuns: 200 },
    );
    // Many mutations must reach the engine, or this test checks little.
    expect(evaluated).toBeGreaterThan(200 / 3);
  });

  it("a change to another cluster's resources never changes a cluster's findings", () => {
    const paths = foreignPaths();
    let evaluated = 0;
    const findingsOf = (snapshot: Snapshot, settings: Record<string, string>) =>
      evaluateSnapshot(new SnapshotView(snapshot), RULES, parseParams(settings)).filter(
        (f) => f.resourceId === 'prod-0',
      );
    const baseline = new Map(
      PARAMETER_SETS.map((settings) => [settings, findingsOf(accepted(BASE)!, settings)]),
    );
    const mutation = fc.oneof(
      fc.constantFrom(...paths).map((path): Mutation => ({ kind: 'delete', path })),
      fc.constantFrom(...paths).map((path): Mutation => ({ kind: 'toNumber', path })),
      fc.constantFrom(...paths).map((path): Mutation => ({ kind: 'toString', path })),
      fc.constantFrom(1, 2).map((cluster): Mutation => ({ kind: 'deleting', cluster })),
    );
    fc.assert(
      fc.property(
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.constantFrom(...PARAMETER_SETS),
        (mutations, settings) => {
          const raw = structuredClone(BASE) as Record<string, unknown>;
          for (const m of mutations) applyMutation(raw, m);
          const snapshot = accepted(raw);
          if (!snapshot) return;
          evaluated++;
          expect(findingsOf(snapshot, settings)).toEqual(baseline.get(settings));
        },
      ),
      { numRuns: 100 },
    );
    expect(evaluated).toBeGreaterThan(100 / 3);
  });

  const needed = SECTIONS.filter((section) => RULES.some((r) => r.meta.needs.includes(section)));
  it.each([
    ...needed.map((section) => ({ section: section as SectionName | 'ec2' })),
    { section: 'ec2' as const },
  ])('without $section, every rule needing it is INSUFFICIENT_DATA for every cluster', ({ section }) => {
    const raw = structuredClone(BASE) as Record<string, unknown>;
    applyMutation(raw, { kind: 'deleteSection', section });
    const snapshot = accepted(raw)!;
    const findings = evaluateSnapshot(new SnapshotView(snapshot), RULES, parseParams({}));
    const needing = RULES.filter((r) =>
      section === 'ec2' ? r.meta.needs.length > 0 : r.meta.needs.includes(section),
    );
    for (const rule of needing) {
      const own = findings.filter((f) => f.ruleId === rule.meta.id);
      expect(own).toHaveLength(3);
      for (const finding of own) expect(finding.compliance).toBe('INSUFFICIENT_DATA');
    }
  });
});
