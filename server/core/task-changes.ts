import { finishedAt, IMAGE_LIFETIME_MS, type TaskPlan } from "./tasks.js";

/**
 * Plans that a task id cannot hold, by the task's image name: a plan changed after the create
 * (`PATCH /__fake/tasks/{id}`) or an error text no slot could take. At most `max` at once; each is
 * dropped once its task's image has expired, and past `max` live ones a new one is refused.
 */
export class TaskChanges {
  readonly #plans = new Map<string, { readonly createdMs: number; readonly plan: TaskPlan }>();

  constructor(readonly max: number) {}

  get(name: string): TaskPlan | undefined {
    return this.#plans.get(name)?.plan;
  }

  /**
   * Keeps a task's plan; false when `max` plans of tasks that still matter are kept already.
   *
   * @example changes.set(name, task.createdMs, plan, clock.now()) // true
   */
  set(name: string, createdMs: number, plan: TaskPlan, now: number): boolean {
    if (!this.#plans.has(name) && this.#plans.size >= this.max) {
      for (const [held, entry] of this.#plans) {
        if (now >= finishedAt({ createdMs: entry.createdMs, plan: entry.plan }) + IMAGE_LIFETIME_MS)
          this.#plans.delete(held);
      }
      if (this.#plans.size >= this.max) return false;
    }
    this.#plans.set(name, { createdMs, plan });
    return true;
  }

  get size(): number {
    return this.#plans.size;
  }
}
