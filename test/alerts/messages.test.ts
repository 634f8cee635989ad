import { buildChatNotification, chatMessageBody } from '../../alerts/chat-message';
import { configRuleConsoleUrl } from '../../alerts/console-links';
import { emailBody, emailSubject } from '../../alerts/email-message';
import { SNS_MAX_MESSAGE_BYTES } from '../../alerts/limits';
import { alertAttributes, publishSizeBytes } from '../../alerts/message-attributes';
import { truncateChars } from '../../alerts/text';
import { ruleFacts, type Partition } from '../../alerts/transition';
import { RULES } from '../../rules';
import { HUGE_TEXT, resolved, violation } from './fixtures';

describe('configRuleConsoleUrl', () => {
  it.each<[Partition, string, string]>([
    [
      'aws',
      'eu-west-1',
      'https://eu-west-1.console.aws.amazon.com/config/home?region=eu-west-1#/rules/details?configRuleName=private-eks-x',
    ],
    [
      'aws-cn',
      'cn-northwest-1',
      'https://console.amazonaws.cn/config/home?region=cn-northwest-1#/rules/details?configRuleName=private-eks-x',
    ],
    [
      'aws-us-gov',
      'us-gov-west-1',
      'https://console.amazonaws-us-gov.com/config/home?region=us-gov-west-1#/rules/details?configRuleName=private-eks-x',
    ],
  ])('%s %s', (partition, region, expected) => {
    expect(configRuleConsoleUrl(partition, region, 'private-eks-x')).toBe(expected);
  });

  it('encodes the rule name and refuses a Region that is not a Region code', () => {
    expect(configRuleConsoleUrl('aws', 'us-east-1', 'a b&c')).toContain('configRuleName=a%20b%26c');
    expect(() => configRuleConsoleUrl('aws', 'evil.example.com/x', 'r')).toThrow(/not a Region code/);
  });
});

describe('ruleFacts', () => {
  it('takes title, severity, remediation and the Config rule name from the catalog', () => {
    for (const rule of RULES) {
      const facts = ruleFacts(rule.meta.id.toLowerCase());
      expect(facts).toEqual({
        ruleId: rule.meta.id,
        configRuleName: `private-eks-${rule.meta.id.toLowerCase().replace(/_/g, '-')}`,
        severity: rule.meta.severity,
        title: rule.meta.title,
        remediation: rule.meta.remediation,
      });
    }
    expect(() => ruleFacts('NO_SUCH_RULE')).toThrow(/unknown rule id/);
  });
});

