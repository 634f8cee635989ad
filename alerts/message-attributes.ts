import type { MessageAttributeValue } from '@aws-sdk/client-sns';
import { boundTransition } from './summary';
import { utf8Bytes } from './text';
import type { Transition } from './transition';

export type AlertAttributeName =
  'severity' | 'ruleId' | 'transition' | 'accountId' | 'region' | 'clusterName';

/**
 * SNS message attributes for subscription filter policies (e.g. page only on critical).
 * SNS rejects an empty attribute value, so a missing value is sent as "unknown".
 */
export function alertAttributes(input: Transition): Record<AlertAttributeName, MessageAttributeValue> {
  const t = boundTransition(input);
  const attr = (value: string): MessageAttributeValue => ({
    DataType: 'String',
    StringValue: value || 'unknown',
  });
  return {
    severity: attr(t.severity),
    ruleId: attr(t.ruleId),
    transition: attr(t.kind),
    accountId: attr(t.accountId),
    region: attr(t.region),
    clusterName: attr(t.clusterName),
  };
}

/** What SNS counts against its size limit: body, subject and every attribute's name, type and value. */
export function publishSizeBytes(input: {
  Message: string;
  Subject?: string;
  MessageAttributes?: Record<string, MessageAttributeValue>;
}): number {
  let bytes = utf8Bytes(input.Message) + utf8Bytes(input.Subject ?? '');
  for (const [name, value] of Object.entries(input.MessageAttributes ?? {})) {
    bytes += utf8Bytes(name) + utf8Bytes(value.DataType ?? '') + utf8Bytes(value.StringValue ?? '');
  }
  return bytes;
}
