/**
 * The most tasks a run may create. A create that might make a task holds a place first; a create
 * that was rejected gives it back, so the run never creates more tasks than allowed.
 */
export class TaskBudget {
  #held = 0;

  constructor(readonly max: number) {}

  get used(): number {
    return this.#held;
  }

  /** Holds a place for one create; false when none is left. */
  hold(): boolean {
    if (this.#held >= this.max) return false;
    this.#held += 1;
    return true;
  }

  /** Gives a place back: the create it was held for made no task. */
  release(): void {
    this.#held = Math.max(0, this.#held - 1);
  }
}
