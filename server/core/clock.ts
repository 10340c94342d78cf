/** The fake's notion of now, in Unix milliseconds. Task status is computed from it, never stored. */
export interface Clock {
  readonly kind: "system" | "manual";
  now(): number;
}

/** A clock that only moves when told to: tests advance it instead of sleeping. */
export interface ManualClock extends Clock {
  readonly kind: "manual";
  /** Moves the clock forward by `ms` (never backwards) and returns the new time. */
  advance(ms: number): number;
}

export const systemClock: Clock = { kind: "system", now: () => Date.now() };

/**
 * A manual clock starting at `start` (default: the real time now, so timestamps look plausible).
 *
 * @example const clock = createManualClock(); clock.advance(5_000);
 */
export function createManualClock(start: number = Date.now()): ManualClock {
  let now = start;
  return {
    kind: "manual",
    now: () => now,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`a clock advances by a finite, non-negative number of ms, not ${ms}`);
      }
      now += ms;
      return now;
    },
  };
}

export const isManualClock = (clock: Clock): clock is ManualClock => clock.kind === "manual";
