/**
 * A token bucket: `capacity` tokens, refilled at `refillPerSecond`. EC2 throttles each
 * account's API requests this way (for non-mutating Describe* actions: a bucket of 100,
 * refilled at 20 a second); pacing our own calls to the same shape keeps a large collection
 * from being throttled and backing off, which costs far more time than waiting for a token.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly capacity: number,
    readonly refillPerSecond: number,
    private readonly now: () => number = () => performance.now(),
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.tokens = capacity;
    this.last = now();
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.refillPerSecond);
    this.last = now;
  }

  /** Takes a token now if one is there; never waits (what a server-side bucket does). */
  tryTake(): boolean {
    this.refill();
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Waits for a token, first come first served; resolves to the milliseconds waited. */
  take(): Promise<number> {
    const start = this.now();
    const turn = this.queue.then(async () => {
      this.refill();
      while (this.tokens < 1) {
        await this.sleep(((1 - this.tokens) / this.refillPerSecond) * 1000);
        this.refill();
      }
      this.tokens -= 1;
    });
    this.queue = turn;
    return turn.then(() => this.now() - start);
  }
}
