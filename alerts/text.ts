/** Text helpers shared by the message builders: bounded, code-point-safe truncation. */

export const ELLIPSIS = '…';

/**
 * At most `maxChars` code points; a cut text ends with an ellipsis. Counting code points
 * (not UTF-16 units) never splits a surrogate pair, which would make the string invalid UTF-8.
 */
export function truncateChars(text: string, maxChars: number, ellipsis = ELLIPSIS): string {
  // UTF-16 length bounds the code-point count from above: short texts skip the walk.
  if (text.length <= maxChars) return text;
  const keep = Math.max(0, maxChars - Array.from(ellipsis).length);
  let count = 0;
  let end = 0;
  for (const point of text) {
    if (count === maxChars) return text.slice(0, cutAt(text, keep)) + ellipsis;
    count++;
    end += point.length;
  }
  return text.slice(0, end);
}

/** UTF-16 offset just after the first `points` code points. */
function cutAt(text: string, points: number): number {
  let offset = 0;
  let count = 0;
  for (const point of text) {
    if (count === points) break;
    offset += point.length;
    count++;
  }
  return offset;
}

/** One line of printable ASCII (SNS Subject rules): other characters become `?`, whitespace runs one space. */
export function toAsciiLine(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
}

export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}
