import Table from 'cli-table3';
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

/**
 * Draws a compact table whose lines never exceed the column widths: cells are wrapped
 * here (hard-breaking long ids) rather than by cli-table3, which would cut them with '…'.
 * `paint` colours a cell's lines one by one so escape codes never span a line break.
 */
export function drawTable(
  columns: readonly Column[],
  rows: readonly TableRow[],
  c: Colors,
  paint: (column: number, text: string, row: TableRow) => string = (_, text) => text,
): string {
  const fullWidth = columns.reduce((sum, col) => sum + col.width, 0) + columns.length - 1;
  const table = new Table({
    head: columns.map((col) => c.bold(col.header)),
    colWidths: columns.map((col) => col.width),
    wordWrap: false,
    // cli-table3 colours head and borders with its own colour library, which ignores our TTY decision.
    style: { head: [], border: [], compact: true },
  });
  const cell = (text: string, width: number, style: (line: string) => string) =>
    wrap(text, width - 2)
      .map(style)
      .join('\n');
  for (const row of rows) {
    if (row.note !== undefined) {
      table.push([
        { colSpan: columns.length, content: cell(row.note, fullWidth - INDENT.length, (l) => INDENT + l) },
      ]);
    } else {
      table.push(row.cells.map((text, i) => cell(text, columns[i]!.width, (l) => paint(i, l, row))));
    }
  }
  return table.toString();
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
