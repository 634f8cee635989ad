import type { Report } from '../../engine/report';
import { plural, SUMMARY_ORDER } from './text';

/**
 * Makes text safe inside a GitHub/GitLab table cell: a pipe would end the cell and a
 * newline the row; backticks, asterisks and angle brackets would turn into code,
 * emphasis or (hidden) HTML. Backslash escapes render as the plain character.
 */
export function escapeCell(text: string): string {
  return text.replace(/[\\`*|<>]/g, (ch) => `\\${ch}`).replace(/\r?\n|\r/g, '<br>');
}

/** Ids (cluster names, rule ids) in code spans, unless one holds a character a code span cannot. */
function code(text: string): string {
  return /^[\w.:/-]+$/.test(text) ? `\`${text}\`` : escapeCell(text);
}

/** `--format markdown`: heading, counts and a findings table, ready to paste into a ticket. */
export function formatMarkdown(report: Report): string {
  const clusters = new Set(report.findings.map((f) => f.resourceId)).size;
  const lines = [
    '# private-eks-guard findings',
    '',
    `Account \`${report.accountId}\`, Region \`${report.region}\`, ${plural(clusters, 'cluster')}, generated ${report.generatedAt}.`,
    '',
    `**Summary:** ${SUMMARY_ORDER.map((key) => `${report.summary[key]} ${key}`).join(', ')}`,
    '',
  ];
  if (report.findings.length === 0) {
    lines.push('The snapshot holds no EKS clusters: nothing to check.');
  } else {
    lines.push('| Severity | Cluster | Rule | Result | Details |', '|---|---|---|---|---|');
    for (const f of report.findings) {
      const result = f.compliance === 'NON_COMPLIANT' ? `**${f.compliance}**` : f.compliance;
      lines.push(
        `| ${f.severity} | ${code(f.resourceId)} | ${code(f.ruleId)} | ${result} | ${escapeCell(f.annotation)} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
