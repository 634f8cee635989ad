/**
 * The one defensive reader for fields of events whose inner shapes vary by API and over time (CloudTrail
 * `requestParameters`/`responseElements`, AWS Config configuration items): a path that is missing, or runs through
 * anything but a plain object, reads as undefined instead of throwing. Only own properties are followed, so a
 * field named `constructor` or `__proto__` in an event can never reach the prototype chain.
 */
export function readField(value: unknown, ...path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
