import type { Detail } from '../engine/findings';
import { configRuleConsoleUrl } from './console-links';
import { FENCE, fencesCleanly, leftOutStep, selectDetails, type DetailSelection } from './fix-details';
import {
  SLACK_HEADER_MAX_CHARS,
  SLACK_MAX_BLOCKS,
  SLACK_MAX_TEXT_CHARS,
  SLACK_SECTION_MAX_CHARS,
} from './limits';
import { actorSentence, boundTransition, findingLabel, kindLabel } from './summary';
import { truncateChars } from './text';
import type { Transition } from './transition';

/** Budgets for untrusted text before escaping, so the section caps rarely have to cut an entity. */
const ANNOTATION_BUDGET = 1_500;
const ACTOR_BUDGET = 700;
const REMEDIATION_BUDGET = 2_000;

export interface SlackWebhookPayload {
  /** The notification/fallback text; also what clients without blocks show. */
  text: string;
  blocks: Record<string, unknown>[];
}

/** Slack reads `&`, `<` and `>` as control sequences (links, mentions) in mrkdwn and text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const KIND_EMOJI = { NEW_VIOLATION: ':rotating_light:', RESOLVED: ':white_check_mark:' } as const;

/** A URL Slack's `<url|text>` can hold: anything else is shown as text rather than break the link. */
const LINKABLE = /^https?:\/\/[^\s<>|]+$/;

function section(text: string): Record<string, unknown> {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

/**
 * One section per detail: the headline, the commands in a code block (escaped, which Slack shows
 * as the characters they stand for, so each pastes as it is), what to decide, the documentation.
 */
function slackDetailText(detail: Detail): string {
  const lines = [
    `*\`${escapeSlack(detail.resourceId.replace(/`/g, "'"))}\`* (${escapeSlack(detail.resourceType)}): ${escapeSlack(detail.problem)}`,
  ];
  if (detail.fix.commands.length > 0) {
    lines.push(FENCE + '\n' + detail.fix.commands.map(escapeSlack).join('\n') + '\n' + FENCE);
  }
  if (detail.fix.decide !== undefined) lines.push(`*Decide:* ${escapeSlack(detail.fix.decide)}`);
  const doc = detail.fix.documentation;
  if (doc !== '')
    lines.push(LINKABLE.test(doc) ? `<${doc}|Documentation>` : `Documentation: ${escapeSlack(doc)}`);
  return lines.join('\n');
}

/** chat's line on left-out details, escaped (escapeSlack leaves its backticks alone). */
function leftOutText(t: Transition, leftOut: number, total: number): string {
  return escapeSlack(leftOutStep(t, leftOut, total));
}

/**
 * The details that fit: each in a section of its own (≤ SLACK_SECTION_MAX_CHARS), as many as
 * the block count and the cumulative text budget leave after the header, facts, note and next
 * step (limits.ts).
 */
function slackDetails(t: Transition, fixedBlocks: number, fixedChars: number): DetailSelection {
  return selectDetails(
    t,
    (detail) => {
      if (!fencesCleanly(detail)) return undefined;
      const length = slackDetailText(detail).length;
      return length <= SLACK_SECTION_MAX_CHARS ? length : undefined;
    },
    SLACK_MAX_TEXT_CHARS - fixedChars,
    (leftOut, total) => leftOutText(t, leftOut, total).length,
    SLACK_MAX_BLOCKS - fixedBlocks - 1,
  );
}

/** Incoming-webhook JSON for one transition: the same content as the chat topic's notification. */
export function buildSlackPayload(input: Transition): SlackWebhookPayload {
  const t = boundTransition(input);
  const link = configRuleConsoleUrl(t.partition, t.region, t.configRuleName);
  const headline = `${t.kind}: ${t.title} (${t.clusterName})`;
  const facts = [
    `*${kindLabel(t)}* · severity *${t.severity}* · rule \`${escapeSlack(t.ruleId)}\``,
    `Cluster \`${escapeSlack(t.clusterName)}\` in account ${escapeSlack(t.accountId)}, ${escapeSlack(t.region)}`,
    `*${findingLabel(t)}:* ${escapeSlack(truncateChars(t.annotation, ANNOTATION_BUDGET))}`,
    `*Change:* ${escapeSlack(truncateChars(actorSentence(t), ACTOR_BUDGET))}`,
  ].join('\n');
  const nextStep =
    t.kind === 'NEW_VIOLATION'
      ? `*What to do:* ${escapeSlack(truncateChars(t.remediation, REMEDIATION_BUDGET))}`
      : 'No action needed.';
  // The link goes last and is never cut: a truncated `<url|text>` would render as garbage.
  const linkText = `<${link}|Open the AWS Config rule ${escapeSlack(t.configRuleName)}>`;
  const headerText = truncateChars(headline, SLACK_HEADER_MAX_CHARS);
  const factsText = truncateChars(facts, SLACK_SECTION_MAX_CHARS);
  const nextText = `${truncateChars(nextStep, SLACK_SECTION_MAX_CHARS - Array.from(linkText).length - 1)}\n${linkText}`;
  const details = slackDetails(t, 3, headerText.length + factsText.length + nextText.length);
  const blocks: Record<string, unknown>[] = [
    { type: 'header', text: { type: 'plain_text', text: headerText, emoji: true } },
    section(factsText),
    // A NEW_VIOLATION's fix details, each whole or not at all, before the rule's remediation.
    ...details.shown.map((detail) => section(slackDetailText(detail))),
    ...(details.leftOut > 0 ? [section(leftOutText(t, details.leftOut, details.total))] : []),
    section(nextText),
  ];
  return { text: `${KIND_EMOJI[t.kind]} ${escapeSlack(headline)}`, blocks };
}
