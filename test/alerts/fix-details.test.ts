import fc from 'fast-check';
import { buildChatNotification, chatDetailStep, chatMessageBody } from '../../alerts/chat-message';
import { emailBody, emailSubject } from '../../alerts/email-message';
import {
  CHATBOT_MAX_DESCRIPTION_CHARS,
  CHATBOT_MAX_DETAIL_STEPS,
  CHATBOT_MAX_TITLE_CHARS,
  CHATBOT_NEXT_STEPS_MAX_CHARS,
  fitWhole,
  SLACK_HEADER_MAX_CHARS,
  SLACK_MAX_BLOCKS,
  SLACK_MAX_TEXT_CHARS,
  SLACK_SECTION_MAX_CHARS,
  SNS_MAX_MESSAGE_BYTES,
} from '../../alerts/limits';
import { alertAttributes, publishSizeBytes } from '../../alerts/message-attributes';
import { buildSlackPayload } from '../../alerts/slack-message';
import { alertPublishInputs } from '../../alerts/sns-publisher';
import type { Transition } from '../../alerts/transition';
import type { Detail } from '../../engine/findings';
import { transitionOfChatMessage } from '../../functions/slack-notifier';
import { detail, HUGE_TEXT, resolved, violation } from './fixtures';

// --- What each channel shows, read back the way a person reads it -----------------------------------------------

const codePoints = (text: string) => Array.from(text).length;

function chatOf(t: Transition) {
  const body = chatMessageBody(t);
  const n = JSON.parse(body) as ReturnType<typeof buildChatNotification>;
  return {
    body,
    n,
    text: n.content.nextSteps.join('\n'),
    bytes: publishSizeBytes({ Message: body, MessageAttributes: alertAttributes(t) }),
  };
}

function emailOf(t: Transition) {
  const body = emailBody(t);
  return {
    body,
    bytes: publishSizeBytes({
      Message: body,
      Subject: emailSubject(t),
      MessageAttributes: alertAttributes(t),
    }),
  };
}

/** Slack shows `&lt;` as `<`: what a reader sees (and copies) of a block's mrkdwn. */
const unescapeSlack = (text: string) =>
  text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

function slackOf(t: Transition) {
  const payload = buildSlackPayload(t);
  const texts = payload.blocks.map((block) => (block as { text: { text: string } }).text.text);
  return { payload, texts, shown: unescapeSlack(texts.join('\n')) };
}

const noteOf = (leftOut: number, total: number) =>
  `Not shown here: ${leftOut} of ${total} detail${total === 1 ? '' : 's'}.`;

// --- Table-driven cases -------------------------------------------------------------------------------------------

