import { createColors } from 'picocolors';
import type { Compliance, Finding, Fix, Severity } from '../../engine/findings';
import type { Report } from '../../engine/report';

export type Colors = ReturnType<typeof createColors>;

/** picocolors bound to a decision made once per run (see colorEnabled). */
export function colors(enabled: boolean): Colors {
  return createColors(enabled);
}

/**
 * Wraps text to `width` columns at spaces, breaking words longer than a line (ARNs,
 * long cluster names) instead of cutting them: a finding's ids must stay readable.
 */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w.length > 0)) {
      const candidate = line ? `${line} ${word}` : word;
      if (candidate.length <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      let rest = word;
      while (rest.length > width) {
        lines.push(rest.slice(0, width));
        rest = rest.slice(width);
      }
      line = rest;
    }
    lines.push(line);
  }
  return lines;
}

/**
 * Words filled into lines of at most `width` columns, the first line opening with `first`, the others with `rest`. A
 * word longer than a line (an ARN, a URL) is kept whole on a line of its own, so it can still be copied or clicked.
 */
export function fillKeepingWords(
  words: readonly string[],
  first: string,
  rest: string,
  width: number,
): string[] {
  const lines: string[] = [];
  let line = first;
  let empty = true;
  for (const word of words) {
    if (!empty && line.length + 1 + word.length > width) {
      lines.push(line);
      line = rest + word;
      continue;
    }
    line += empty ? word : ` ${word}`;
    empty = false;
  }
  lines.push(line);
  return lines;
}

export function paintSeverity(c: Colors, severity: Severity, text: string = severity): string {
  switch (severity) {
    case 'critical':
      return c.bold(c.red(text));
    case 'high':
      return c.red(text);
    case 'medium':
      return c.yellow(text);
    case 'low':
      return c.dim(text);
  }
}

export function paintCompliance(c: Colors, compliance: Compliance, text: string = compliance): string {
  switch (compliance) {
    case 'NON_COMPLIANT':
      return c.bold(c.red(text));
    case 'INSUFFICIENT_DATA':
      return c.yellow(text);
    case 'COMPLIANT':
      return c.green(text);
    case 'NOT_APPLICABLE':
      return c.dim(text);
  }
}

/** The order the summary lists counts in: what needs attention first. */
export const SUMMARY_ORDER: readonly Compliance[] = [
  'NON_COMPLIANT',
  'INSUFFICIENT_DATA',
  'COMPLIANT',
  'NOT_APPLICABLE',
];

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Whether two details' fixes read the same: the formats show a fix once for consecutive details that share it. */
export function sameFix(a: Fix, b: Fix): boolean {
  if (a === b) return true;
  if (a.decide !== b.decide || a.documentation !== b.documentation) return false;
  if (a.commands.length !== b.commands.length) return false;
  return a.commands.every((command, i) => command === b.commands[i]);
}

/** The results that need action: their annotation and details are shown. */
export const NEEDS_ACTION: ReadonlySet<Compliance> = new Set<Compliance>([
  'NON_COMPLIANT',
  'INSUFFICIENT_DATA',
]);

/**
 * What the table and markdown formats list: every finding with --all, else all but the COMPLIANT ones, which are
 * counted in `hidden`; `instead`, the line shown in place of a list when there is nothing to list.
 */
export function findingsListed(
  report: Report,
  all: boolean | undefined,
): { listed: readonly Finding[]; hidden: number; instead?: string } {
  const hidden = all ? 0 : report.summary.COMPLIANT;
  if (report.findings.length === 0) {
    return { listed: [], hidden, instead: 'The snapshot holds no EKS clusters: nothing to check.' };
  }
  if (hidden === report.findings.length) {
    return {
      listed: [],
      hidden,
      instead: `All ${plural(hidden, 'finding')} are COMPLIANT (--all lists them).`,
    };
  }
  return {
    listed: all ? report.findings : report.findings.filter((f) => f.compliance !== 'COMPLIANT'),
    hidden,
  };
}

/** The line under a list that left out COMPLIANT findings. */
export function hiddenLine(hidden: number): string {
  return `${plural(hidden, 'COMPLIANT finding')} not listed (--all lists every finding).`;
}
