/**
 * The log port the drivers write to: the Lambdas back it with the Powertools Logger (lambda/powertools.ts),
 * tests with a recorder. Details are structured fields, never interpolated into the message.
 */
export interface GuardLogger {
  info(message: string, details?: Record<string, unknown>): void;
  warn(message: string, details?: Record<string, unknown>): void;
}
