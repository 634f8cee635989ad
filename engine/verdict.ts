import { joinAnnotation, type Outcome } from './findings';
import type { Tri } from '../network/tri';

interface Note {
  message: string;
  offenders: readonly string[];
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
    this.violations.push({ message, offenders });
    return this;
  }

  /** Something the snapshot does not show; `message` says what is missing. */
  unknown(message: string, ...offenders: string[]): this {
    this.unknowns.push({ message, offenders });
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
    return { compliance: 'COMPLIANT', annotation: joinAnnotation([compliantAnnotation]), offenders: [] };
  }
}

function build(compliance: Outcome['compliance'], notes: readonly Note[]): Outcome {
  const messages = [...new Set(notes.map((n) => n.message))];
  const offenders = [...new Set(notes.flatMap((n) => n.offenders))];
  return { compliance, annotation: joinAnnotation(messages), offenders };
}
