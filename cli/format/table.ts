import type { Detail, Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import {
  findingsListed,
  hiddenLine,
  NEEDS_ACTION,
  paintCompliance,
  paintSeverity,
  plural,
  sameFix,
  SUMMARY_ORDER,
  wrap,
  type Colors,
} from './text';

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

/**
 * A shell command line cut where a line may break: at blanks outside quotes, and at blanks
 * between the words of a command substitution, even one in double quotes (`"$(aws … )"`),
 * whose words a shell parses anew. A piece keeps its quotes and escapes. Undefined when the
 * quoting does not close or the command spans lines, so the caller leaves it whole rather
 * than guess.
 */
export function shellWords(command: string): string[] | undefined {
  if (/[\r\n]/.test(command)) return undefined;
  const pieces: string[] = [];
  let start = 0;
  // Open quotes and substitutions, innermost last: `'`, `"`, `(` (a command substitution or subshell).
  const open: ("'" | '"' | '(')[] = [];
  for (let i = 0; i < command.length; i++) {
    const ch = command[i]!;
    const inner = open.length === 0 ? undefined : open[open.length - 1];
    if (inner === "'") {
      if (ch === "'") open.pop();
    } else if (ch === '\\') {
      if (++i >= command.length) return undefined;
    } else if (inner === '"') {
      if (ch === '"') open.pop();
      else if (ch === '$' && command[i + 1] === '(') {
        open.push('(');
        i++;
      }
    } else if (ch === ' ' || ch === '\t') {
      // Outside quotes, or between the words of a substitution.
      if (i > start) pieces.push(command.slice(start, i));
      start = i + 1;
    } else if (ch === "'" || ch === '"' || ch === '(') {
      open.push(ch);
    } else if (ch === ')' && inner === '(') {
      open.pop();
    }
  }
  if (open.length > 0) return undefined;
  if (command.length > start) pieces.push(command.slice(start));
  return pieces;
}

/**
 * A command on lines of at most `width` columns, broken only between words, every line but
 * the last ending in a space and a backslash (a POSIX shell's line continuation): copied as it
 * stands, the lines run as the one command. An option stays on the line of its value where they fit together.
 * A word longer than a line is never broken (that would change the command): it gets a line
 * of its own, past the width. A command whose words cannot be told apart stays one line.
 */
export function commandLines(command: string, width: number, indent: string, continuation: string): string[] {
  if (indent.length + command.length <= width) return [indent + command];
  const words = shellWords(command);
  if (words === undefined || words.length === 0) return [indent + command];
  const lines: string[] = [];
  let line = indent + words[0]!;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    // `--option value` stays together where the two fit on a line of their own.
    const value = words[i + 1];
    const pair = word.startsWith('--') && value !== undefined && !value.startsWith('-');
    const text = pair ? `${word} ${value}` : word;
    const lastText = i + (pair ? 1 : 0) === words.length - 1;
    if (pair && continuation.length + text.length > width - (lastText ? 0 : 2)) {
      // Too wide even on a line of its own: option and value go separately.
      line = place(lines, line, word, width - 2, continuation);
      continue;
    }
    // Room for the text and, unless it ends the command, for the backslash that continues the line.
    line = place(lines, line, text, width - (lastText ? 0 : 2), continuation);
    if (pair) i++;
  }
  lines.push(line);
  return lines;
}

/** `text` after `line` when it fits in `room`; else `line` is done (with its backslash) and `text` starts the next. */
function place(lines: string[], line: string, text: string, room: number, continuation: string): string {
  if (line.length + 1 + text.length <= room) return `${line} ${text}`;
  lines.push(`${line} \\`);
  return continuation + text;
}

/**
 * wrap(text, width), line for line, written onto `out` after `first` (the first line) and `rest`
 * (the others). Text whose only white space is single inner spaces (a problem, a decision) is
 * cut by index, without wrap's list of words and trial lines: the details of 10,000 clusters
 * are megabytes of it (issue 10's benchmark). Anything else goes through wrap itself.
 */
export function wrapOnto(text: string, columns: number, first: string, rest: string, out: string[]): void {
  // At least one column: wrap would never finish a word at none.
  const width = Math.max(1, columns);
  if (text === '' || NOT_SIMPLE_SPACING.test(text)) {
    const lines = wrap(text, width);
    for (let i = 0; i < lines.length; i++) out.push((i === 0 ? first : rest) + lines[i]!);
    return;
  }
  let prefix = first;
  let start = 0;
  while (text.length - start > width) {
    const cut = text.lastIndexOf(' ', start + width);
    if (cut > start) {
      out.push(prefix + text.slice(start, cut));
      start = cut + 1;
    } else {
      // A word longer than the line: wrap breaks it into lines of `width`.
      out.push(prefix + text.slice(start, start + width));
      start += width;
    }
    prefix = rest;
  }
  out.push(prefix + text.slice(start));
}

