/**
 * The AWS Config custom Lambda rule event (Config developer guide, "Example Events for AWS Config Rules"): the
 * envelope carries `invokingEvent` and `ruleParameters` as JSON strings, which are parsed here into one of the three
 * notification kinds the evaluator handles.
 */
import { ConfigEventError } from './errors';

type Json = Record<string, unknown>;

export interface ConfigRuleEvent {
  invokingEvent: string;
  ruleParameters?: string;
  resultToken: string;
  eventLeftScope?: boolean;
  executionRoleArn?: string;
  configRuleArn?: string;
  configRuleName: string;
  configRuleId?: string;
  accountId?: string;
  version?: string;
}

/** The configuration item fields the evaluator reads (full item or oversized summary). */
export interface ItemFacts {
  resourceType: string;
  resourceId: string;
  /** ResourceDeleted, ResourceDeletedNotRecorded, OK, ResourceDiscovered, … */
  status: string | undefined;
  captureTime: Date | undefined;
  /** The item itself; undefined for an oversized summary, which is never trusted for content. */
  item: Json | undefined;
}

export type Notification =
  | { kind: 'change'; resource: ItemFacts; orderingTimestamp: Date }
  | { kind: 'oversized'; resource: ItemFacts; orderingTimestamp: Date }
  | { kind: 'scheduled'; orderingTimestamp: Date };

export interface ParsedEvent {
  configRuleName: string;
  resultToken: string;
  eventLeftScope: boolean;
  /** name → text, exactly as the rule's InputParameters hold them. */
  ruleParameters: Record<string, string>;
  notification: Notification;
  /** The account that owns the rule (a member's, for an organization rule); absent when the event has none. */
  accountId?: string;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: unknown, field: string): Json {
  if (text === undefined || text === null || text === '') return {};
  if (typeof text !== 'string') throw new ConfigEventError(`${field}: expected a JSON string`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigEventError(`${field}: not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(value)) throw new ConfigEventError(`${field}: expected a JSON object`);
  return value;
}

function time(value: unknown): Date | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function itemFacts(item: unknown, field: string, keepItem: boolean): ItemFacts {
  if (!isObject(item)) throw new ConfigEventError(`invokingEvent.${field}: missing`);
  const resourceType = text(item.resourceType);
  const resourceId = text(item.resourceId);
  if (!resourceType || !resourceId) {
    throw new ConfigEventError(`invokingEvent.${field}: resourceType and resourceId are required`);
  }
  return {
    resourceType,
    resourceId,
    status: text(item.configurationItemStatus),
    captureTime: time(item.configurationItemCaptureTime),
    item: keepItem ? item : undefined,
  };
}

function ruleParametersOf(raw: unknown): Record<string, string> {
  const parsed = parseJsonObject(raw, 'ruleParameters');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed)) {
    // InputParameters are strings; a number or boolean typed into the console is taken as its text.
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    else throw new ConfigEventError(`ruleParameters.${name}: expected a string`);
  }
  return out;
}

/** Parses the Lambda event; anything malformed throws ConfigEventError naming the field. */
export function parseConfigRuleEvent(event: unknown, now: () => Date = () => new Date()): ParsedEvent {
  if (!isObject(event)) throw new ConfigEventError('event: expected an AWS Config rule event object');
  const configRuleName = text(event.configRuleName);
  if (!configRuleName) throw new ConfigEventError('configRuleName: missing');
  const resultToken = text(event.resultToken);
  if (!resultToken) throw new ConfigEventError('resultToken: missing');
  const accountId = text(event.accountId);
  const invoking = parseJsonObject(event.invokingEvent, 'invokingEvent');
  const created = time(invoking.notificationCreationTime);
  const messageType = invoking.messageType;
  let notification: Notification;
  if (messageType === 'ConfigurationItemChangeNotification') {
    const resource = itemFacts(invoking.configurationItem, 'configurationItem', true);
    notification = { kind: 'change', resource, orderingTimestamp: resource.captureTime ?? created ?? now() };
  } else if (messageType === 'OversizedConfigurationItemChangeNotification') {
    const resource = itemFacts(invoking.configurationItemSummary, 'configurationItemSummary', false);
    notification = {
      kind: 'oversized',
      resource,
      orderingTimestamp: resource.captureTime ?? created ?? now(),
    };
  } else if (messageType === 'ScheduledNotification') {
    notification = { kind: 'scheduled', orderingTimestamp: created ?? now() };
  } else {
    throw new ConfigEventError(`invokingEvent.messageType: unsupported ${JSON.stringify(messageType)}`);
  }
  return {
    configRuleName,
    resultToken,
    eventLeftScope: event.eventLeftScope === true,
    ruleParameters: ruleParametersOf(event.ruleParameters),
    notification,
    ...(accountId === undefined ? {} : { accountId }),
  };
}
