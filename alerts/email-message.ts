import type { Detail } from '../engine/findings';
import { configRuleConsoleUrl } from './console-links';
import { allDetailsCommands, detailHeadline, leftOutSentence, selectDetails } from './fix-details';
import { EMAIL_HEADROOM_BYTES, SNS_MAX_MESSAGE_BYTES, SNS_MAX_SUBJECT_CHARS } from './limits';
import { alertAttributes, publishSizeBytes } from './message-attributes';
import { actorSentence, boundTransition, findingLabel, kindLabel } from './summary';
import { toAsciiLine, truncateChars, utf8Bytes } from './text';
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

/**
 * One detail under "What to do": the headline, then each command on a line of its own, the
 * decision to make, and the documentation page. A command is printed exactly as it is (only its
 * first line indented, which a shell ignores): indenting the later lines of a command with a
 * quoted line break would change the value it sets.
 */
function emailDetailBlock(detail: Detail): string {
  const lines = [`  - ${detailHeadline(detail)}`];
  for (const command of detail.fix.commands) lines.push(`      ${command}`);
  if (detail.fix.decide !== undefined) lines.push(`      Decide: ${detail.fix.decide}`);
  if (detail.fix.documentation !== '') lines.push(`      Documentation: ${detail.fix.documentation}`);
  return lines.join('\n') + '\n';
}

function leftOutBlock(t: Transition, leftOut: number, total: number): string {
  const [fix, check] = allDetailsCommands(t);
  return `  ${leftOutSentence(leftOut, total)}\n      ${fix}\n  or, as JSON:\n      ${check}\n`;
}

function body(t: Transition, detailBlocks: readonly string[]): string {
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
  if (t.kind === 'NEW_VIOLATION') {
    lines.push('', 'What to do:');
    // Each block ends with a line break: joined with one more, blocks stand apart by a blank line.
    if (detailBlocks.length > 0) lines.push(detailBlocks.join('\n'));
    lines.push(`  ${t.remediation}`);
  }
  lines.push('', `AWS Config rule: ${link}`, '');
  return lines.join('\n');
}

/**
 * Plain text. A NEW_VIOLATION lists its fix details first, as many whole ones as the SNS limit
 * leaves room for (with subject, attributes and EMAIL_HEADROOM_BYTES counted), then the rule's
 * remediation; the facts and the change above them are never shortened for the details.
 */
export function emailBody(input: Transition): string {
  const t = boundTransition(input);
  const overhead = publishSizeBytes({
    Message: body(t, []),
    Subject: emailSubject(t),
    MessageAttributes: alertAttributes(t),
  });
  // One more line break per block: the blank line that separates it from the next.
  const details = selectDetails(
    t,
    (detail) => utf8Bytes(emailDetailBlock(detail)) + 1,
    SNS_MAX_MESSAGE_BYTES - EMAIL_HEADROOM_BYTES - overhead,
    (leftOut, total) => utf8Bytes(leftOutBlock(t, leftOut, total)) + 1,
  );
  const blocks = details.shown.map(emailDetailBlock);
  if (details.leftOut > 0) blocks.push(leftOutBlock(t, details.leftOut, details.total));
  return body(t, blocks);
}
