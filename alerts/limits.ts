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

/** SNS Publish: message, subject and attributes together at most 262,144 bytes. */
export const SNS_MAX_MESSAGE_BYTES = 262_144;
/** SNS Subject: ASCII, no line breaks, fewer than 100 characters. */
export const SNS_MAX_SUBJECT_CHARS = 99;
