import { MAX_ANNOTATION_CHARS, MAX_FIELD_CHARS, MAX_REMEDIATION_CHARS, MAX_TITLE_CHARS } from './limits';
import { truncateChars } from './text';
import type { Actor, Transition } from './transition';

/**
 * The transition with every free-text field capped (limits.ts), so no builder can exceed a
 * size limit whatever it is given. Every message builder starts from this.
 */
export function boundTransition(t: Transition): Transition {
  const field = (text: string) => truncateChars(text, MAX_FIELD_CHARS);
  const bounded: Transition = {
    ...t,
    accountId: field(t.accountId),
    region: field(t.region),
    clusterName: field(t.clusterName),
    clusterArn: field(t.clusterArn),
    // AWS Config rule names are at most 128 characters; rule ids are shorter still.
    ruleId: truncateChars(t.ruleId, 128),
    configRuleName: truncateChars(t.configRuleName, 128),
    title: truncateChars(t.title, MAX_TITLE_CHARS),
    annotation: truncateChars(t.annotation, MAX_ANNOTATION_CHARS),
    remediation: truncateChars(t.remediation, MAX_REMEDIATION_CHARS),
  };
  if (t.actor) {
    const a: Actor = t.actor;
    bounded.actor = {
      userIdentityArn: field(a.userIdentityArn),
      sourceIPAddress: field(a.sourceIPAddress),
      eventName: field(a.eventName),
      eventTime: field(a.eventTime),
      eventID: field(a.eventID),
    };
  }
  return bounded;
}

/** "NEW_VIOLATION" reads as a state; people read "new violation" / "resolved". */
export function kindLabel(t: Transition): string {
  return t.kind === 'NEW_VIOLATION' ? 'New violation' : 'Resolved';
}

/** One sentence naming who changed what, or that the scheduled sweep found it. */
export function actorSentence(t: Transition): string {
  const a = t.actor;
  if (!a) return 'Found by the scheduled sweep; no API call is attributed to it.';
  return `${a.eventName} by ${a.userIdentityArn} from ${a.sourceIPAddress} at ${a.eventTime} (CloudTrail event ${a.eventID}).`;
}

export function findingLabel(t: Transition): string {
  return t.kind === 'NEW_VIOLATION' ? 'Finding' : 'Last finding';
}
