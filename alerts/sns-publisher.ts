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

export interface PublishedAlert {
  chatMessageId?: string;
  emailMessageId?: string;
}

export class AlertPublishError extends Error {
  constructor(
    message: string,
    readonly failures: { topicArn: string; error: unknown }[],
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
 * the failed topics, so the caller's retry covers it (at the cost of a possible repeat on the
 * topic that succeeded).
 */
export class SnsAlertPublisher {
  constructor(
    private readonly sns: SNSClient,
    private readonly topics: AlertTopics,
  ) {}

  async publish(transition: Transition): Promise<PublishedAlert> {
    const [chat, email] = alertPublishInputs(transition, this.topics) as [
      PublishCommandInput,
      PublishCommandInput,
    ];
    const results = await Promise.allSettled(
      [chat, email].map((input) => this.sns.send(new PublishCommand(input))),
    );
    const failures: { topicArn: string; error: unknown }[] = [];
    results.forEach((result, i) => {
      if (result.status === 'rejected')
        failures.push({ topicArn: [chat, email][i]!.TopicArn!, error: result.reason });
    });
    if (failures.length > 0) {
      const detail = failures.map(
        (f) => `${f.topicArn}: ${f.error instanceof Error ? f.error.message : String(f.error)}`,
      );
      throw new AlertPublishError(
        `publishing the ${transition.kind} alert for ${transition.clusterName}/${transition.ruleId} failed: ${detail.join('; ')}`,
        failures,
      );
    }
    const [chatResult, emailResult] = results;
    return {
      chatMessageId: chatResult?.status === 'fulfilled' ? chatResult.value.MessageId : undefined,
      emailMessageId: emailResult?.status === 'fulfilled' ? emailResult.value.MessageId : undefined,
    };
  }
}
