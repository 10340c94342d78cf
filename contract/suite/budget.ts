/**
 * The most creates a run may send that could make a task, whatever the target answers. A create
 * holds a place before it is sent; the place comes back only when the answer is a recognisable
 * rejection. An answer that is not understood, a 5xx, or no answer at all keeps the place: the
 * target may have made (and billed) a task.
 */
import { type CreateOutcome, createOutcome } from "./answers.js";
import type { Answer } from "./http-client.js";

/**
 * The run's places for creates that could make a task.
 *
 * @example const budget = new TaskBudget(3); if (budget.hold()) budget.settle(await send(create));
 */
export class TaskBudget {
  #held = 0;
  #confirmed = 0;

  constructor(readonly max: number) {}

  /** Places held: creates that made, or may have made, a task. */
  get placesUsed(): number {
    return this.#held;
  }

  /** Creates the target answered with a task. */
  get tasksConfirmed(): number {
    return this.#confirmed;
  }

  /** Holds a place for one create; false when none is left. */
  hold(): boolean {
    if (this.#held >= this.max) return false;
    this.#held += 1;
    return true;
  }

  /** Gives back a place held for a create that was never sent. */
  cancel(): void {
    this.#held = Math.max(0, this.#held - 1);
  }

  /**
   * Settles the place held for a create by its answer (undefined when none came): given back only
   * for a recognisable rejection.
   *
   * @example budget.hold() && budget.settle(await client.send(create)) // "task" | "rejected" | "unrecognised"
   */
  settle(answer: Answer | undefined): CreateOutcome {
    const outcome = answer ? createOutcome(answer) : "unrecognised";
    if (outcome === "task") this.#confirmed += 1;
    if (outcome === "rejected") this.#held = Math.max(0, this.#held - 1);
    return outcome;
  }
}