describe('chat notification (AWS Chatbot custom notification)', () => {
  it('has the SPEC §9 shape with title, annotation, actor, remediation and console link', () => {
    const t = violation();
    const parsed = JSON.parse(chatMessageBody(t)) as ReturnType<typeof buildChatNotification>;
    expect(parsed).toMatchObject({
      version: '1.0',
      source: 'custom',
      content: { textType: 'client-markdown' },
      metadata: {
        threadId: '111122223333/cn-northwest-1/prod-a/VPC_ENDPOINTS_PRESENT',
        eventType: 'NEW_VIOLATION',
        relatedResources: [t.clusterArn],
        additionalContext: {
          severity: 'critical',
          ruleId: 'VPC_ENDPOINTS_PRESENT',
          transition: 'NEW_VIOLATION',
        },
      },
    });
    expect(parsed.content.title).toContain(t.title);
    expect(parsed.content.title).toContain('prod-a');
    expect(parsed.content.title).toContain('NEW_VIOLATION');
    expect(parsed.content.description).toContain(t.annotation);
    for (const value of Object.values(t.actor!)) expect(parsed.content.description).toContain(value);
    expect(parsed.content.nextSteps).toEqual([
      t.remediation,
      `Config rule private-eks-vpc-endpoints-present: ${configRuleConsoleUrl('aws-cn', 'cn-northwest-1', 'private-eks-vpc-endpoints-present')}`,
    ]);
  });

  it('says a RESOLVED needs no action, and names the sweep when there is no actor', () => {
    const n = buildChatNotification(resolved({ actor: undefined }));
    expect(n.content.title).toContain('RESOLVED');
    expect(n.content.nextSteps).toHaveLength(1);
    expect(n.content.nextSteps[0]).toMatch(/^No action needed\. .*https:\/\/console\.amazonaws\.cn\//);
    expect(n.content.description).toContain('scheduled sweep');
    expect(n.id).toBeUndefined();
    expect(n.metadata.additionalContext.eventID).toBeUndefined();
  });

  it('keeps backticks in untrusted names from breaking the inline code', () => {
    const n = buildChatNotification(violation({ clusterName: 'a`b' }));
    expect(n.content.description).toContain("`a'b`");
  });
});

describe('email message', () => {
  it('is readable plain text with every fact and the link', () => {
    const t = violation();
    const body = emailBody(t);
    for (const fact of [
      t.title,
      t.clusterArn,
      t.accountId,
      t.region,
      t.configRuleName,
      t.annotation,
      t.remediation,
    ])
      expect(body).toContain(fact);
    expect(body).toContain('DeleteVpcEndpoints by arn:aws-cn:sts::111122223333:assumed-role/ops/alice');
    expect(body).toContain('https://console.amazonaws.cn/config/home?region=cn-northwest-1');
    expect(body).not.toMatch(/[{}]/);
  });

  it('omits the remediation once resolved', () => {
    const t = resolved();
    expect(emailBody(t)).not.toContain(t.remediation);
    expect(emailBody(t)).toContain('Resolved:');
  });

  it.each([
    ['a normal alert', violation()],
    ['a long title', violation({ title: 'T'.repeat(500) })],
    [
      'non-ASCII and line breaks',
      violation({ title: 'Endpunkte fehlen\nüberall — 😀', clusterName: 'prod\r\nb' }),
    ],
    ['a huge title', violation({ title: HUGE_TEXT })],
  ])('has a Subject SNS accepts (%s)', (_, t) => {
    const subject = emailSubject(t);
    expect(subject.length).toBeLessThan(100);
    expect(subject.length).toBeGreaterThan(0);
    expect(subject).toMatch(/^[\x20-\x7e]+$/);
  });

  it('puts severity, transition, cluster and rule first in the Subject', () => {
    expect(emailSubject(violation({ title: 'T'.repeat(500) }))).toMatch(
      /^\[critical\] NEW_VIOLATION prod-a VPC_ENDPOINTS_PRESENT: T+\.\.\.$/,
    );
  });
});

describe('message attributes', () => {
  it('carry the six routing attributes as Strings', () => {
    expect(alertAttributes(resolved({ severity: 'low' }))).toEqual({
      severity: { DataType: 'String', StringValue: 'low' },
      ruleId: { DataType: 'String', StringValue: 'VPC_ENDPOINTS_PRESENT' },
      transition: { DataType: 'String', StringValue: 'RESOLVED' },
      accountId: { DataType: 'String', StringValue: '111122223333' },
      region: { DataType: 'String', StringValue: 'cn-northwest-1' },
      clusterName: { DataType: 'String', StringValue: 'prod-a' },
    });
  });

  it('never sends an empty value (SNS rejects it)', () => {
    expect(alertAttributes(violation({ clusterName: '' })).clusterName.StringValue).toBe('unknown');
  });
});

describe('size limits', () => {
  const huge = violation({
    title: HUGE_TEXT,
    annotation: HUGE_TEXT,
    remediation: HUGE_TEXT,
    clusterName: HUGE_TEXT,
    clusterArn: HUGE_TEXT,
    accountId: HUGE_TEXT,
    actor: {
      userIdentityArn: HUGE_TEXT,
      sourceIPAddress: HUGE_TEXT,
      eventName: HUGE_TEXT,
      eventTime: HUGE_TEXT,
      eventID: HUGE_TEXT,
    },
  });
  // JSON escapes control characters as \u00XX: 6 bytes per code point, the worst case.
  const controls = violation({ annotation: '\u0001'.repeat(500_000), remediation: '\u0002'.repeat(500_000) });

  it.each([
    ['huge emoji fields', huge],
    ['control characters', controls],
  ])('both messages stay under 256 KB with %s', (_, t) => {
    const attributes = alertAttributes(t);
    const chat = publishSizeBytes({ Message: chatMessageBody(t), MessageAttributes: attributes });
    const email = publishSizeBytes({
      Message: emailBody(t),
      Subject: emailSubject(t),
      MessageAttributes: attributes,
    });
    expect(chat).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
    expect(email).toBeLessThan(SNS_MAX_MESSAGE_BYTES);
  });

  it('truncates the annotation visibly and keeps the message valid JSON and valid UTF-8', () => {
    const body = chatMessageBody(huge);
    const parsed = JSON.parse(body) as ReturnType<typeof buildChatNotification>;
    expect(parsed.content.description).toContain('…');
    expect(Buffer.from(body, 'utf8').toString('utf8')).toBe(body);
    expect(body).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone high surrogate
  });

  it('truncateChars counts code points, so it never splits a surrogate pair', () => {
    expect(truncateChars('😀😀😀', 2)).toBe('😀…');
    expect(truncateChars('😀😀', 2)).toBe('😀😀');
    expect(truncateChars('abcdef', 5, '...')).toBe('ab...');
  });

  it('leaves a normal alert untouched', () => {
    const t = violation();
    expect(buildChatNotification(t).content.description).toContain(t.annotation);
    expect(emailBody(t)).not.toContain('…');
  });
});
