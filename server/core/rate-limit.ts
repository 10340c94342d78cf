import type { Clock } from "./clock.js";
import type { RateLimit } from "./options.js";

/** A fixed-window limit per key, on the fake's clock. */
export class RateLimiter {
  readonly #windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly limit: RateLimit,
    private readonly clock: Clock,
  ) {}

  /** Counts one request; when over the limit, how many seconds until the window resets. */
  take(keyId: string): { ok: true } | { ok: false; retryAfterS: number } {
    const now = this.clock.now();
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

  reset(): void {
    this.#windows.clear();
  }
}
