import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { buildChatNotification, chatMessageBody } from '../../alerts/chat-message';
import { MAX_ANNOTATION_CHARS } from '../../alerts/limits';
import { alertAttributes } from '../../alerts/message-attributes';
import type { Transition } from '../../alerts/transition';
import { makeHandler, transitionOfChatMessage } from '../../functions/slack-notifier';
import { resolved, violation } from '../alerts/fixtures';

const snsEvent = (...messages: string[]) => ({ Records: messages.map((Message) => ({ Sns: { Message } })) });

describe('slack-notifier handler', () => {
  it('events/sns-chat-alert.json: posts the alert the chat topic carried, in the current message format', async () => {
    const event = JSON.parse(readFileSync(join(__dirname, '../../events/sns-chat-alert.json'), 'utf8')) as {
      Records: {
        Sns: { Message: string; MessageAttributes: Record<string, { Type: string; Value: string }> };
      }[];
    };
    const posted: Transition[] = [];
    await makeHandler({ notifier: { notify: async (t) => void posted.push(t) } })(event);
    expect(posted).toHaveLength(1);
    const [transition] = posted;
    expect(transition).toMatchObject({
      kind: 'NEW_VIOLATION',
      clusterName: 'prod-private',
      ruleId: 'VPC_ENDPOINTS_SECURITY_GROUPS',
      actor: { eventName: 'RevokeSecurityGroupIngress' },
    });
    // The sample is what alerts/ publishes today: same body, same filterable attributes.
    const { Message, MessageAttributes } = event.Records[0]!.Sns;
    expect(chatMessageBody(transition!)).toBe(Message);
    expect(
      Object.fromEntries(Object.entries(alertAttributes(transition!)).map(([k, v]) => [k, v.StringValue])),
    ).toEqual(Object.fromEntries(Object.entries(MessageAttributes).map(([k, v]) => [k, v.Value])));
  });

  it.each([
    ['a violation with an actor', violation()],
    ['a resolution found by the sweep', resolved({ actor: undefined })],
  ])('posts %s once, as the transition it was built from', async (_, transition) => {
    const posted: Transition[] = [];
    await makeHandler({ notifier: { notify: async (t) => void posted.push(t) } })(
      snsEvent(chatMessageBody(transition)),
    );
    expect(posted).toHaveLength(1);
    const expected = { ...transition };
    if (!transition.actor) delete expected.actor;
    expect(posted[0]).toEqual(expected);
  });

  it.each([
    ['newlines and markdown', 'missing: sts\nvpce-1 (ecr.api) is `pending`\n\nFinding: not a header'],
    ['an empty annotation', ''],
    ['a line that looks like the actor sentence', 'Change: X by Y from Z at T (CloudTrail event E).'],
  ])('rebuilds the exact transition from the message context with %s', (_, annotation) => {
    const transition = violation({
      annotation,
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
      // A stage prefix the rule catalog does not know about.
      configRuleName: 'staging-eks-vpc-endpoints-present',
    });
    expect(transitionOfChatMessage(chatMessageBody(transition))).toEqual(transition);
  });

  it('carries a huge annotation bounded, exactly as the chat message shows it', () => {
    const huge = 'line\n'.repeat(MAX_ANNOTATION_CHARS);
    const rebuilt = transitionOfChatMessage(chatMessageBody(violation({ annotation: huge })));
    expect(Array.from(rebuilt.annotation)).toHaveLength(MAX_ANNOTATION_CHARS);
    expect(rebuilt.annotation.endsWith('…')).toBe(true);
  });

  it('still reads an older message whose context lacks the raw fields', () => {
    const transition = violation();
    const old = buildChatNotification(transition);
    const before = ['accountId', 'region', 'clusterName', 'ruleId', 'severity', 'transition', 'eventID'];
    old.metadata.additionalContext = Object.fromEntries(
      Object.entries(old.metadata.additionalContext).filter(([key]) => before.includes(key)),
    );
    expect(transitionOfChatMessage(JSON.stringify(old))).toEqual(transition);
  });

  it('rejects a message that is not an alert, so SNS retries and dead-letters it', async () => {
    const handler = makeHandler({ notifier: { notify: async () => undefined } });
    await expect(handler(snsEvent('{"version":"1.0"}'))).rejects.toThrow('lacks its alert context');
    expect(() => transitionOfChatMessage('not json')).toThrow();
  });

  it('fails the invocation when Slack fails', async () => {
    const handler = makeHandler({
      notifier: {
        notify: async () => {
          throw new Error('Slack webhook answered HTTP 500');
        },
      },
    });
    await expect(handler(snsEvent(chatMessageBody(violation())))).rejects.toThrow('HTTP 500');
  });
});
