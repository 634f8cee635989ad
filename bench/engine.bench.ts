/*
 * Engine benchmark: `npm run bench` (builds, then runs dist/bench/engine.bench.js).
 *
 * For 100, 1,000 and 10,000 generated private clusters (one VPC each, some with planted drift)
 * it reports the load time (JSON.parse + schema validation + indexing) separately from the
 * engine-only time (evaluateSnapshot with all 16 rules): one warm-up, then the median and
 * minimum of several runs timed with process.hrtime.bigint. A per-rule breakdown at the
 * largest size points at the rule to profile (`node --cpu-prof dist/bench/engine.bench.js`).
 *
 * Options: `--sizes 100,1000` to pick sizes; `--no-per-rule` to skip the breakdown.
 */
import os from 'node:os';
import { evaluateSnapshot } from '../engine/evaluate';
import { summarize } from '../engine/findings';
import { parseParams } from '../engine/params';
import type { Rule } from '../engine/rule';
import { RULES } from '../rules';
import { parseSnapshotText } from '../snapshot/load';
import { SnapshotView } from '../snapshot/view';
import { generateSnapshot } from './generate';
import { formatNumber, table } from './table';

const TARGET_MS = 2000; // 10,000 clusters × 16 rules on the 2-core CI machine
const PARAMS = parseParams({});

function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Wall time, and the process's CPU time, which other load on the machine inflates less. */
function timeOnce<T>(fn: () => T): { value: T; ms: number; cpuMs: number } {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  const value = fn();
  const ms = elapsedMs(start);
  const used = process.cpuUsage(cpu);
  return { value, ms, cpuMs: (used.user + used.system) / 1000 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

interface Row {
  clusters: number;
  drifted: number;
  findings: number;
  nonCompliant: number;
  snapshotMb: number;
  loadMs: number;
  runs: number;
  medianMs: number;
  minMs: number;
  cpuMedianMs: number;
}

function evaluate(view: SnapshotView, rules: readonly Rule[] = RULES) {
  return evaluateSnapshot(view, rules, PARAMS);
}

function load(clusters: number): { view: SnapshotView; drifted: number; bytes: number; loadMs: number } {
  const { snapshot, driftedClusters } = generateSnapshot(clusters);
  const text = JSON.stringify(snapshot);
  const loaded = timeOnce(() => new SnapshotView(parseSnapshotText(text, `generated-${clusters}.json`)));
  return { view: loaded.value, drifted: driftedClusters, bytes: Buffer.byteLength(text), loadMs: loaded.ms };
}

function measure(clusters: number): Row & { view: SnapshotView } {
  const { view, drifted, bytes, loadMs } = load(clusters);
  const warmUp = timeOnce(() => evaluate(view));
  const findings = warmUp.value;
  if (findings.length !== clusters * RULES.length) {
    throw new Error(`expected ${clusters * RULES.length} findings, got ${findings.length}`);
  }
  // Fewer runs where one run already takes seconds; never fewer than three.
  const runs = warmUp.ms > 1500 ? 3 : warmUp.ms > 500 ? 5 : 9;
  const times: number[] = [];
  const cpuTimes: number[] = [];
  for (let i = 0; i < runs; i++) {
    const run = timeOnce(() => evaluate(view));
    times.push(run.ms);
    cpuTimes.push(run.cpuMs);
  }
  return {
    view,
    clusters,
    drifted,
    findings: findings.length,
    nonCompliant: summarize(findings).NON_COMPLIANT,
    snapshotMb: bytes / 1e6,
    loadMs,
    runs,
    medianMs: median(times),
    minMs: Math.min(...times),
    cpuMedianMs: median(cpuTimes),
  };
}

const fmt = (n: number, digits = 1) => formatNumber(n, digits);

/** Each rule alone over every cluster, minus the cost of building the cluster contexts. */
function perRule(view: SnapshotView): string {
  const contextOnly = median([0, 1, 2].map(() => timeOnce(() => evaluate(view, [])).cpuMs));
  const rows = RULES.map((rule) => {
    evaluate(view, [rule]);
    const ms = median([0, 1, 2].map(() => timeOnce(() => evaluate(view, [rule])).cpuMs)) - contextOnly;
    return { id: rule.meta.id, ms };
  }).sort((a, b) => b.ms - a.ms);
  return [
    `per rule at ${view.clusters.length.toLocaleString('en-US')} clusters (CPU ms, median of 3, minus ${fmt(contextOnly)} ms for the cluster contexts):`,
    table(
      ['rule', 'ms', 'µs/cluster'],
      rows.map((r) => [r.id, fmt(r.ms), fmt((r.ms * 1000) / view.clusters.length, 2)]),
    ),
  ].join('\n');
}

function main(argv: string[]): void {
  const sizesArg = argv[argv.indexOf('--sizes') + 1];
  const sizes = argv.includes('--sizes') && sizesArg ? sizesArg.split(',').map(Number) : [100, 1000, 10000];
  const loadAverage = os.loadavg()[0]!;
  console.log(
    `node ${process.version}, ${os.cpus().length} CPUs, load average ${fmt(loadAverage, 2)}, ${RULES.length} rules, default parameters`,
  );
  if (loadAverage > os.cpus().length)
    console.log('warning: the machine is busy; wall times are inflated (see CPU ms)');
  console.log('');
  const rows: (Row & { view: SnapshotView })[] = [];
  for (const size of sizes) rows.push(measure(size));

  console.log(
    table(
      [
        'clusters',
        'drifted',
        'findings',
        'NON_COMPLIANT',
        'JSON MB',
        'load ms',
        'runs',
        'evaluate ms (median)',
        'min',
        'CPU ms',
        'µs/cluster',
      ],
      rows.map((r) => [
        r.clusters.toLocaleString('en-US'),
        r.drifted.toLocaleString('en-US'),
        r.findings.toLocaleString('en-US'),
        r.nonCompliant.toLocaleString('en-US'),
        fmt(r.snapshotMb),
        fmt(r.loadMs),
        String(r.runs),
        fmt(r.medianMs),
        fmt(r.minMs),
        fmt(r.cpuMedianMs),
        fmt((r.medianMs * 1000) / r.clusters),
      ]),
    ),
  );

  const small = rows.find((r) => r.clusters === 1000);
  const large = rows.find((r) => r.clusters === 10000);
  if (small && large) {
    console.log(`\nt(10,000) / t(1,000) = ${fmt(large.medianMs / small.medianMs, 2)} (linear ≈ 10)`);
  }
  if (large) {
    const verdict = large.medianMs < TARGET_MS ? 'met' : 'MISSED';
    console.log(
      `target: 10,000 clusters × ${RULES.length} rules < ${TARGET_MS} ms: ${verdict} (${fmt(large.medianMs)} ms)`,
    );
  }
  const largest = rows[rows.length - 1];
  if (largest && !argv.includes('--no-per-rule')) console.log(`\n${perRule(largest.view)}`);
}

main(process.argv.slice(2));
