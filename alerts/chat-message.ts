import type { Detail } from '../engine/findings';
import { configRuleConsoleUrl } from './console-links';
import { FENCE, fencesCleanly, leftOutStep, selectDetails, type DetailSelection } from './fix-details';
import {
  CHATBOT_MAX_DESCRIPTION_CHARS,
  CHATBOT_MAX_DETAIL_STEPS,
  CHATBOT_MAX_TITLE_CHARS,
  CHATBOT_NEXT_STEPS_MAX_CHARS,
} from './limits';
import { actorSentence, boundTransition, findingLabel, kindLabel } from './summary';
import { truncateChars } from './text';
import type { Transition } from './transition';

/**
 * AWS Chatbot (Amazon Q Developer in chat applications) custom notification, the event schema
 * of its "Custom notifications" guide: `version` must be "1.0", `source` must be "custom",
 * `textType` only "client-markdown".
 */
export interface ChatbotCustomNotification {
  version: '1.0';
  source: 'custom';
  id?: string;
  content: {
    textType: 'client-markdown';
    title: string;
    description: string;
    nextSteps: string[];
  };
  metadata: {
    threadId: string;
    summary: string;
    eventType: string;
    relatedResources: string[];
    additionalContext: Record<string, string>;
  };
}

const KIND_EMOJI = { NEW_VIOLATION: ':rotating_light:', RESOLVED: ':white_check_mark:' } as const;

/** Markdown control characters in untrusted text would restyle (or break) the message. */
function inlineCode(text: string): string {
  return '`' + text.replace(/`/g, "'") + '`';
}

/**
 * One next step per detail: the headline, the commands in a fenced block (so each pastes as it
 * is), or what to decide, and the documentation page.
 */
export function chatDetailStep(detail: Detail): string {
  const lines = [`${inlineCode(detail.resourceId)} (${detail.resourceType}): ${detail.problem}`];
  if (detail.fix.commands.length > 0) lines.push(FENCE, ...detail.fix.commands, FENCE);
  if (detail.fix.decide !== undefined) lines.push(`Decide: ${detail.fix.decide}`);
  if (detail.fix.documentation !== '') lines.push(`Documentation: ${detail.fix.documentation}`);
  return lines.join('\n');
}

/**
 * The details that fit the next steps' budget (limits.ts): what the remediation and the console
 * link leave of CHATBOT_NEXT_STEPS_MAX_CHARS, at most CHATBOT_MAX_DETAIL_STEPS of them.
 */
function chatDetails(t: Transition, fixedSteps: readonly string[]): DetailSelection {
  const fixed = fixedSteps.reduce((sum, step) => sum + step.length, 0);
  return selectDetails(
    t,
    (detail) => (fencesCleanly(detail) ? chatDetailStep(detail).length : undefined),
    CHATBOT_NEXT_STEPS_MAX_CHARS - fixed,
    (leftOut, total) => leftOutStep(t, leftOut, total).length,
    CHATBOT_MAX_DETAIL_STEPS,
  );
}

/** The description within Chatbot's limit: the finding line gives way first, the actor line last. */
function chatDescription(t: Transition): string {
  const lines = (annotation: string) =>
    [
      `*${kindLabel(t)}* · severity *${t.severity}* · rule ${inlineCode(t.ruleId)}`,
      `Cluster ${inlineCode(t.clusterName)} in account ${t.accountId}, ${t.region}`,
      `${findingLabel(t)}: ${annotation}`,
      `Change: ${actorSentence(t)}`,
    ].join('\n');
  const full = lines(t.annotation);
  const over = Array.from(full).length - CHATBOT_MAX_DESCRIPTION_CHARS;
  if (over <= 0) return full;
  const room = Array.from(t.annotation).length - over;
  // Only malformed actor fields (several KB each) leave no room for the finding at all.
  return room > 0
    ? lines(truncateChars(t.annotation, room))
    : truncateChars(full, CHATBOT_MAX_DESCRIPTION_CHARS);
}

export function buildChatNotification(input: Transition): ChatbotCustomNotification {
  const t = boundTransition(input);
  const link = configRuleConsoleUrl(t.partition, t.region, t.configRuleName);
  const description = chatDescription(t);
  const ruleSteps =
    t.kind === 'NEW_VIOLATION'
      ? [t.remediation, `Config rule ${t.configRuleName}: ${link}`]
      : [`No action needed. Config rule ${t.configRuleName}: ${link}`];
  // A NEW_VIOLATION's fix details come first, each whole or not at all, then the rule's steps.
  const details = chatDetails(t, ruleSteps);
  const nextSteps = [
    ...details.shown.map(chatDetailStep),
    ...(details.leftOut > 0 ? [leftOutStep(t, details.leftOut, details.total)] : []),
    ...ruleSteps,
  ];
  // Every field of the (bounded) transition, raw: functions/slack-notifier.ts rebuilds the Transition from these
  // instead of parsing the markdown description, which cannot round-trip newlines or backticks.
  const additionalContext: Record<string, string> = {
    accountId: t.accountId,
    region: t.region,
    partition: t.partition,
    clusterName: t.clusterName,
    clusterArn: t.clusterArn,
    ruleId: t.ruleId,
    configRuleName: t.configRuleName,
    severity: t.severity,
    transition: t.kind,
    annotation: t.annotation,
  };
  if (details.total > 0) {
    // The details this message shows, raw, for the Slack notifier; the count only when some are left out.
    additionalContext.details = JSON.stringify(details.shown);
    if (details.total !== details.shown.length) additionalContext.detailCount = String(details.total);
  }
  if (t.actor) {
    const { userIdentityArn, sourceIPAddress, eventName, eventTime, eventID } = t.actor;
    Object.assign(additionalContext, { userIdentityArn, sourceIPAddress, eventName, eventTime, eventID });
  }
  return {
    version: '1.0',
    source: 'custom',
    ...(t.actor ? { id: t.actor.eventID } : {}),
    content: {
      textType: 'client-markdown',
      title: truncateChars(
        `${KIND_EMOJI[t.kind]} ${t.kind}: ${t.title} (${t.clusterName})`,
        CHATBOT_MAX_TITLE_CHARS,
      ),
      description,
      nextSteps,
    },
    metadata: {
      // One thread per cluster × rule, so a RESOLVED lands under the violation it ends.
      threadId: `${t.accountId}/${t.region}/${t.clusterName}/${t.ruleId}`,
      summary: `${t.kind} ${t.ruleId} on ${t.clusterName}`,
      eventType: t.kind,
      relatedResources: [t.clusterArn],
      additionalContext,
    },
  };
}

/** The SNS message body for the chat topic. */
export function chatMessageBody(t: Transition): string {
  return JSON.stringify(buildChatNotification(t));
}
