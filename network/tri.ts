/**
 * Three-valued logic (SPEC §4 step 5): a check is true, false, or unknown (`null`) when
 * the snapshot does not hold what it would need. Kleene semantics, so an unknown never
 * hides a definite answer: `and(false, null)` is false, `or(true, null)` is true.
 * It imports nothing, and lives in network/ (whose checks answer this way) so that engine/
 * (verdicts) and rules/ use it from below without network/ importing engine/.
 */
export type Tri = boolean | null;

export const UNKNOWN = null;

export function and(...values: Tri[]): Tri {
  if (values.includes(false)) return false;
  return values.includes(null) ? null : true;
}

export function or(...values: Tri[]): Tri {
  if (values.includes(true)) return true;
  return values.includes(null) ? null : false;
}

export function not(value: Tri): Tri {
  return value === null ? null : !value;
}

/** A scalar the rule reads: absent is unknown, never a default. */
export function known(value: boolean | undefined): Tri {
  return value === undefined ? null : value;
}