describe('fix details in NEW_VIOLATION alerts', () => {
  const decideOnly = detail(3, {
    resourceId: 'dopt-0123456789abcdef0',
    resourceType: 'AWS::EC2::DHCPOptions',
    problem: 'domain-name-servers is 10.0.0.2, 10.1.0.2: not the Amazon DNS server',
    fix: {
      commands: [],
      decide: 'Whether the custom DNS servers forward the endpoint names to the Amazon DNS server.',
      documentation: 'https://docs.amazonaws.cn/en_us/vpc/latest/userguide/DHCPOptionSet.html',
    },
  });

  it.each<[string, Detail[]]>([
    ['one detail', [detail(1)]],
    ['two details', [detail(1), detail(2)]],
    ['three details, one a decision', [detail(1), detail(2), decideOnly]],
    [
      'a command over two lines (a quoted line break)',
      [detail(1, { fix: { ...detail(1).fix, commands: ["aws ec2 x --description 'line one\nline two'"] } })],
    ],
  ])('%s: chat, email and Slack show every one verbatim, before the remediation', (_, details) => {
    const t = violation({ details });
    const chat = chatOf(t);
    const email = emailOf(t).body;
    const slack = slackOf(t).shown;
    for (const d of details) {
      for (const text of [chat.text, email, slack]) {
        expect(text).toContain(d.resourceId);
        expect(text).toContain(d.resourceType);
        expect(text).toContain(d.problem);
        expect(text).toContain(d.fix.documentation);
        for (const command of d.fix.commands) expect(text).toContain(command);
        if (d.fix.decide) expect(text).toContain(d.fix.decide);
      }
      expect(email).toContain(`  - ${d.resourceId} (${d.resourceType}): ${d.problem}\n`);
      for (const command of d.fix.commands) expect(email).toContain(`\n      ${command}\n`);
    }
    for (const text of [chat.text, email, slack]) {
      expect(text).not.toContain('Not shown here');
      expect(text.indexOf(details[details.length - 1]!.resourceId)).toBeLessThan(text.indexOf(t.remediation));
    }
    // One next step per detail, then the remediation and the console link as before.
    expect(chat.n.content.nextSteps).toHaveLength(details.length + 2);
    expect(chat.n.content.nextSteps.slice(0, details.length)).toEqual(details.map(chatDetailStep));
    expect(chat.n.content.nextSteps[details.length]).toBe(t.remediation);
    expect(JSON.parse(chat.n.metadata.additionalContext.details!)).toEqual(details);
    expect(chat.n.metadata.additionalContext.detailCount).toBeUndefined();
    // The facts section, then one section per detail, then the remediation with the link.
    expect(slackOf(t).payload.blocks).toHaveLength(3 + details.length);
  });

  it('puts commands in a fenced block in chat, a code block in Slack, and lines of their own in email', () => {
    const d = detail(1);
    const command = d.fix.commands[0]!;
    expect(chatOf(violation({ details: [d] })).n.content.nextSteps[0]).toBe(
      [
        `\`${d.resourceId}\` (AWS::EC2::SecurityGroup): ${d.problem}`,
        '```',
        command,
        '```',
        `Documentation: ${d.fix.documentation}`,
      ].join('\n'),
    );
    expect(slackOf(violation({ details: [d] })).texts[2]).toBe(
      [
        `*\`${d.resourceId}\`* (AWS::EC2::SecurityGroup): ${d.problem}`,
        '```',
        command,
        '```',
        `<${d.fix.documentation}|Documentation>`,
      ].join('\n'),
    );
    expect(emailOf(violation({ details: [d] })).body).toContain(
      [
        'What to do:',
        `  - ${d.resourceId} (AWS::EC2::SecurityGroup): ${d.problem}`,
        `      ${command}`,
        `      Documentation: ${d.fix.documentation}`,
        '',
        `  ${violation().remediation}`,
      ].join('\n'),
    );
  });

  it('escapes Slack control characters, which Slack shows as themselves', () => {
    const d = detail(1, {
      problem: 'admits <everyone> & more',
      fix: { commands: ["aws ec2 x --filters 'Name=a,Values=<b>&c'"], documentation: 'not a <url>' },
    });
    const [, , section] = slackOf(violation({ details: [d] })).texts;
    expect(section).toContain('admits &lt;everyone&gt; &amp; more');
    expect(section).toContain("aws ec2 x --filters 'Name=a,Values=&lt;b&gt;&amp;c'");
    expect(section).toContain('Documentation: not a &lt;url&gt;');
    expect(section).not.toMatch(/<(?!https:)/);
  });

  it('keeps RESOLVED alerts as they were: nothing is left to fix', () => {
    const t = resolved({ details: [detail(1)], detailCount: 5 });
    const without = resolved();
    expect(chatMessageBody(t)).toBe(chatMessageBody(without));
    expect(emailBody(t)).toBe(emailBody(without));
    expect(buildSlackPayload(t)).toEqual(buildSlackPayload(without));
  });

  it('keeps a NEW_VIOLATION without details as it was', () => {
    const t = violation();
    expect(chatMessageBody(violation({ details: [] }))).toBe(chatMessageBody(t));
    expect(emailBody(violation({ details: [] }))).toBe(emailBody(t));
    expect(buildSlackPayload(violation({ details: [] }))).toEqual(buildSlackPayload(t));
    expect(buildChatNotification(t).metadata.additionalContext.details).toBeUndefined();
  });

  it.each([
    ['longer than the chat and Slack budgets', 'x'.repeat(5_000)],
    ['with a markdown code fence, which cannot be shown verbatim in a fenced block', "echo '```'"],
  ])(
    'leaves a detail whose command is %s out of chat and Slack, says so, and keeps it in email',
    (_, tail) => {
      const command = `aws ec2 create-tags --resources sg-1 --tags 'Key=x,Value=${tail}'`;
      const t = violation({
        details: [detail(1, { fix: { ...detail(1).fix, commands: [command] } }), detail(2)],
      });
      const chat = chatOf(t);
      const slack = slackOf(t).shown;
      for (const text of [chat.text, slack]) {
        expect(text).toContain(noteOf(1, 2));
        expect(text).not.toContain(detail(1).resourceId);
        expect(text).not.toContain('create-tags');
        expect(text).toContain(detail(2).fix.commands[0]);
        expect(text).toContain(
          '`private-eks-guard fix --region cn-northwest-1 --rules VPC_ENDPOINTS_PRESENT` (a script to review) or ' +
            '`private-eks-guard check --region cn-northwest-1 --rules VPC_ENDPOINTS_PRESENT --format json`',
        );
      }
      expect(JSON.parse(chat.n.metadata.additionalContext.details!)).toEqual([detail(2)]);
      expect(chat.n.metadata.additionalContext.detailCount).toBe('2');
      expect(emailOf(t).body).toContain(`\n      ${command}\n`);
      expect(emailOf(t).body).not.toContain('Not shown here');
    },
  );

  it('leaves a single command bigger than an SNS message out of the email, whole, and names the CLI instead', () => {
    const command = `aws ec2 x --y '${'😀'.repeat(70_000)}'`; // 280,000 bytes
    const t = violation({ details: [detail(1, { fix: { ...detail(1).fix, commands: [command] } })] });
    const email = emailOf(t);
    expect(email.bytes).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
    expect(email.body).not.toContain('😀');
    expect(email.body).toContain(
      [
        `  ${noteOf(1, 1)} All of them, with their fix commands:`,
        '      private-eks-guard fix --region cn-northwest-1 --rules VPC_ENDPOINTS_PRESENT',
        '  or, as JSON:',
        '      private-eks-guard check --region cn-northwest-1 --rules VPC_ENDPOINTS_PRESENT --format json',
      ].join('\n'),
    );
    // The facts and the change stay whole.
    expect(email.body).toContain(`Cluster ARN: ${t.clusterArn}`);
    expect(email.body).toContain('DeleteVpcEndpoints by arn:aws-cn:sts::111122223333:assumed-role/ops/alice');
  });

  it('200 details: every channel shows what fits, whole, within its limits, and counts the rest', () => {
    const details = Array.from({ length: 200 }, (_, i) => detail(i));
    const t = violation({ details });
    const chat = chatOf(t);
    const shownInChat = chat.n.content.nextSteps.length - 3;
    expect(shownInChat).toBeGreaterThan(0);
    expect(shownInChat).toBeLessThanOrEqual(CHATBOT_MAX_DETAIL_STEPS);
    expect(chat.text).toContain(noteOf(200 - shownInChat, 200));
    expect(chat.n.content.nextSteps.join('').length).toBeLessThanOrEqual(CHATBOT_NEXT_STEPS_MAX_CHARS);

    const email = emailOf(t);
    // Every one fits in an email (about 400 bytes each).
    for (const d of details) expect(email.body).toContain(d.fix.commands[0]);
    expect(email.body).not.toContain('Not shown here');
    expect(email.bytes).toBeLessThan(SNS_MAX_MESSAGE_BYTES);

    const slack = slackOf(t);
    const shownInSlack = slack.payload.blocks.length - 4;
    expect(shownInSlack).toBeGreaterThan(shownInChat);
    expect(slack.shown).toContain(noteOf(200 - shownInSlack, 200));
    expect(slack.texts.join('').length).toBeLessThanOrEqual(SLACK_MAX_TEXT_CHARS);
  });

  it("passes the SNS publisher's size guard with details far past 256 KB", () => {
    const command = (i: number) => `aws ec2 x --y '${String(i).repeat(10)}${'\u0001'.repeat(60_000)}'`;
    const t = violation({
      annotation: HUGE_TEXT,
      details: Array.from({ length: 8 }, (_, i) =>
        detail(i, { fix: { ...detail(i).fix, commands: [command(i)] } }),
      ),
    });
    const inputs = alertPublishInputs(t, { chatTopicArn: 'arn:chat', emailTopicArn: 'arn:email' });
    for (const input of inputs) {
      expect(publishSizeBytes({ ...input, Message: input.Message! })).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
    }
    // Control characters are 1 byte in the email (4 of the 8 commands fit) and 6 in JSON (none fits in chat).
    expect(inputs[1]!.Message).toContain(noteOf(4, 8));
    expect(chatOf(t).text).toContain(noteOf(8, 8));
  });

  it('keeps the title and description within AWS Chatbot limits whatever the fields hold', () => {
    const n = buildChatNotification(
      violation({
        clusterName: 'c'.repeat(2_000),
        annotation: HUGE_TEXT,
        actor: { ...violation().actor!, userIdentityArn: 'a'.repeat(2_000), eventID: 'e'.repeat(2_000) },
      }),
    );
    expect(codePoints(n.content.title)).toBeLessThanOrEqual(CHATBOT_MAX_TITLE_CHARS);
    expect(codePoints(n.content.description)).toBeLessThanOrEqual(CHATBOT_MAX_DESCRIPTION_CHARS);
    // The finding gives way; the change line stays whole.
    expect(n.content.description).toMatch(
      /\nChange: DeleteVpcEndpoints by a{2000} from .* \(CloudTrail event e{2000}\)\.$/,
    );
  });
});

