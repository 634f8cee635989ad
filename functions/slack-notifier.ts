/**
 * Optional Slack notifier Lambda (SPEC §9), subscribed to the chat topic: each SNS record carries one AWS Chatbot
 * custom notification, which is turned back into the transition it was built from and posted through SlackNotifier.
 */
import { SSMClient } from '@aws-sdk/client-ssm';
import type { SNSEvent, SNSMessage } from 'aws-lambda';
import * as z from 'zod';
import { SlackNotifier } from '../alerts/slack-notifier';
import type { Detail } from '../engine/findings';
import {
  ruleFacts,
  type Actor,
  type Partition,
  type Transition,
  type TransitionKind,
} from '../alerts/transition';
import { readField } from '../event-schemas/read-field';
import { firstRecord, withPowertools } from '../lambda/middleware';
import { createPowertools, loggerPort } from '../lambda/powertools';
import { partitionOfRegion } from '../snapshot/load';

/** The parts of the chat topic's AWS Chatbot custom notification (alerts/chat-message.ts) read back here. */
const ChatMessageSchema = z.object({
  content: z.object({ description: z.string().optional() }).optional(),
  metadata: z
    .object({
      relatedResources: z.array(z.string()).optional(),
      additionalContext: z.record(z.string(), z.string()).optional(),
    })
    .optional(),
});

/** `additionalContext.details`: the fix details the chat message showed (alerts/chat-message.ts), as JSON. */
const DetailsSchema = z.array(
  z.object({
    resourceId: z.string(),
    resourceType: z.string(),
    problem: z.string(),
    fix: z.object({
      commands: z.array(z.string()),
      decide: z.string().optional(),
      documentation: z.string(),
    }),
  }),
);

/**
 * The details and the finding's count of them, when the message carries them. Unreadable details are dropped
 * rather than the alert: the Slack post then says as much as the rest of the message does.
 */
function detailsOfContext(context: Record<string, string>): Pick<Transition, 'details' | 'detailCount'> {
  if (context.details === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(context.details);
  } catch {
    return {};
  }
  const result = DetailsSchema.safeParse(parsed);
  if (!result.success) return {};
  const details: Detail[] = result.data.map(({ resourceId, resourceType, problem, fix }) => ({
    resourceId,
    resourceType,
    problem,
    fix: {
      commands: fix.commands,
      ...(fix.decide !== undefined ? { decide: fix.decide } : {}),
      documentation: fix.documentation,
    },
  }));
  const count = /^\d{1,9}$/.test(context.detailCount ?? '') ? Number(context.detailCount) : undefined;
  return { details, ...(count !== undefined && count > details.length ? { detailCount: count } : {}) };
}

/** What the handler reads of an SNS event: each record's message (events/sns-chat-alert.json has the full shape). */
export interface ChatTopicEvent {
  Records: { Sns: Pick<SNSMessage, 'Message'> }[];
}

export interface SlackHandlerDeps {
  notifier: Pick<SlackNotifier, 'notify'>;
}

// Fallback for messages from before additionalContext held every field: the sentence alerts/summary.ts
// actorSentence writes (none of its fields contain spaces) and the finding line.
const ACTOR_SENTENCE = /^Change: (\S+) by (\S+) from (\S+) at (\S+) \(CloudTrail event (\S+)\)\.$/m;
const FINDING_LINE = /^(?:Finding|Last finding): (.*)$/m;

function actorOf(description: string): Actor | undefined {
  const match = ACTOR_SENTENCE.exec(description);
  if (!match) return undefined;
  const [, eventName, userIdentityArn, sourceIPAddress, eventTime, eventID] = match as unknown as string[];
  return {
    eventName: eventName!,
    userIdentityArn: userIdentityArn!,
    sourceIPAddress: sourceIPAddress!,
    eventTime: eventTime!,
    eventID: eventID!,
  };
}

const PARTITIONS: readonly string[] = ['aws', 'aws-cn', 'aws-us-gov'];

/** Messages built since chat-message.ts put the raw fields into additionalContext. */
function actorOfContext(context: Record<string, string>): Actor | undefined {
  const { userIdentityArn, sourceIPAddress, eventName, eventTime, eventID } = context;
  if (
    userIdentityArn === undefined ||
    sourceIPAddress === undefined ||
    eventName === undefined ||
    eventTime === undefined ||
    eventID === undefined
  ) {
    return undefined;
  }
  return { userIdentityArn, sourceIPAddress, eventName, eventTime, eventID };
}

/**
 * The transition behind one chat-topic message (chat-message.ts's buildChatNotification). Current messages carry
 * every field raw in `metadata.additionalContext`; older ones (no `annotation` there) fall back to parsing the
 * description, which loses an annotation's newlines.
 */
export function transitionOfChatMessage(message: string): Transition {
  const body = ChatMessageSchema.parse(JSON.parse(message));
  const context = body.metadata?.additionalContext ?? {};
  const { accountId, region, clusterName, ruleId, transition } = context;
  if (!accountId || !region || !clusterName || !ruleId)
    throw new Error('chat message lacks its alert context');
  if (transition !== 'NEW_VIOLATION' && transition !== 'RESOLVED') {
    throw new Error(`chat message has transition ${JSON.stringify(transition)}`);
  }
  const facts = ruleFacts(ruleId);
  const kind: TransitionKind = transition;
  const common = { kind, accountId, region, clusterName, ...facts };
  if (typeof context.annotation === 'string') {
    const actor = actorOfContext(context);
    const partition = PARTITIONS.includes(context.partition ?? '')
      ? (context.partition as Partition)
      : (partitionOfRegion(region) as Partition);
    return {
      ...common,
      partition,
      clusterArn: context.clusterArn ?? body.metadata?.relatedResources?.[0] ?? '',
      // The deployed name carries the stage's prefix, which the catalog's default name does not.
      configRuleName: context.configRuleName || facts.configRuleName,
      annotation: context.annotation,
      ...(actor ? { actor } : {}),
      ...detailsOfContext(context),
    };
  }
  const description = body.content?.description ?? '';
  const actor = actorOf(description);
  return {
    ...common,
    partition: partitionOfRegion(region) as Partition,
    clusterArn: body.metadata?.relatedResources?.[0] ?? '',
    annotation: FINDING_LINE.exec(description)?.[1] ?? '',
    ...(actor ? { actor } : {}),
  };
}

export function makeHandler(deps: SlackHandlerDeps) {
  return async (event: SNSEvent | ChatTopicEvent): Promise<void> => {
    // Sequential: SNS delivers one record per invocation, and Slack rate-limits a webhook to about one post a second.
    for (const record of event.Records)
      await deps.notifier.notify(transitionOfChatMessage(record.Sns.Message));
  };
}

const tools = createPowertools('private-eks-guard-slack');
let built: ReturnType<typeof makeHandler> | undefined;

export const handler = withPowertools(
  (event: SNSEvent) => {
    if (!built) {
      const parameterName = process.env.SLACK_WEBHOOK_PARAMETER;
      if (!parameterName) throw new Error('environment variable SLACK_WEBHOOK_PARAMETER is not set');
      built = makeHandler({
        notifier: new SlackNotifier({
          ssmClient: new SSMClient({}),
          parameterName,
          logger: loggerPort(tools.logger),
        }),
      });
    }
    return built(event);
  },
  tools,
  { correlationId: (event) => readField(firstRecord(event), 'Sns', 'MessageId'), reports: [] },
);
