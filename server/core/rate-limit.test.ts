import { describe, expect, it } from "vitest";
import { createManualClock } from "./clock.js";
import { RateLimiter } from "./rate-limit.js";

describe("rate limiter", () => {
  it("forgets the windows of keys that have gone quiet, keeping the ones still counting", () => {
    const clock = createManualClock(0);
    const limiter = new RateLimiter({ limit: 2, windowMs: 1000 }, clock);
    for (let i = 0; i < 10_000; i += 1) limiter.take(`key_${i}`);
    expect(limiter.size).toBe(10_000);
    clock.advance(500);
    limiter.take("busy");
    limiter.take("busy");
    clock.advance(600);
    // The 10,000 windows have ended; "busy" is still inside its own.
    expect(limiter.take("busy")).toEqual({ ok: false, retryAfterS: 1 });
    expect(limiter.size).toBe(1);
    clock.advance(1000);
    expect(limiter.take("busy")).toEqual({ ok: true });
  });

  it("holds memory to the keys of the last two windows under a stream of new keys", () => {
    const clock = createManualClock(0);
    const limiter = new RateLimiter({ limit: 1, windowMs: 1000 }, clock);
    let most = 0;
    for (let i = 0; i < 100_000; i += 1) {
      limiter.take(`key_${i}`);
      clock.advance(10);
      most = Math.max(most, limiter.size);
    }
    // 100 new keys a window: never more than two windows' worth are held.
    expect(most).toBeLessThanOrEqual(201);
  });
});