describe('the Slack notifier path: chat message → transition → Slack post', () => {
  it('rebuilds the details the chat message showed, and the count of all of them', () => {
    const all = violation({ details: [detail(1), detail(2)] });
    expect(transitionOfChatMessage(chatMessageBody(all))).toEqual(all);

    const many = violation({ details: Array.from({ length: 40 }, (_, i) => detail(i)) });
    const rebuilt = transitionOfChatMessage(chatMessageBody(many));
    const shown = chatOf(many).n.content.nextSteps.length - 3;
    expect(rebuilt.details).toEqual(many.details!.slice(0, shown));
    expect(rebuilt.detailCount).toBe(40);
    // Slack shows those details and counts the same 40.
    const slack = slackOf(rebuilt).shown;
    for (const d of rebuilt.details!) expect(slack).toContain(d.fix.commands[0]);
    expect(slack).toContain(noteOf(40 - shown, 40));
  });

  it('posts the alert without details when the carried details are unreadable', () => {
    const n = buildChatNotification(violation({ details: [detail(1)] }));
    for (const broken of ['not json', '[{"resourceId":1}]', '{}']) {
      n.metadata.additionalContext.details = broken;
      const rebuilt = transitionOfChatMessage(JSON.stringify(n));
      expect(rebuilt.details).toBeUndefined();
      expect(rebuilt.annotation).toBe(violation().annotation);
    }
  });
});

