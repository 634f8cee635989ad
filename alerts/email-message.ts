import { configRuleConsoleUrl } from './console-links';
import { SNS_MAX_SUBJECT_CHARS } from './limits';
import { actorSentence, boundTransition, findingLabel, kindLabel } from './summary';
import { toAsciiLine, truncateChars } from './text';
import type { Transition } from './transition';

/**
 * SNS Subject: printable ASCII on one line, fewer than 100 characters. The cluster and the
 * rule id come first so a cut subject still says what broke where.
 */
export function emailSubject(input: Transition): string {
  const t = boundTransition(input);
  const text = toAsciiLine(`[${t.severity}] ${t.kind} ${t.clusterName} ${t.ruleId}: ${t.title}`);
  return truncateChars(text, SNS_MAX_SUBJECT_CHARS, '...');
}

export function emailBody(input: Transition): string {
  const t = boundTransition(input);
  const link = configRuleConsoleUrl(t.partition, t.region, t.configRuleName);
  const lines = [
    `${kindLabel(t)}: ${t.title}`,
    '',
    `Cluster:     ${t.clusterName}`,
    `Cluster ARN: ${t.clusterArn}`,
    `Account:     ${t.accountId}`,
    `Region:      ${t.region}`,
    `Rule:        ${t.ruleId} (${t.configRuleName})`,
    `Severity:    ${t.severity}`,
    '',
    `${findingLabel(t)}:`,
    `  ${t.annotation}`,
    '',
    'Change:',
    `  ${actorSentence(t)}`,
  ];
  if (t.kind === 'NEW_VIOLATION') lines.push('', 'What to do:', `  ${t.remediation}`);
  lines.push('', `AWS Config rule: ${link}`, '');
  return lines.join('\n');
}
