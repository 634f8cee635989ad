import { configRuleConsoleUrl } from './console-links';
import { actorSentence, boundTransition, findingLabel, kindLabel } from './summary';
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

export function buildChatNotification(input: Transition): ChatbotCustomNotification {
  const t = boundTransition(input);
  const link = configRuleConsoleUrl(t.partition, t.region, t.configRuleName);
  const description = [
    `*${kindLabel(t)}* · severity *${t.severity}* · rule ${inlineCode(t.ruleId)}`,
    `Cluster ${inlineCode(t.clusterName)} in account ${t.accountId}, ${t.region}`,
    `${findingLabel(t)}: ${t.annotation}`,
    `Change: ${actorSentence(t)}`,
  ].join('\n');
  const nextSteps =
    t.kind === 'NEW_VIOLATION'
      ? [t.remediation, `Config rule ${t.configRuleName}: ${link}`]
      : [`No action needed. Config rule ${t.configRuleName}: ${link}`];
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
      title: `${KIND_EMOJI[t.kind]} ${t.kind}: ${t.title} (${t.clusterName})`,
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