describe('fitWhole', () => {
  it.each<[string, number[], number, number | undefined, number[], number]>([
    ['everything fits', [1, 2, 3], 6, undefined, [1, 2, 3], 0],
    ['one too big is passed over, a later one still fits', [5, 1, 4], 5, undefined, [5], 2],
    ['passes over and keeps looking', [3, 9, 2], 5, undefined, [3, 2], 1],
    ['at most maxItems', [1, 1, 1], 10, 2, [1, 1], 1],
    ['nothing fits a negative budget', [0, 1], -1, undefined, [], 2],
  ])('%s', (_, items, budget, maxItems, shown, leftOut) => {
    expect(fitWhole(items, (n) => n, budget, maxItems)).toEqual({ shown, leftOut });
  });

  it('never shows an item its cost calls unshowable', () => {
    expect(fitWhole(['a', 'b'], (s) => (s === 'a' ? undefined : 1), 10)).toEqual({
      shown: ['b'],
      leftOut: 1,
    });
  });
});

// --- Properties ---------------------------------------------------------------------------------------------------

/**
 * Text of every kind: short ASCII, any code point (astral ones too), graphemes, and now and then
 * a long one (past the 3,000-character chat and Slack budgets). `§` marks where a command
 * starts and ends and `¶` a detail's resource; generated text holds neither, so a command such
 * as `r8` between its markers can never read as a resource marker.
 */
const plain = (maxLength: number) =>
  fc
    .oneof(
      { weight: 6, arbitrary: fc.string({ maxLength: Math.min(maxLength, 40) }) },
      { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: Math.min(maxLength, 40) }) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: Math.min(maxLength, 200) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength, size: 'max' }) },
    )
    .map((s) => s.replace(/[§¶]/g, ''));

const rawDetail = fc.record({
  resourceType: plain(40),
  problem: plain(300),
  commands: fc.array(plain(6_000), { maxLength: 4 }),
  decide: fc.option(plain(300), { nil: undefined }),
  documentation: plain(120),
});

/** Few details, or many (up to 200, a NACL with every flow broken). */
const rawDetails = fc.oneof(
  { weight: 3, arbitrary: fc.array(rawDetail, { maxLength: 12 }) },
  { weight: 1, arbitrary: fc.array(rawDetail, { minLength: 100, maxLength: 200 }) },
);

