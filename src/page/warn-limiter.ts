/**
 * Rate limit for warnings a client can cause (undeclared events, bad payloads): the first few are
 * logged, then one per interval carrying how many were suppressed, so a client cannot turn a few
 * bytes into a flood of log lines.
 */
export class WarnLimiter {
  #tokens: number;
  #suppressed = 0;
  #refillAt = 0;
  readonly #burst: number;
  readonly #intervalMs: number;

  constructor(burst = 5, intervalMs = 60_000) {
    this.#burst = burst;
    this.#tokens = burst;
    this.#intervalMs = intervalMs;
  }

  /** Whether to log this one; `suppressed` is how many were dropped since the last one logged. */
  take(now = Date.now()): { log: boolean; suppressed: number } {
    if (now >= this.#refillAt && this.#tokens === 0) {
      this.#tokens = 1;
    }
    if (this.#tokens > 0) {
      this.#tokens--;
      if (this.#tokens === 0) this.#refillAt = now + this.#intervalMs;
      const suppressed = this.#suppressed;
      this.#suppressed = 0;
      return { log: true, suppressed };
    }
    this.#suppressed++;
    return { log: false, suppressed: this.#suppressed };
  }

  get burst(): number {
    return this.#burst;
  }
}
