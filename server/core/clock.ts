/** The fake's notion of now, in Unix milliseconds. Task status is computed from it, never stored. */
import { UNIX_SECONDS_LIMIT } from "../../contract/schemas.js";

export interface Clock {
  readonly kind: "system" | "manual";
  now(): number;
}

/** A clock that only moves when told to: tests advance it instead of sleeping. */
export interface ManualClock extends Clock {
  readonly kind: "manual";
  /** Moves the clock forward by `ms` (never backwards, never past LATEST_CLOCK_MS); the new time. */
  advance(ms: number): number;
}

/** The latest time a clock may show: one ms later, `created` would no longer be Unix seconds. */
export const LATEST_CLOCK_MS = UNIX_SECONDS_LIMIT * 1000 - 1;

/**
 * Why a clock at `now` cannot advance by `ms`, or undefined when it can.
 *
 * @example advanceProblem(Date.now(), 1e308) // "advancing by 1e+308 ms would take the clock past …"
 */
export function advanceProblem(now: number, ms: number): string | undefined {
  if (!Number.isFinite(ms) || ms < 0) {
    return `a clock advances by a finite, non-negative number of ms, not ${ms}`;
  }
  if (ms > LATEST_CLOCK_MS - now) {
    return `advancing by ${ms} ms would take the clock past ${new Date(LATEST_CLOCK_MS).toISOString()}, the latest time the API's created (Unix seconds) can show; from ${new Date(now).toISOString()} it can advance at most ${LATEST_CLOCK_MS - now} ms`;
  }
  return undefined;
}

export const systemClock: Clock = { kind: "system", now: () => Date.now() };

/**
 * A manual clock starting at `start` (default: the real time now, so timestamps look plausible).
 *
 * @example const clock = createManualClock(); clock.advance(5_000);
 */
export function createManualClock(start: number = Date.now()): ManualClock {
  if (!Number.isFinite(start) || start < 0 || start > LATEST_CLOCK_MS) {
    throw new RangeError(`a clock starts between 0 and ${LATEST_CLOCK_MS} ms, not at ${start}`);
  }
  let now = start;
  return {
    kind: "manual",
    now: () => now,
    advance(ms) {
      const problem = advanceProblem(now, ms);
      if (problem !== undefined) throw new RangeError(problem);
      now += ms;
      return now;
    },
  };
}

export const isManualClock = (clock: Clock): clock is ManualClock => clock.kind === "manual";