const markedDetails = rawDetails.map((raws) =>
  raws.map((raw, i): Detail => ({
    resourceId: `¶r${i}¶`,
    resourceType: raw.resourceType,
    problem: raw.problem,
    fix: {
      commands: raw.commands.map((tail, j) => `§c${i}.${j}§${tail}§e${i}.${j}§`),
      ...(raw.decide !== undefined ? { decide: raw.decide } : {}),
      documentation: raw.documentation,
    },
  })),
);

/**
 * Which details `text` shows. Each shown detail has every command verbatim; a detail left out
 * has no trace (not even a command's first characters); shown ones keep the finding's order.
 */
function shownIn(text: string, details: readonly Detail[]): number[] {
  const shown: number[] = [];
  let last = -1;
  details.forEach((d, i) => {
    const at = text.indexOf(d.resourceId);
    if (at === -1) {
      d.fix.commands.forEach((_, j) => expect(text).not.toContain(`§c${i}.${j}§`));
      return;
    }
    expect(at).toBeGreaterThan(last);
    last = at;
    for (const command of d.fix.commands) expect(text).toContain(command);
    shown.push(i);
  });
  return shown;
}

function expectNote(text: string, leftOut: number, total: number) {
  if (leftOut > 0) expect(text).toContain(noteOf(leftOut, total));
  else expect(text).not.toContain('Not shown here');
}

describe('fix details, for any number and size of details', () => {
  const runs = { numRuns: 60 };

  it('chat: within the Chatbot and SNS limits, whole details only, the left-out ones counted', () => {
    fc.assert(
      fc.property(markedDetails, (details) => {
        const t = violation({ details });
        const chat = chatOf(t);
        expect(chat.bytes).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
        expect(codePoints(chat.n.content.title)).toBeLessThanOrEqual(CHATBOT_MAX_TITLE_CHARS);
        expect(codePoints(chat.n.content.description)).toBeLessThanOrEqual(CHATBOT_MAX_DESCRIPTION_CHARS);
        expect(chat.n.content.nextSteps.join('').length).toBeLessThanOrEqual(CHATBOT_NEXT_STEPS_MAX_CHARS);
        const shown = shownIn(chat.text, details);
        expect(shown.length).toBeLessThanOrEqual(CHATBOT_MAX_DETAIL_STEPS);
        expectNote(chat.text, details.length - shown.length, details.length);
        if (details.length > 0) {
          expect(JSON.parse(chat.n.metadata.additionalContext.details!)).toEqual(
            shown.map((i) => details[i]),
          );
        }
        // The change line is never shortened for details.
        expect(chat.n.content.description).toContain(`(CloudTrail event ${t.actor!.eventID}).`);
      }),
      runs,
    );
  });

  it('email: under 256 KB with subject and attributes, whole details only, the left-out ones counted', () => {
    fc.assert(
      fc.property(markedDetails, (details) => {
        const t = violation({ details });
        const email = emailOf(t);
        expect(email.bytes).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
        const shown = shownIn(email.body, details);
        expectNote(email.body, details.length - shown.length, details.length);
        expect(email.body).toContain(`Change:\n  DeleteVpcEndpoints by ${t.actor!.userIdentityArn} from`);
      }),
      runs,
    );
  });

  it('Slack: within the Block Kit limits, whole details only, the left-out ones counted', () => {
    fc.assert(
      fc.property(markedDetails, (details) => {
        const slack = slackOf(violation({ details }));
        const [header, ...sections] = slack.texts;
        expect(slack.payload.blocks.length).toBeLessThanOrEqual(SLACK_MAX_BLOCKS);
        expect(codePoints(header!)).toBeLessThanOrEqual(SLACK_HEADER_MAX_CHARS);
        for (const text of sections) expect(text.length).toBeLessThanOrEqual(SLACK_SECTION_MAX_CHARS);
        expect(slack.texts.join('').length).toBeLessThanOrEqual(SLACK_MAX_TEXT_CHARS);
        const shown = shownIn(slack.shown, details);
        expectNote(slack.shown, details.length - shown.length, details.length);
      }),
      runs,
    );
  });

  it('counts details the message does not carry (a transition rebuilt from a chat message)', () => {
    fc.assert(
      fc.property(markedDetails, fc.nat({ max: 1_000 }), (details, more) => {
        const t = violation({ details, detailCount: details.length + more });
        const total = details.length + more;
        for (const text of [chatOf(t).text, emailOf(t).body, slackOf(t).shown]) {
          expectNote(text, total - shownIn(text, details).length, total);
        }
      }),
      { numRuns: 30 },
    );
  });
});
