import { joinAnnotation, UNRESOLVED_FIX, type Detail, type Outcome } from './findings';
import type { Tri } from '../network/tri';
import { resourceTypeOf } from '../fixes/resource-types';

interface Note {
  message: string;
  offenders: readonly string[];
  /** What `because` attached; undefined: one detail per offender, from the message. */
  details: Detail[] | undefined;
}

/**
 * Collects a rule's checks for one cluster and turns them into an outcome the SPEC §4
 * way: any definite violation → NON_COMPLIANT; else any unknown → INSUFFICIENT_DATA;
 * else COMPLIANT. A rule states each check once; it never decides the compliance itself.
 */
export class Verdict {
  private readonly violations: Note[] = [];
  private readonly unknowns: Note[] = [];

  /** A definite violation. `message` names the offending ids and says what is wrong. */
  fail(message: string, ...offenders: string[]): this {
    this.last = { message, offenders, details: undefined };
    this.violations.push(this.last);
    return this;
  }

  /** Something the snapshot does not show; `message` says what is missing. */
  unknown(message: string, ...offenders: string[]): this {
    this.last = { message, offenders, details: undefined };
    this.unknowns.push(this.last);
    return this;
  }

  private last: Note | undefined;

  /**
   * The details behind the last `fail` or `unknown`: one per offending resource or flow, each
   * with its fix. A note without them gets one detail per offender, its message as the problem
   * and the rule's remediation as the fix (the engine fills that in).
   */
  because(...details: Detail[]): this {
    if (!this.last) throw new Error('Verdict.because before any fail or unknown');
    (this.last.details ??= []).push(...details);
    return this;
  }

  /** Records a three-valued check: false → `fail`, unknown → `unknown` (`unknownMessage` or the same words). */
  check(value: Tri, failMessage: string, offenders: readonly string[], unknownMessage?: string): Tri {
    if (value === false) this.fail(failMessage, ...offenders);
    else if (value === null) this.unknown(unknownMessage ?? `cannot tell: ${failMessage}`, ...offenders);
    return value;
  }

  get hasViolations(): boolean {
    return this.violations.length > 0;
  }

  outcome(compliantAnnotation: string): Outcome {
    if (this.violations.length > 0) return build('NON_COMPLIANT', this.violations);
    if (this.unknowns.length > 0) return build('INSUFFICIENT_DATA', this.unknowns);
    return {
      compliance: 'COMPLIANT',
      annotation: joinAnnotation([compliantAnnotation]),
      offenders: [],
      details: [],
    };
  }
}

/** The details a note stands for: its own, or one per offender (one for the cluster if none). */
function detailsOf(note: Note): Detail[] {
  if (note.details) return note.details;
  const ids = note.offenders.length > 0 ? note.offenders : [''];
  return ids.map((id) => ({
    resourceId: id,
    resourceType: resourceTypeOf(id),
    problem: note.message,
    fix: UNRESOLVED_FIX,
  }));
}

function build(compliance: Outcome['compliance'], notes: readonly Note[]): Outcome {
  const messages = [...new Set(notes.map((n) => n.message))];
  const offenders = [...new Set(notes.flatMap((n) => n.offenders))];
  const details: Detail[] = [];
  const seen = new Set<string>();
  for (const note of notes) {
    for (const detail of detailsOf(note)) {
      // The same resource and problem reached from two checks is one thing to fix.
      const key = `${detail.resourceId}\n${detail.problem}`;
      if (seen.has(key)) continue;
      seen.add(key);
      details.push(detail);
    }
  }
  return { compliance, annotation: joinAnnotation(messages), offenders, details };
}
