/**
 * Caps for the free-text fields of a Transition. Rule annotations are ≤ 256 characters
 * (SPEC §4) and remediation texts a few hundred, so these only bite on malformed input; they
 * keep every message far below the 256 KB SNS limit whatever a caller passes, even after JSON
 * escaping (≤ 6 bytes per code point) and with all fields at their cap.
 */
export const MAX_ANNOTATION_CHARS = 4_000;
export const MAX_REMEDIATION_CHARS = 2_000;
export const MAX_TITLE_CHARS = 200;
/** Actor fields and identifiers: ARNs are ≤ 2,048 characters, the rest much shorter. */
export const MAX_FIELD_CHARS = 2_048;

/**
 * SNS Publish: message, subject and attributes together at most 262,144 bytes, counted as UTF-8
 * ("256 KB (262,144 bytes, not 262,144 characters)", Publish API reference; "All parts of the
 * message attribute, including name, type, and value, are included in the message size
 * restriction", MessageAttributeValue). A topic's MaximumMessageSize can raise it (SNS
 * "Publishing large messages"); 262,144 is the default and what we build to.
 */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** SNS Subject: ASCII, no line breaks, fewer than 100 characters. */
export const SNS_MAX_SUBJECT_CHARS = 99;
/**
 * What the email body leaves unused below the SNS limit when it fills up with fix details: room
 * for a message attribute or a line added later without re-deriving every budget.
 */
export const EMAIL_HEADROOM_BYTES = 4_096;

/**
 * AWS Chatbot (Amazon Q Developer in chat applications) custom notifications, "Custom
 * notifications" guide (docs.aws.amazon.com/chatbot/latest/adminguide/custom-notifs.html):
 * `title` up to 250 and `description` up to 8,000 characters. Both figures are as quoted from
 * that page by public code; the stored copy we could read ends before its parameter table.
 */
export const CHATBOT_MAX_TITLE_CHARS = 250;
export const CHATBOT_MAX_DESCRIPTION_CHARS = 8_000;
/**
 * `nextSteps`: no documented cap on their number or length was found. AWS Chatbot renders them
 * into the chat platform's markdown, and in Slack a section block's text is at most 3,000
 * characters, so all next steps together stay within that (the fix details, the note on left-out
 * ones, the remediation and the console link), and at most this many are fix details.
 */
export const CHATBOT_NEXT_STEPS_MAX_CHARS = 3_000;
export const CHATBOT_MAX_DETAIL_STEPS = 10;

/**
 * Slack Block Kit (docs.slack.dev/reference/block-kit/blocks): at most 50 blocks in a message;
 * a header block's text at most 150 characters; a section block's text at most 3,000 (Slack
 * rejects more with "must be less than 3001 characters").
 */
export const SLACK_MAX_BLOCKS = 50;
export const SLACK_HEADER_MAX_CHARS = 150;
export const SLACK_SECTION_MAX_CHARS = 3_000;
/**
 * The text of all blocks together. Slack rejects long messages with `msg_blocks_too_long` at an
 * undocumented cumulative size: a Slack engineer gave "12,000 text characters with a buffer for
 * block containers" (slackapi/bolt-js#2509), and a post of 11,341 text characters was rejected
 * (slackapi/bolt-js#2867). 10,000 stays below both.
 */
export const SLACK_MAX_TEXT_CHARS = 10_000;

/** Items that fit a budget whole, in their order, and how many did not. */
export interface Fitted<T> {
  shown: T[];
  leftOut: number;
}

/**
 * Picks whole items, in order, while their costs fit `budget` and at most `maxItems` of them;
 * an item that does not fit is passed over (a later, smaller one may still fit) and counted.
 * `cost` answers undefined for an item the channel cannot show as it is. Nothing is ever cut:
 * a fix shown in part (half a command, one of two commands) is worse than one not shown.
 */
export function fitWhole<T>(
  items: readonly T[],
  cost: (item: T) => number | undefined,
  budget: number,
  maxItems = Number.POSITIVE_INFINITY,
): Fitted<T> {
  const shown: T[] = [];
  let left = budget;
  for (const item of items) {
    if (shown.length >= maxItems) break;
    const c = cost(item);
    if (c === undefined || c > left) continue;
    shown.push(item);
    left -= c;
  }
  return { shown, leftOut: items.length - shown.length };
}
