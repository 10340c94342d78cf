/**
 * Drift as the proxy counts it: every observation of assumed behaviour, the same behaviour, subject
 * and value counted once with how many times it was seen. Bounded, whatever the traffic: a few
 * values per behaviour and subject, a cap on rows, and a count of what was left unlisted.
 */
import { isDeepStrictEqual } from "node:util";
import type { Observation } from "../../contract/suite/drift.js";
import type { DriftObserver } from "../../contract/suite/lifecycle-drift.js";

export interface CountedObservation extends Observation {
  readonly times: number;
}

/** Distinct values listed per behaviour and subject (timings differ at every task). */
const VALUES_LISTED = 5;
/** Rows listed in all. */
const ROWS_LISTED = 1000;

export class CountedDrift implements DriftObserver {
  readonly #rows = new Map<string, Observation & { times: number }>();
  readonly #valuesPer = new Map<string, number>();
  #unlisted = { drifted: 0, matched: 0 };

  observe(
    behaviour: string,
    subject: string,
    assumed: unknown,
    observed: unknown,
    matches = isDeepStrictEqual(assumed, observed),
  ): void {
    const group = `${behaviour}\u0000${subject}`;
    const key = `${group}\u0000${JSON.stringify(observed) ?? "undefined"}`;
    const row = this.#rows.get(key);
    if (row) {
      row.times += 1;
      return;
    }
    const values = this.#valuesPer.get(group) ?? 0;
    if (values >= VALUES_LISTED || this.#rows.size >= ROWS_LISTED) {
      if (matches) this.#unlisted.matched += 1;
      else this.#unlisted.drifted += 1;
      return;
    }
    this.#valuesPer.set(group, values + 1);
    this.#rows.set(key, { behaviour, subject, assumed, observed, matches, times: 1 });
  }

  /** Where the target differed from the fake's assumptions. */
  drifted(): CountedObservation[] {
    return [...this.#rows.values()].filter((row) => !row.matches).map((row) => ({ ...row }));
  }

  /** Where it did as the fake assumes. */
  matched(): CountedObservation[] {
    return [...this.#rows.values()].filter((row) => row.matches).map((row) => ({ ...row }));
  }

  /** Observations past the caps: counted here, not listed. */
  unlisted(): { drifted: number; matched: number } {
    return { ...this.#unlisted };
  }
}
