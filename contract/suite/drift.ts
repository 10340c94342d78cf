/**
 * Drift: where the target differs from what the fake assumes (never from what is documented,
 * which fails the run instead). Every observation is kept, so the report also shows what matched.
 */
import { isDeepStrictEqual } from "node:util";

export interface Observation {
  /** The assumed behaviour, e.g. `rejection: invalid_request`. */
  readonly behaviour: string;
  /** What was probed, e.g. the request case. */
  readonly subject: string;
  readonly assumed: unknown;
  readonly observed: unknown;
  readonly matches: boolean;
}

/**
 * Every observation of assumed behaviour in a run, drifted or matched.
 *
 * @example drift.observe("status at create", "the provider's example", "queued", created.status);
 */
export class DriftLog {
  readonly #observations: Observation[] = [];

  /** Records one observation; the same behaviour, subject and answer seen again is kept once. */
  observe(
    behaviour: string,
    subject: string,
    assumed: unknown,
    observed: unknown,
    matches = isDeepStrictEqual(assumed, observed),
  ): void {
    const seen = this.#observations.some(
      (o) =>
        o.behaviour === behaviour &&
        o.subject === subject &&
        isDeepStrictEqual(o.observed, observed),
    );
    if (!seen) this.#observations.push({ behaviour, subject, assumed, observed, matches });
  }

  drifted(): Observation[] {
    return this.#observations.filter((observation) => !observation.matches);
  }

  matched(): Observation[] {
    return this.#observations.filter((observation) => observation.matches);
  }
}
