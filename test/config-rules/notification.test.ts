import { parseConfigRuleEvent } from '../../config-rules/notification';
import { ConfigEventError } from '../../config-rules/errors';
import { sample, withInvokingEvent } from './helpers';

describe('parseConfigRuleEvent', () => {
  it.each([
    ['config-change-notification.json', 'change', '2026-11-22T10:04:31.512Z', 'AWS::EC2::Subnet'],
    [
      'config-oversized-notification.json',
      'oversized',
      '2026-11-22T10:06:02.877Z',
      'AWS::EC2::SecurityGroup',
    ],
    ['config-scheduled-notification.json', 'scheduled', '2026-11-22T12:00:00.318Z', undefined],
  ])('%s → %s, ordered by the notification time', (file, kind, time, resourceType) => {
    const parsed = parseConfigRuleEvent(sample(file));
    expect(parsed.notification.kind).toBe(kind);
    expect(parsed.notification.orderingTimestamp.toISOString()).toBe(time);
    expect('resource' in parsed.notification ? parsed.notification.resource.resourceType : undefined).toBe(
      resourceType,
    );
    expect(parsed.resultToken).toMatch(/^eyJ/);
    expect(parsed.eventLeftScope).toBe(false);
  });

  it('keeps the full item of a change but never the summary of an oversized one', () => {
    const change = parseConfigRuleEvent(sample('config-change-notification.json')).notification;
    const oversized = parseConfigRuleEvent(sample('config-oversized-notification.json')).notification;
    expect(change.kind === 'change' && change.resource.item).toBeTruthy();
    expect(oversized.kind === 'oversized' && oversized.resource.item).toBeUndefined();
  });

  it('reads ruleParameters as name → text', () => {
    expect(parseConfigRuleEvent(sample('config-change-notification.json')).ruleParameters).toEqual({
      ruleId: 'SUBNETS_FREE_IPS',
      minFreeIps: '6',
    });
    const numeric = { ...sample('config-change-notification.json'), ruleParameters: '{"minFreeIps":16}' };
    expect(parseConfigRuleEvent(numeric).ruleParameters).toEqual({ minFreeIps: '16' });
  });

  it('falls back to notificationCreationTime when the item has no capture time', () => {
    const event = withInvokingEvent(sample('config-change-notification.json'), (invoking) => {
      delete (invoking.configurationItem as Record<string, unknown>).configurationItemCaptureTime;
    });
    expect(parseConfigRuleEvent(event).notification.orderingTimestamp.toISOString()).toBe(
      '2026-11-22T10:04:33.120Z',
    );
  });

  it.each([
    [
      'an unknown messageType',
      { invokingEvent: '{"messageType":"ConfigurationSnapshotDeliveryCompleted"}' },
      /messageType/,
    ],
    ['invokingEvent that is not JSON', { invokingEvent: '{not json' }, /invokingEvent: not valid JSON/],
    ['ruleParameters that is not JSON', { ruleParameters: '[1' }, /ruleParameters: not valid JSON/],
    [
      'a nested ruleParameters value',
      { ruleParameters: '{"minFreeIps":{"a":1}}' },
      /ruleParameters.minFreeIps/,
    ],
    ['no resultToken', { resultToken: '' }, /resultToken: missing/],
  ])('rejects %s', (_, override, message) => {
    const event = { ...sample('config-scheduled-notification.json'), ...override };
    expect(() => parseConfigRuleEvent(event)).toThrow(ConfigEventError);
    expect(() => parseConfigRuleEvent(event)).toThrow(message);
  });
});
