import { describe, expect, it } from '@jest/globals';
import { chatMessageBody } from '../../alerts/chat-message';
import type { Transition } from '../../alerts/transition';
import { makeHandler, transitionOfChatMessage } from '../../functions/slack-notifier';
import { resolved, violation } from '../alerts/fixtures';

const snsEvent = (...messages: string[]) => ({ Records: messages.map((Message) => ({ Sns: { Message } })) });

describe('slack-notifier handler', () => {
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
