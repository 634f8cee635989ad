/*
 * A rule's tests as data, after ESLint's RuleTester: each case clones a compliant testkit
 * snapshot, breaks one thing, runs the rule through the engine and checks the outcome.
 */
import { describe, expect, it } from '@jest/globals';
import type { Compliance } from '../engine/findings';
import type { Rule } from '../engine/rule';
import { privateClustersSnapshot, type ClusterIds } from './private-cluster';
import { runRule } from './run-rule';
import type { Mutation } from './snapshot-edits';

/** AWS Config's limit for an annotation; every case holds the rule to it. */
const MAX_ANNOTATION = 256;

/** A value written out, or built from the evaluated cluster's ids (and every cluster's). */
export type FromIds<T> = T | ((ids: ClusterIds, all: ClusterIds[]) => T);

export interface RuleCase {
  /** The test's title, before `→ expected`. */
  name: string;
  expected: Compliance;
  params?: Record<string, string>;
  /** Compliant private clusters in the snapshot, each in its own VPC (default 1). */
  clusters?: number;
  /** The snapshot's Region (default eu-west-1). */
  region?: string;
  /** What to break; none leaves the snapshot compliant. */
  mutate?: Mutation;
  /** The cluster to evaluate (default the first). */
  clusterName?: string;
  /** A pattern the annotation matches, its exact text, or substrings it holds, all of them. */
  annotation?: FromIds<RegExp | string | string[]>;
  /** A pattern the annotation must not match, or substrings it must not hold. */
  notAnnotation?: FromIds<RegExp | string[]>;
  /** The exact offenders, in order. */
  offenders?: FromIds<string[]>;
}

/** Declares `describe(<rule id>)` with one test per case; `more` adds plain tests inside it. */
export function describeRule(rule: Rule, cases: readonly RuleCase[], more?: () => void): void {
  describe(rule.meta.id, () => {
    it.each(cases)('$name → $expected', (c) => checkCase(rule, c));
    more?.();
  });
}

function checkCase(rule: Rule, c: RuleCase): void {
  const { snapshot, ids: all } = privateClustersSnapshot(
    c.clusters ?? 1,
    c.region ? { region: c.region } : {},
  );
  const ids = c.clusterName === undefined ? all[0] : all.find((cluster) => cluster.name === c.clusterName);
  if (!ids) throw new Error(`case "${c.name}": the snapshot has no cluster ${c.clusterName ?? ''}`);
  const resolve = <T extends RegExp | string | string[]>(value: FromIds<T>): T =>
    typeof value === 'function' ? value(ids, all) : value;

  c.mutate?.(snapshot, ids, all);
  const outcome = runRule(rule, snapshot, c.params, c.clusterName);

  expect(outcome.compliance).toBe(c.expected);
  if (c.annotation !== undefined) {
    const annotation = resolve(c.annotation);
    if (annotation instanceof RegExp) expect(outcome.annotation).toMatch(annotation);
    else if (typeof annotation === 'string') expect(outcome.annotation).toBe(annotation);
    else for (const part of annotation) expect(outcome.annotation).toContain(part);
  }
  if (c.notAnnotation !== undefined) {
    const excluded = resolve(c.notAnnotation);
    if (excluded instanceof RegExp) expect(outcome.annotation).not.toMatch(excluded);
    else for (const part of excluded) expect(outcome.annotation).not.toContain(part);
  }
  if (c.offenders !== undefined) expect(outcome.offenders).toEqual(resolve(c.offenders));
  expect(outcome.annotation.length).toBeLessThanOrEqual(MAX_ANNOTATION);
}
