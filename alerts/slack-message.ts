import { configRuleConsoleUrl } from './console-links';
import { actorSentence, boundTransition, findingLabel, kindLabel } from './summary';
import { truncateChars } from './text';
import type { Transition } from './transition';

/** Slack Block Kit limits: header text ≤ 150 characters, section text ≤ 3,000. */
const HEADER_MAX_CHARS = 150;
const SECTION_MAX_CHARS = 3_000;
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

/** Incoming-webhook JSON for one transition: the same content as the chat topic's notification. */
export function buildSlackPayload(input: Transition): SlackWebhookPayload {
  const t = boundTransition(input);
  const link = configRuleConsoleUrl(t.partition, t.region, t.configRuleName);
  const headline = `${t.kind}: ${t.title} (${t.clusterName})`;
  const details = [
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
  const blocks: Record<string, unknown>[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncateChars(headline, HEADER_MAX_CHARS), emoji: true },
    },
    { type: 'section', text: { type: 'mrkdwn', text: truncateChars(details, SECTION_MAX_CHARS) } },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${truncateChars(nextStep, SECTION_MAX_CHARS - Array.from(linkText).length - 1)}\n${linkText}`,
      },
    },
  ];
  return { text: `${KIND_EMOJI[t.kind]} ${escapeSlack(headline)}`, blocks };
}
