import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { chatMessageBody } from '../../alerts/chat-message';
import { emailBody, emailSubject } from '../../alerts/email-message';
import { alertAttributes } from '../../alerts/message-attributes';
import { AlertPublishError, SnsAlertPublisher } from '../../alerts/sns-publisher';
import { violation } from './fixtures';

const sns = mockClient(SNSClient);
const topics = {
  chatTopicArn: 'arn:aws-cn:sns:cn-northwest-1:111122223333:private-eks-guard-chat',
  emailTopicArn: 'arn:aws-cn:sns:cn-northwest-1:111122223333:private-eks-guard-email',
};
const publisher = () => new SnsAlertPublisher(new SNSClient({ region: 'cn-northwest-1' }), topics);

beforeEach(() => sns.reset());

describe('SnsAlertPublisher', () => {
  it('publishes once per topic with the exact inputs', async () => {
    sns
      .on(PublishCommand, { TopicArn: topics.chatTopicArn })
      .resolves({ MessageId: 'chat-1' })
      .on(PublishCommand, { TopicArn: topics.emailTopicArn })
      .resolves({ MessageId: 'email-1' });
    const t = violation();

    await expect(publisher().publish(t)).resolves.toEqual({
      chatMessageId: 'chat-1',
      emailMessageId: 'email-1',
    });

    const inputs = sns.commandCalls(PublishCommand).map((call) => call.args[0].input);
    expect(inputs).toHaveLength(2);
    expect(inputs).toEqual(
      expect.arrayContaining([
        { TopicArn: topics.chatTopicArn, Message: chatMessageBody(t), MessageAttributes: alertAttributes(t) },
        {
          TopicArn: topics.emailTopicArn,
          Subject: emailSubject(t),
          Message: emailBody(t),
          MessageAttributes: alertAttributes(t),
        },
      ]),
    );
    for (const input of inputs) expect(input).not.toHaveProperty('MessageStructure');
    expect(JSON.parse(inputs.find((i) => i.TopicArn === topics.chatTopicArn)!.Message!)).toMatchObject({
      version: '1.0',
      source: 'custom',
    });
  });

  it('still publishes the email when the chat topic fails, then rejects naming the failed topic', async () => {
    sns
      .on(PublishCommand, { TopicArn: topics.chatTopicArn })
      .rejects(Object.assign(new Error('Topic does not exist'), { name: 'NotFoundException' }))
      .on(PublishCommand, { TopicArn: topics.emailTopicArn })
      .resolves({ MessageId: 'email-1' });

    const failure = await publisher()
      .publish(violation())
      .catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(AlertPublishError);
    expect((failure as AlertPublishError).message).toContain(`${topics.chatTopicArn}: Topic does not exist`);
    expect((failure as AlertPublishError).failures.map((f) => f.topicArn)).toEqual([topics.chatTopicArn]);
    expect(sns.commandCalls(PublishCommand, { TopicArn: topics.emailTopicArn })).toHaveLength(1);
    expect((failure as AlertPublishError).delivered).toEqual(['email']);
  });

  it('publishes only the channels not skipped, so a resend reaches each topic once in all', async () => {
    sns.on(PublishCommand).resolves({ MessageId: 'chat-2' });

    await expect(publisher().publish(violation(), { skip: ['email'] })).resolves.toEqual({
      chatMessageId: 'chat-2',
    });
    expect(sns.commandCalls(PublishCommand).map((c) => c.args[0].input.TopicArn)).toEqual([
      topics.chatTopicArn,
    ]);

    sns.resetHistory();
    await expect(publisher().publish(violation(), { skip: ['chat', 'email'] })).resolves.toEqual({});
    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });
});
