import type { Clock } from "./clock.js";
import type { RateLimit } from "./options.js";

/** A fixed-window limit per key, on the fake's clock. */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();
  #lastSweep: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {
    this.#lastSweep = clock.now();
  }

  /** Counts one request; when over the limit, how many seconds until the window resets. */
  take(keyId: string): { ok: true } | { ok: false; retryAfterS: number } {
    const now = this.clock.now();
    this.#sweep(now);
    const current = this.#windows.get(keyId);
    const window =
      current && now - current.start < this.limit.windowMs ? current : { start: now, count: 0 };
    window.count += 1;
    this.#windows.set(keyId, window);
    if (window.count <= this.limit.limit) return { ok: true };
    return {
      ok: false,
      retryAfterS: Math.max(1, Math.ceil((window.start + this.limit.windowMs - now) / 1000)),
    };
  }

  /** How many keys have a window open: those seen within the last two windows at most. */
  get size(): number {
    return this.#windows.size;
  }

  reset(): void {
    this.#windows.clear();
  }

  // At most once a window, forget the windows that have ended: memory follows the keys seen
  // lately, not every key ever seen, at a cost that stays O(1) per request on average.
  #sweep(now: number): void {
    if (now - this.#lastSweep < this.limit.windowMs) return;
    this.#lastSweep = now;
    for (const [keyId, window] of this.#windows) {
      if (now - window.start >= this.limit.windowMs) this.#windows.delete(keyId);
    }
  }
}
