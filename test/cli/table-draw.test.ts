import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { generateSnapshot } from '../../bench/generate';
import { checkSnapshot } from '../../cli/check-command';
import { drawLines, drawWithCliTable3, formatTable, setFastTableDrawing } from '../../cli/format/table';
import { colors, paintCompliance, paintSeverity } from '../../cli/format/text';
import { runRules } from '../../cli/rules-command';
import { resolveCheckSettings } from '../../cli/settings';
import { COMPLIANCE, SEVERITIES } from '../../engine/findings';
import { parseSnapshotText } from '../../snapshot/load';
import { capturingIo } from './helpers';

/*
 * drawTable draws the common table itself (drawLines) instead of through cli-table3, which
 * costs seconds at 10,000 clusters (issue 10). The output must be cli-table3's, byte for byte:
 * wherever drawLines answers, it answers what cli-table3 draws; where it cannot, it declines.
 */

const NOW = new Date('2026-11-22T10:00:05Z');
const EXAMPLES = ['compliant-private-cluster.json', 'drifted-account.json', 'china-region.json'];

afterEach(() => setFastTableDrawing(true));

function bothWays<T>(fn: () => T): { fast: T; cliTable3: T } {
  setFastTableDrawing(true);
  const fast = fn();
  setFastTableDrawing(false);
  const cliTable3 = fn();
  setFastTableDrawing(true);
  return { fast, cliTable3 };
}

function tableOf(text: string, source: string, colour: boolean, all: boolean): string {
  const report = checkSnapshot(parseSnapshotText(text, source), resolveCheckSettings({}), NOW);
  return formatTable(report, colors(colour), { all });
}

describe('findings tables: the fast drawing is cli-table3 byte for byte', () => {
  const inputs: [string, string][] = [
    ...EXAMPLES.map((file): [string, string] => [
      file,
      readFileSync(join(__dirname, '..', '..', 'examples', file), 'utf8'),
    ]),
    ['generated 60 clusters', JSON.stringify(generateSnapshot(60).snapshot)],
  ];
  for (const [name, text] of inputs) {
    for (const colour of [false, true]) {
      for (const all of [false, true]) {
        it(`${name}, colour ${colour}, --all ${all}`, () => {
          const { fast, cliTable3 } = bothWays(() => tableOf(text, name, colour, all));
          expect(fast).toBe(cliTable3);
        });
      }
    }
  }

  it('the rules catalog, colour on and off', () => {
    for (const FORCE_COLOR of ['0', '1']) {
      const { fast, cliTable3 } = bothWays(() => {
        const { io, output } = capturingIo();
        runRules({ format: 'table' }, { ...io, env: { FORCE_COLOR } });
        return output.out;
      });
      expect(fast).toBe(cliTable3);
    }
  });
});

describe('drawLines', () => {
  const c = colors(true);
  const paints = [
    (t: string) => t,
    (t: string) => paintSeverity(c, 'critical', t),
    (t: string) => paintCompliance(c, 'INSUFFICIENT_DATA', t),
    (t: string) => c.dim(t),
    (t: string) => c.bold(t),
    (t: string) => `\u001b[31m${t}`, // left open: cli-table3 closes it, drawLines declines
  ];
  const text = fc.oneof(
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', ' ', '-', '…', '→', '/', ':'), maxLength: 30 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ maxLength: 12 }),
    fc.constantFrom(...SEVERITIES, ...COMPLIANCE, 'prod-a', '', '漢字', '🙂', 'é', '\t', 'a\rb'),
  );
  const line = fc.tuple(text, fc.integer({ min: 0, max: paints.length - 1 })).map(([t, p]) => paints[p]!(t));
  const lines = fc.array(line, { minLength: 1, maxLength: 3 });

  it('draws what cli-table3 draws, or declines', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 3, max: 24 }), { minLength: 1, maxLength: 5 }),
        fc.array(fc.boolean(), { maxLength: 8 }),
        fc.array(lines, { minLength: 40, maxLength: 40 }),
        (widths, kinds, pool) => {
          let next = 0;
          const take = () => pool[next++ % pool.length]!;
          const head = widths.map(() => take());
          const rows = kinds.map((isNote) =>
            isNote ? { note: take() } : { cells: widths.map(() => take()) },
          );
          const fast = drawLines(widths, head, rows);
          if (fast !== undefined) expect(fast).toBe(drawWithCliTable3(widths, head, rows));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('answers for the rows formatTable draws (so the comparison above is not vacuous)', () => {
    const rows = [
      { cells: [[paintSeverity(c, 'high', 'high')], ['prod-a'], ['NETWORK_ACLS'], ['NON_COMPLIANT']] },
      { note: ['  acl-0 ingress denies tcp/443 from 10.0.0.0/16: subnet-1 → vpce-2 …'] },
    ];
    const widths = [10, 15, 31, 19];
    const head = [['Severity'], ['Cluster'], ['Rule'], ['Result']];
    expect(drawLines(widths, head, rows)).toBe(drawWithCliTable3(widths, head, rows));
  });
});