/** White space other than single spaces between other characters. */
const NOT_SIMPLE_SPACING = /[^\S ]| {2}|^ | $/;

/** Prose at `width` columns onto `out`: the first line after `first`, the rest after `rest` (at least as long). */
function hanging(text: string, first: string, rest: string, width: number, out: string[]): void {
  wrapOnto(text, width - Math.max(first.length, rest.length), first, rest, out);
}

const DETAIL = '  - ';
const UNDER_DETAIL = '    ';
const COMMAND_CONTINUATION = '      ';

/**
 * A detail as lines: `resource (type): problem` wrapped under its bullet, then what resolves
 * it (each command on lines of its own, `decide: …`, the documentation page), or
 * `fix: as above` when the previous detail's fix is the same one.
 */
export function detailLines(detail: Detail, previous: Detail | undefined, out: string[] = []): string[] {
  hanging(
    `${detail.resourceId} (${detail.resourceType}): ${detail.problem}`,
    DETAIL,
    UNDER_DETAIL,
    TERMINAL_WIDTH,
    out,
  );
  const { fix } = detail;
  if (previous !== undefined && sameFix(previous.fix, fix)) {
    out.push(`${UNDER_DETAIL}fix: as above`);
    return out;
  }
  for (const command of fix.commands) {
    for (const line of commandLines(command, TERMINAL_WIDTH, UNDER_DETAIL, COMMAND_CONTINUATION))
      out.push(line);
  }
  if (fix.decide) hanging(`decide: ${fix.decide}`, UNDER_DETAIL, COMMAND_CONTINUATION, TERMINAL_WIDTH, out);
  // A link stays whole, so it can be opened and copied, even where it passes the width.
  if (fix.documentation) out.push(`${UNDER_DETAIL}docs: ${fix.documentation}`);
  return out;
}

/**
 * Under the table, the details of the findings it lists, each finding's under a line naming it:
 * what is wrong with which resource and how to fix it. Outside the box, so commands copy
 * without borders. Only listed findings with details get here (no work for hidden rows).
 */
function detailSection(listed: readonly Finding[], c: Colors, out: string[]): void {
  let first = true;
  for (const finding of listed) {
    if (!NEEDS_ACTION.has(finding.compliance) || finding.details.length === 0) continue;
    if (first) {
      out.push('');
      hanging(FIX_SECTION_HEAD, '', '', TERMINAL_WIDTH, out);
      first = false;
    }
    const plain = `${finding.severity} ${finding.resourceId} ${finding.ruleId} ${finding.compliance}`;
    out.push('');
    if (plain.length <= TERMINAL_WIDTH) {
      out.push(
        `${paintSeverity(c, finding.severity)} ${c.bold(finding.resourceId)} ${c.bold(finding.ruleId)} ${paintCompliance(c, finding.compliance)}`,
      );
    } else {
      hanging(plain, '', '', TERMINAL_WIDTH, out);
    }
    let previous: Detail | undefined;
    for (const detail of finding.details) {
      detailLines(detail, previous, out);
      previous = detail;
    }
  }
  if (!first) out.push('');
}

const FIX_SECTION_HEAD =
  'How to fix (AWS CLI v2 commands for a POSIX shell; where a line ends in a backslash, the command goes on):';

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
  const { listed, hidden, instead } = findingsListed(report, options.all);
  if (instead !== undefined) {
    lines.push(instead);
  } else {
    const rows: TableRow[] = [];
    for (const finding of listed) {
      rows.push({ cells: [finding.severity, finding.resourceId, finding.ruleId, finding.compliance] });
      if (NEEDS_ACTION.has(finding.compliance) && finding.annotation) rows.push({ note: finding.annotation });
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
    if (hidden > 0) lines.push(hiddenLine(hidden));
  }
  detailSection(listed, c, lines);
  lines.push(...summaryLines(report.summary, c));
  if (report.summary.NON_COMPLIANT > 0) {
    lines.push('Why each rule matters and how to fix it: private-eks-guard rules --format json');
  }
  return lines.join('\n') + '\n';
}
