import type { Compliance } from '../engine/findings';

/** What may be stored: INSUFFICIENT_DATA is "we could not tell", never a state (SPEC §4, §7). */
export type StoredCompliance = Exclude<Compliance, 'INSUFFICIENT_DATA'>;

export const STORED_COMPLIANCE: readonly StoredCompliance[] = [
  'COMPLIANT',
  'NON_COMPLIANT',
  'NOT_APPLICABLE',
];

export type Transition = 'NEW_VIOLATION' | 'RESOLVED' | 'NONE';

export function isStoredCompliance(value: unknown): value is StoredCompliance {
  return (STORED_COMPLIANCE as readonly unknown[]).includes(value);
}

/**
 * Only entering or leaving NON_COMPLIANT pages anyone: COMPLIANT ↔ NOT_APPLICABLE is
 * recorded but silent, and a first sighting counts as coming from "not violating".
 */
export function classifyTransition(
  previous: StoredCompliance | undefined,
  next: StoredCompliance,
): Transition {
  const wasViolating = previous === 'NON_COMPLIANT';
  const isViolating = next === 'NON_COMPLIANT';
  if (isViolating && !wasViolating) return 'NEW_VIOLATION';
  if (wasViolating && !isViolating) return 'RESOLVED';
  return 'NONE';
}
