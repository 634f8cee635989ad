/*
 * Whole-CLI benchmark (issue 10): `npm run bench` runs it after the engine benchmark.
 *
 * For 1,000 and 10,000 generated clusters (bench/generate.ts, written to a temporary
 * directory and removed afterwards) it runs, as child processes:
 *  - the floor: a node process that only reads the file and JSON.parses it;
 *  - the real binary, `check --snapshot F --format json|table --debug`, stdout to /dev/null;
 * and prints wall times (median of the runs), their ratio to the floor, peak RSS of each
 * (reported by the child at exit, bench/report-rss.ts) and the CLI's own per-phase timing
 * (its `--debug` stderr line), so a regression points at its phase. Targets: CLI ≤ 3× the
 * floor at both sizes, time per cluster 1k→10k within 1.3×, peak RSS at 10k ≤ 2.5× the floor's.
 *
 * Options: `--sizes 1000,10000`, `--runs N` (default: 11 runs up to 1,000 clusters, whose half-second
 * runs vary by ±10% on a 2-core machine, and 3 above), `--keep` to keep the snapshots.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { CHECK_PHASES, TIMING_PREFIX } from '../cli/check-command';
import { generateSnapshot } from './generate';
import { RSS_PREFIX } from './rss-line';
import { formatNumber, table } from './table';

const ROOT = resolve(__dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'private-eks-guard.js');
const PRELOAD = join(__dirname, 'report-rss.js');
const FLOOR_SCRIPT = "JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8'))";
const MAX_RATIO = 3;
const MAX_RSS_RATIO = 2.5;
const MAX_PER_CLUSTER_GROWTH = 1.3;

interface Run {
  ms: number;
  rssKb: number;
  phases: Record<string, number>;
}

function runChild(args: string[]): Run {
  const start = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ['-r', PRELOAD, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  // The CLI exits 1 when a finding is NON_COMPLIANT (the generated snapshots plant some).
  if (child.status !== 0 && child.status !== 1) {
    throw new Error(`${args.join(' ')} exited ${child.status}: ${child.stderr}`);
  }
  let rssKb = NaN;
  let phases: Record<string, number> = {};
  for (const line of child.stderr.split('\n')) {
    if (line.startsWith(RSS_PREFIX)) rssKb = Number(line.slice(RSS_PREFIX.length));
    if (line.startsWith(TIMING_PREFIX))
      phases = JSON.parse(line.slice(TIMING_PREFIX.length)) as Run['phases'];
  }
  return { ms, rssKb, phases };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The run with the median wall time (its RSS and phases go with it). */
function medianRun(runs: Run[]): Run {
  const ms = median(runs.map((r) => r.ms));
  return runs.reduce((best, r) => (Math.abs(r.ms - ms) < Math.abs(best.ms - ms) ? r : best));
}

const fmt = (n: number, digits = 1) => formatNumber(n, digits);

interface Measured {
  clusters: number;
  mb: number;
  floor: Run;
  json: Run;
  table: Run;
}

function measure(file: string, clusters: number, mb: number, runs: number): Measured {
  const floor: Run[] = [];
  const json: Run[] = [];
  const tableRuns: Run[] = [];
  // Interleaved, so a slow moment of the machine hits every variant alike.
  for (let i = 0; i < runs; i++) {
    floor.push(runChild(['-e', FLOOR_SCRIPT, file]));
    json.push(runChild([BIN, 'check', '--snapshot', file, '--format', 'json', '--debug']));
    tableRuns.push(runChild([BIN, 'check', '--snapshot', file, '--format', 'table', '--debug']));
  }
  return { clusters, mb, floor: medianRun(floor), json: medianRun(json), table: medianRun(tableRuns) };
}

function main(argv: string[]): void {
  const option = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
  const sizes = (option('--sizes') ?? '1000,10000').split(',').map(Number);
  const runsOption = option('--runs');
  const runsFor = (clusters: number) =>
    runsOption !== undefined ? Number(runsOption) : clusters <= 1000 ? 11 : 3;
  const dir = mkdtempSync(join(os.tmpdir(), 'private-eks-guard-cli-bench-'));
  console.log(
    `\nwhole CLI (issue 10): node ${process.version}, ${os.cpus().length} CPUs, load average ${fmt(os.loadavg()[0]!, 2)}, median of ${runsOption ?? '11 (up to 1,000 clusters) or 3'} runs, snapshots in ${dir}`,
  );
  const rows: Measured[] = [];
  try {
    for (const clusters of sizes) {
      const file = join(dir, `generated-${clusters}.json`);
      const text = JSON.stringify(generateSnapshot(clusters).snapshot);
      writeFileSync(file, text);
      rows.push(measure(file, clusters, Buffer.byteLength(text) / 1e6, runsFor(clusters)));
    }
  } finally {
    if (!argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }

  const mbOf = (kb: number) => fmt(kb / 1024, 0);
  console.log(
    table(
      [
        'clusters',
        'JSON MB',
        'floor ms',
        'json ms',
        'json ×',
        'table ms',
        'table ×',
        'floor RSS MB',
        'json RSS MB',
        'json RSS ×',
        'table RSS MB',
        'table RSS ×',
      ],
      rows.map((r) => [
        r.clusters.toLocaleString('en-US'),
        fmt(r.mb),
        fmt(r.floor.ms, 0),
        fmt(r.json.ms, 0),
        fmt(r.json.ms / r.floor.ms, 2),
        fmt(r.table.ms, 0),
        fmt(r.table.ms / r.floor.ms, 2),
        mbOf(r.floor.rssKb),
        mbOf(r.json.rssKb),
        fmt(r.json.rssKb / r.floor.rssKb, 2),
        mbOf(r.table.rssKb),
        fmt(r.table.rssKb / r.floor.rssKb, 2),
      ]),
    ),
  );
  console.log("\nper phase (ms, the CLI's --debug timing of the median run):");
  console.log(
    table(
      ['run', ...CHECK_PHASES],
      rows.flatMap((r) =>
        (['json', 'table'] as const).map((format) => [
          `${r.clusters.toLocaleString('en-US')} ${format}`,
          ...CHECK_PHASES.map((p) => fmt(r[format].phases[p] ?? NaN, 0)),
        ]),
      ),
    ),
  );

  const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
  console.log('');
  for (const r of rows) {
    for (const format of ['json', 'table'] as const) {
      const ratio = r[format].ms / r.floor.ms;
      console.log(
        `target: ${r.clusters.toLocaleString('en-US')} clusters, ${format} ≤ ${MAX_RATIO}× the floor: ${verdict(ratio <= MAX_RATIO)} (${fmt(ratio, 2)}×)`,
      );
    }
  }
  const small = rows.find((r) => r.clusters === 1000);
  const large = rows.find((r) => r.clusters === 10000);
  if (small && large) {
    for (const format of ['json', 'table'] as const) {
      const growth = large[format].ms / large.clusters / (small[format].ms / small.clusters);
      console.log(
        `target: time per cluster 1k→10k (${format}) within ${MAX_PER_CLUSTER_GROWTH}×: ${verdict(growth <= MAX_PER_CLUSTER_GROWTH)} (${fmt(growth, 2)}×)`,
      );
    }
  }
  if (large) {
    for (const format of ['json', 'table'] as const) {
      const ratio = large[format].rssKb / large.floor.rssKb;
      console.log(
        `target: peak RSS at 10,000 (${format}) ≤ ${MAX_RSS_RATIO}× the floor's: ${verdict(ratio <= MAX_RSS_RATIO)} (${fmt(ratio, 2)}×)`,
      );
    }
  }
}

main(process.argv.slice(2));
