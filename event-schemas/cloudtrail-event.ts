/**
 * The EventBridge "AWS API Call via CloudTrail" envelope the drift rule delivers (SPEC §8), read with one lenient
 * zod schema: every field the drift path uses is optional and a wrong-typed one reads as absent, because a
 * malformed or unexpected event must still lead to a check (the whole Region, always correct) rather than a thrown
 * invocation that re-checks nothing. The API-specific `requestParameters`/`responseElements` stay `unknown` and
 * are read with readField (drift/affected-resources.ts).
 */
import type { EventBridgeEvent } from 'aws-lambda';
import * as z from 'zod';
import type { Actor } from '../alerts/transition';

/** A non-empty string, or undefined for anything else (absent, empty, wrong type). */
const text = z.string().min(1).optional().catch(undefined);

const CloudTrailDetailSchema = z.looseObject({
  eventName: text,
  eventSource: text,
  awsRegion: text,
  eventTime: text,
  eventID: text,
  sourceIPAddress: text,
  errorCode: text,
  userIdentity: z.looseObject({ arn: text, type: text }).optional().catch(undefined),
  requestParameters: z.unknown(),
  responseElements: z.unknown(),
});

const CloudTrailEventSchema = z.looseObject({
  id: text,
  region: text,
  account: text,
  'detail-type': text,
  detail: CloudTrailDetailSchema.optional().catch(undefined),
});

export type CloudTrailDetail = z.output<typeof CloudTrailDetailSchema>;

/** The drift function's EventBridge trigger, in @types/aws-lambda's envelope type. */
export type CloudTrailApiCallEvent = EventBridgeEvent<'AWS API Call via CloudTrail', CloudTrailDetail>;

export interface CloudTrailCall {
  /** `detail.awsRegion`, else the envelope's `region`. */
  region: string | undefined;
  /** undefined when the event has no readable `detail` at all. */
  detail: CloudTrailDetail | undefined;
  actor: Actor;
}

const UNKNOWN = 'unknown';

/** Reads any value as a CloudTrail call; never throws. */
export function readCloudTrailEvent(event: unknown): CloudTrailCall {
  const parsed = CloudTrailEventSchema.safeParse(event);
  // Only a non-object fails the schema (every field catches): it carries nothing to read.
  const envelope = parsed.success ? parsed.data : undefined;
  const detail = envelope?.detail;
  return {
    region: detail?.awsRegion ?? envelope?.region,
    detail,
    actor: {
      userIdentityArn: detail?.userIdentity?.arn ?? UNKNOWN,
      sourceIPAddress: detail?.sourceIPAddress ?? UNKNOWN,
      eventName: detail?.eventName ?? UNKNOWN,
      eventTime: detail?.eventTime ?? UNKNOWN,
      eventID: detail?.eventID ?? UNKNOWN,
    },
  };
}
