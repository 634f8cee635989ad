/** Per-operation counts of one collection, for logs, the CLI's --debug and the benchmark. */
export interface LedgerEntry {
  /** Requests the collector made (one per page). */
  calls: number;
  /** HTTP attempts, retries included (`$metadata.attempts`; 1 per call when unknown). */
  attempts: number;
  /** Time the SDK's retry strategy waited (`$metadata.totalRetryDelay`). */
  retryDelayMs: number;
  /** Time spent waiting for the client-side rate limiter before sending. */
  pacedMs: number;
  /**
   * Time from sending to the answer, retries included: unlike retryDelayMs it also holds
   * the SDK's adaptive rate limiter's waits after a throttle.
   */
  elapsedMs: number;
}

export type CallCost = Omit<LedgerEntry, 'calls'>;

/**
 * Counts every AWS call of a collection by `service:Operation` (the IAM action's spelling),
 * so the number of calls is measured, not assumed.
 */
export class CallLedger {
  private readonly entries = new Map<string, LedgerEntry>();

  record(action: string, cost: CallCost): void {
    const entry = this.entries.get(action) ?? {
      calls: 0,
      attempts: 0,
      retryDelayMs: 0,
      pacedMs: 0,
      elapsedMs: 0,
    };
    entry.calls += 1;
    entry.attempts += cost.attempts;
    entry.retryDelayMs += cost.retryDelayMs;
    entry.pacedMs += cost.pacedMs;
    entry.elapsedMs += cost.elapsedMs;
    this.entries.set(action, entry);
  }

  get(action: string): LedgerEntry | undefined {
    return this.entries.get(action);
  }

  /** Entries sorted by action, e.g. `ec2:DescribeSubnets`. */
  toJSON(): Record<string, LedgerEntry> {
    return Object.fromEntries([...this.entries].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  get totalCalls(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.calls;
    return total;
  }

  get totalAttempts(): number {
    let total = 0;
    for (const entry of this.entries.values()) total += entry.attempts;
    return total;
  }
}
