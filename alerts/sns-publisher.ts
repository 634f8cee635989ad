import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { chatMessageBody } from './chat-message';
import { emailBody, emailSubject } from './email-message';
import { SNS_MAX_MESSAGE_BYTES } from './limits';
import { alertAttributes, publishSizeBytes } from './message-attributes';
import type { Transition } from './transition';

export interface AlertTopics {
  /** Subscribed by AWS Chatbot: the body is a custom notification (JSON). */
  chatTopicArn: string;
  /** Subscribed by email: plain text with a Subject. */
  emailTopicArn: string;
}

export type AlertChannel = 'chat' | 'email';
export const ALERT_CHANNELS: readonly AlertChannel[] = ['chat', 'email'];

export interface PublishedAlert {
  chatMessageId?: string;
  emailMessageId?: string;
}

export interface PublishOptions {
  /** Channels an earlier attempt already delivered this alert to: not published again. */
  skip?: readonly AlertChannel[];
}

export class AlertPublishError extends Error {
  constructor(
    message: string,
    readonly failures: { topicArn: string; error: unknown }[],
    /** The channels this attempt did deliver to, so a retry can leave them out. */
    readonly delivered: AlertChannel[],
  ) {
    super(message);
    this.name = 'AlertPublishError';
  }
}

/** The two Publish inputs for one transition (exported so handlers and tests can inspect them). */
export function alertPublishInputs(t: Transition, topics: AlertTopics): PublishCommandInput[] {
  const MessageAttributes = alertAttributes(t);
  // No MessageStructure "json": SNS would drop the message attributes that filter policies need.
  const inputs: PublishCommandInput[] = [
    { TopicArn: topics.chatTopicArn, Message: chatMessageBody(t), MessageAttributes },
    { TopicArn: topics.emailTopicArn, Subject: emailSubject(t), Message: emailBody(t), MessageAttributes },
  ];
  for (const input of inputs) {
    // Unreachable with the field caps of limits.ts; a guard so a future builder change fails loudly here.
    const bytes = publishSizeBytes({ ...input, Message: input.Message ?? '' });
    if (bytes >= SNS_MAX_MESSAGE_BYTES)
      throw new Error(`alert for ${input.TopicArn} is ${bytes} bytes, over the SNS limit`);
  }
  return inputs;
}

/**
 * Publishes one alert per transition on each topic. Both publishes are attempted even if one
 * fails, so a chat outage does not also swallow the email; any failure then rejects, naming
 * the failed topics and the channels that did get the alert, so the caller's retry can publish
 * only what is missing (SPEC §9: one message per transition on each topic).
 */
export class SnsAlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topics: AlertTopics,
  ) {}

  async publish(transition: Transition, options: PublishOptions = {}): Promise<PublishedAlert> {
    const [chat, email] = alertPublishInputs(transition, this.topics) as [
      PublishCommandInput,
      PublishCommandInput,
    ];
    const skip = new Set(options.skip ?? []);
    const channels = ALERT_CHANNELS.filter((channel) => !skip.has(channel));
    const inputs = { chat, email };
    const results = await Promise.allSettled(
      channels.map((channel) => this.sns.send(new PublishCommand(inputs[channel]))),
    );
    const failures: { topicArn: string; error: unknown }[] = [];
    const delivered: AlertChannel[] = [];
    const published: PublishedAlert = {};
    results.forEach((result, i) => {
      const channel = channels[i]!;
      if (result.status === 'rejected') {
        failures.push({ topicArn: inputs[channel].TopicArn!, error: result.reason });
      } else {
        delivered.push(channel);
        published[channel === 'chat' ? 'chatMessageId' : 'emailMessageId'] = result.value.MessageId;
      }
    });
    if (failures.length > 0) {
      const detail = failures.map(
        (f) => `${f.topicArn}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
      );
      throw new AlertPublishError(
        `publishing the ${transition.kind} alert for ${transition.clusterName}/${transition.ruleId} failed: ${detail.join('; ')}`,
        failures,
        delivered,
      );
    }
    return published;
  }
}
