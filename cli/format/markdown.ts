import type { Detail, Finding } from '../../engine/findings';
import type { Report } from '../../engine/report';
import { findingsListed, hiddenLine, NEEDS_ACTION, plural, sameFix, SUMMARY_ORDER } from './text';

/**
 * Makes text safe inside a GitHub/GitLab table cell: a pipe would end the cell and a
 * newline the row; backticks, asterisks and angle brackets would turn into code,
 * emphasis or (hidden) HTML. Backslash escapes render as the plain character.
 */
export function escapeCell(text: string): string {
  return text.replace(/[\\`*|<>]/g, (ch) => `\\${ch}`).replace(/\r?\n|\r/g, '<br>');
}

/**
 * Markdown that shows `text` as it is, on one line or several (SARIF's messages): the characters
 * escapeCell escapes, and also underscores and square brackets (emphasis, links) and `#` (a
 * heading, were a line to start with one). Placeholders such as `<vpc>` would otherwise vanish as HTML.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>|#]/g, (ch) => `\\${ch}`);
}

/** Makes text safe in a paragraph or list item, where a line break ends it: escapeMarkdown, breaks as `<br>`. */
export function escapeText(text: string): string {
  return escapeMarkdown(text).replace(/\r?\n|\r/g, '<br>');
}

/** Ids (cluster names, rule ids) in code spans, unless one holds a character a code span cannot. */
function code(text: string): string {
  return /^[\w.:/-]+$/.test(text) ? `\`${text}\`` : escapeCell(text);
}

/** A code fence longer than any run of backticks in `lines`, so none of them can close it. */
export function codeFence(lines: readonly string[]): string {
  let longest = 0;
  for (const line of lines)
    for (const run of line.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  return '`'.repeat(Math.max(3, longest + 1));
}

/** A link target markdown reads whole: blanks, brackets and parentheses percent-encoded. */
export function linkTarget(url: string): string {
  return url.replace(
    /[\s()<>[\]]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/**
 * A detail as a list item: `resource` (type): problem, then its fix indented under it (the
 * commands in a shell code block, unwrapped, so they copy whole; what to decide; the page),
 * or "Fix: as above" when the previous detail's fix is the same one.
 */
function detailItem(detail: Detail, previous: Detail | undefined): string[] {
  const lines = [
    `- ${code(detail.resourceId)} (${escapeText(detail.resourceType)}): ${escapeText(detail.problem)}`,
  ];
  const { fix } = detail;
  if (previous !== undefined && sameFix(previous.fix, fix)) {
    lines.push('', '  Fix: as above.');
    return lines;
  }
  if (fix.commands.length > 0) {
    // Every line indented, so a command that spans lines stays inside the item's code block.
    const commandLines = fix.commands.flatMap((command) => command.split(/\r?\n|\r/));
    const fence = codeFence(commandLines);
    lines.push('', `  ${fence}sh`, ...commandLines.map((line) => `  ${line}`), `  ${fence}`);
  }
  if (fix.decide) lines.push('', `  **Decide:** ${escapeText(fix.decide)}`);
  if (fix.documentation) lines.push('', `  [AWS documentation](${linkTarget(fix.documentation)})`);
  return lines;
}

/** Results whose details the reader needs. */

function result(compliance: Finding['compliance']): string {
  return compliance === 'NON_COMPLIANT' ? `**${compliance}**` : compliance;
}

/** `## How to fix`: the details of the listed findings, each finding's under a heading naming it. */
function detailSection(listed: readonly Finding[]): string[] {
  const lines: string[] = [];
  for (const f of listed) {
    if (!NEEDS_ACTION.has(f.compliance) || f.details.length === 0) continue;
    if (lines.length === 0) {
      lines.push(
        '',
        '## How to fix',
        '',
        'Commands are AWS CLI v2 command lines for a POSIX shell, with the ids of the snapshot.',
      );
    }
    lines.push(
      '',
      `### ${f.severity} · ${code(f.resourceId)} · ${code(f.ruleId)} · ${result(f.compliance)}`,
      '',
    );
    let previous: Detail | undefined;
    for (const detail of f.details) {
      lines.push(...detailItem(detail, previous));
      previous = detail;
    }
  }
  return lines;
}

export interface MarkdownOptions {
  /** List COMPLIANT findings too; by default they are only counted, as in the table. */
  all?: boolean;
}

/**
 * `--format markdown`: heading, counts, a findings table (COMPLIANT rows counted, not listed,
 * unless `all`), then how to fix each listed finding, ready to paste into a ticket.
 */
export function formatMarkdown(report: Report, options: MarkdownOptions = {}): string {
  const clusters = new Set(report.findings.map((f) => f.resourceId)).size;
  const lines = [
    '# private-eks-guard findings',
    '',
    `Account \`${report.accountId}\`, Region \`${report.region}\`, ${plural(clusters, 'cluster')}, generated ${report.generatedAt}.`,
    '',
    `**Summary:** ${SUMMARY_ORDER.map((key) => `${report.summary[key]} ${key}`).join(', ')}`,
    '',
  ];
  const { listed, hidden, instead } = findingsListed(report, options.all);
  if (instead !== undefined) {
    lines.push(instead);
  } else {
    lines.push('| Severity | Cluster | Rule | Result | Details |', '|---|---|---|---|---|');
    for (const f of listed) {
      lines.push(
        `| ${f.severity} | ${code(f.resourceId)} | ${code(f.ruleId)} | ${result(f.compliance)} | ${escapeCell(f.annotation)} |`,
      );
    }
    if (hidden > 0) lines.push('', hiddenLine(hidden));
  }
  lines.push(...detailSection(listed));
  return `${lines.join('\n')}\n`;
}
