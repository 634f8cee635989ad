import type { Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import { paintCompliance, paintSeverity, plural, SUMMARY_ORDER, wrap, type Colors } from './text';

/** Output fits an 80-column terminal: every line, borders included. */
export const TERMINAL_WIDTH = 80;
const INDENT = '  ';

export interface Column {
  header: string;
  /** Width including cli-table3's one-space padding on each side. */
  width: number;
}

/** One row of cells, or a full-width note under the previous row. */
export type TableRow = { cells: string[]; note?: undefined } | { note: string; cells?: undefined };

/** A row as lines per cell, or a note's lines. */
type RowLines = { cells: string[][]; note?: undefined } | { note: string[]; cells?: undefined };

// What picocolors paints a line with: opening codes, plain text, the matching closes in reverse.
// eslint-disable-next-line no-control-regex
const PAINTED_LINE = /^((?:\u001b\[\d+m)*)([^\u001b]*)((?:\u001b\[\d+m)*)$/;
const CLOSING_CODE: Readonly<Record<string, string>> = { 1: '22', 2: '22', 31: '39', 32: '39', 33: '39' };
/** Characters whose display width is 1 for cli-table3 (string-width), as for `.length`. */
const NARROW_TEXT = /^[\u0020-\u007e…→]*$/;

/**
 * The visible width of a line drawLines can draw exactly as cli-table3 would, or -1: a
 * line whose width cli-table3 measures differently (wide or control characters, escape
 * codes that stay open) is left to cli-table3.
 */
function simpleWidth(line: string): number {
  const match = PAINTED_LINE.exec(line);
  if (!match || !NARROW_TEXT.test(match[2]!)) return -1;
  const opens = match[1]!.match(/\d+/g) ?? [];
  const closes = match[3]!.match(/\d+/g) ?? [];
  if (opens.length !== closes.length) return -1;
  for (let i = 0; i < opens.length; i++) {
    if (CLOSING_CODE[opens[i]!] !== closes[closes.length - 1 - i]) return -1;
  }
  return match[2]!.length;
}

/**
 * cli-table3's output for a compact table with fixed column widths, cell padding 1 and no
 * border or head styles, drawn line by line: cli-table3 measures every cell's width many
 * times over with string-width, which costs seconds for 10,000 clusters' findings (issue
 * 10). Returns undefined for any table it does not draw exactly as cli-table3 does (a
 * line too wide or not simple, a cell count that differs from the columns, no body rows,
 * a note right under the head); test/cli/table-draw.test.ts compares the two.
 */
export function drawLines(
  widths: readonly number[],
  head: string[][],
  rows: readonly RowLines[],
): string | undefined {
  if (rows.length === 0 || rows[0]!.cells === undefined) return undefined;
  const full = widths.reduce((sum, w) => sum + w, 0) + widths.length - 1;
  const rules = widths.map((w) => '─'.repeat(w));
  const out: string[] = [`┌${rules.join('┬')}┐`];
  const pad = (line: string, len: number): string | undefined => {
    const width = simpleWidth(line);
    return width < 0 || width > len ? undefined : ` ${line}${' '.repeat(len - width)} `;
  };
  const drawCells = (cells: string[][]): boolean => {
    if (cells.length !== widths.length) return false;
    const height = Math.max(...cells.map((lines) => lines.length));
    for (let k = 0; k < height; k++) {
      let line = '│';
      for (let i = 0; i < cells.length; i++) {
        const text = cells[i]![k];
        const drawn = text === undefined ? ' '.repeat(widths[i]!) : pad(text, widths[i]! - 2);
        if (drawn === undefined) return false;
        line += `${drawn}│`;
      }
      out.push(line);
    }
    return true;
  };
  if (!drawCells(head)) return undefined;
  out.push(`├${rules.join('┼')}┤`);
  for (const row of rows) {
    if (row.cells) {
      if (!drawCells(row.cells)) return undefined;
      continue;
    }
    for (const text of row.note) {
      const drawn = pad(text, full - 2);
      if (drawn === undefined) return undefined;
      out.push(`│${drawn}│`);
    }
  }
  out.push(rows[rows.length - 1]!.cells ? `└${rules.join('┴')}┘` : `└${'─'.repeat(full)}┘`);
  return out.join('\n');
}

let fastDrawing = true;
/** Tests only: draw every table with cli-table3, to compare the fast path with it. */
export function setFastTableDrawing(enabled: boolean): void {
  fastDrawing = enabled;
}

/** The same table drawn by cli-table3 itself. */
export function drawWithCliTable3(
  widths: readonly number[],
  head: string[][],
  rows: readonly RowLines[],
): string {
  // Loaded on first use: drawLines draws the tables the CLI prints, so most runs never need it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Table = require('cli-table3') as typeof import('cli-table3');
  const table = new Table({
    head: head.map((lines) => lines.join('\n')),
    colWidths: [...widths],
    wordWrap: false,
    // cli-table3 colours head and borders with its own colour library, which ignores our TTY decision.
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) {
    if (row.note !== undefined) table.push([{ colSpan: widths.length, content: row.note.join('\n') }]);
    else table.push(row.cells.map((lines) => lines.join('\n')));
  }
  return table.toString();
}

/**
 * Draws a compact table whose lines never exceed the column widths: cells are wrapped
 * here (hard-breaking long ids) rather than by cli-table3, which would cut them with '…'.
 * `paint` colours a cell's lines one by one so escape codes never span a line break.
 * The table is cli-table3's; drawLines draws the common case faster, byte for byte the same.
 */
export function drawTable(
  columns: readonly Column[],
  rows: readonly TableRow[],
  c: Colors,
  paint: (column: number, text: string, row: TableRow) => string = (_, text) => text,
): string {
  const widths = columns.map((col) => col.width);
  const fullWidth = widths.reduce((sum, w) => sum + w, 0) + columns.length - 1;
  const head = columns.map((col) => [c.bold(col.header)]);
  const lines = rows.map((row): RowLines => {
    if (row.note !== undefined)
      return { note: wrap(row.note, fullWidth - INDENT.length - 2).map((l) => INDENT + l) };
    return { cells: row.cells.map((text, i) => wrap(text, widths[i]! - 2).map((l) => paint(i, l, row))) };
  });
  return (fastDrawing ? drawLines(widths, head, lines) : undefined) ?? drawWithCliTable3(widths, head, lines);
}

const FINDING_COLUMNS: readonly Column[] = [
  { header: 'Severity', width: 10 },
  { header: 'Cluster', width: 15 },
  { header: 'Rule', width: 31 },
  { header: 'Result', width: 19 },
];

/** Results whose annotation the reader needs; a COMPLIANT row speaks for itself. */
const ANNOTATED = new Set<Finding['compliance']>(['NON_COMPLIANT', 'INSUFFICIENT_DATA']);

/** The four counts, attention first, wrapped between counts if large numbers push past the terminal width. */
export function summaryLines(summary: Report['summary'], c: Colors): string[] {
  const lines: string[] = [];
  let plain = 'Summary:';
  let painted = plain;
  for (const [i, key] of SUMMARY_ORDER.entries()) {
    const text = `${summary[key]} ${key}${i < SUMMARY_ORDER.length - 1 ? ',' : ''}`;
    if (plain.length + 1 + text.length > TERMINAL_WIDTH) {
      lines.push(painted);
      plain = painted = ' ';
    }
    plain += ` ${text}`;
    // Zero counts stay plain, so colour draws the eye only to what is there.
    painted += ` ${summary[key] > 0 ? paintCompliance(c, key, text) : text}`;
  }
  lines.push(painted);
  return lines;
}

export interface TableOptions {
  /** List COMPLIANT findings too; by default they are only counted, so what needs action stays on one screen. */
  all?: boolean;
}

/** `--format table`: one row per finding, the annotation under the ones that need action, then the counts. */
export function formatTable(report: Report, c: Colors, options: TableOptions = {}): string {
  const clusters = new Set(report.findings.map((f) => f.resourceId)).size;
  const rules = new Set(report.findings.map((f) => f.ruleId)).size;
  const scope = clusters === 0 ? '' : `: ${plural(clusters, 'cluster')}, ${plural(rules, 'rule')}`;
  const lines = wrap(`Account ${report.accountId}, Region ${report.region}${scope}`, TERMINAL_WIDTH);
  const hidden = options.all ? 0 : report.summary.COMPLIANT;
  if (report.findings.length === 0) {
    lines.push('The snapshot holds no EKS clusters: nothing to check.');
  } else if (hidden === report.findings.length) {
    lines.push(`All ${plural(hidden, 'finding')} are COMPLIANT (--all lists them).`);
  } else {
    const rows: TableRow[] = [];
    const listed = options.all
      ? report.findings
      : report.findings.filter((f) => f.compliance !== 'COMPLIANT');
    for (const finding of listed) {
      rows.push({ cells: [finding.severity, finding.resourceId, finding.ruleId, finding.compliance] });
      if (ANNOTATED.has(finding.compliance) && finding.annotation) rows.push({ note: finding.annotation });
    }
    lines.push(
      drawTable(FINDING_COLUMNS, rows, c, (column, text, row) => {
        const [severity, , , compliance] = row.cells as [
          Finding['severity'],
          string,
          string,
          Finding['compliance'],
        ];
        if (column === 0) return paintSeverity(c, severity, text);
        if (column === 3) return paintCompliance(c, compliance, text);
        return text;
      }),
    );
  }
  if (hidden > 0 && hidden < report.findings.length) {
    lines.push(`${plural(hidden, 'COMPLIANT finding')} not listed (--all lists every finding).`);
  }
  lines.push(...summaryLines(report.summary, c));
  if (report.summary.NON_COMPLIANT > 0) {
    lines.push('Why each rule matters and how to fix it: private-eks-guard rules --format json');
  }
  return lines.join('\n') + '\n';
}
