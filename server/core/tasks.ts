/**
 * Tasks and their lifecycle. A task stores when it was created and its plan; its status at any
 * time is computed from the clock, never updated by a timer, so a terminal task cannot change.
 */
import type { Model, TaskResult, TaskStatus } from "../../contract/schemas.js";

export interface TaskPlan {
  readonly queuedMs: number;
  readonly processingMs: number;
  readonly outcome: "completed" | "failed";
  /** The `error` of a failed task. */
  readonly error: string;
}

export interface Task {
  readonly id: string;
  readonly model: Model;
  readonly createdMs: number;
  plan: TaskPlan;
  readonly pixels: { readonly width: number; readonly height: number } | undefined;
  /** Identifies the picture: prompt, fake seed and task id. */
  readonly pictureSeed: string;
  /** The redacted key that created the task; only that key can query it. */
  readonly keyId: string;
  /** The request as the fake understood it, for the control API. */
  readonly request: Readonly<Record<string, unknown>>;
}

/** How long an image stays downloadable after its task completes. */
export const IMAGE_LIFETIME_MS = 24 * 60 * 60 * 1000;

export const finishedAt = (task: Pick<Task, "createdMs" | "plan">) =>
  task.createdMs + task.plan.queuedMs + task.plan.processingMs;

export function statusAt(task: Pick<Task, "createdMs" | "plan">, now: number): TaskStatus {
  if (now < task.createdMs + task.plan.queuedMs) return "queued";
  if (now < finishedAt(task)) return "processing";
  return task.plan.outcome;
}

const unixSeconds = (ms: number) => Math.floor(ms / 1000);

/** The body of the create response for a task just created. */
export function createdBody(task: Task, now: number) {
  const status = statusAt(task, now);
  return {
    id: task.id,
    object: "image" as const,
    created: unixSeconds(task.createdMs),
    model: task.model,
    // A task with no queued time is already processing when created.
    status: status === "queued" ? ("queued" as const) : ("processing" as const),
    error: null,
  };
}

/** The body of the result response for a task at time `now`. */
export function resultBody(task: Task, now: number, imageUrl: string): TaskResult {
  const base = {
    id: task.id,
    object: "image.generation" as const,
    created: unixSeconds(task.createdMs),
    model: task.model,
  };
  const status = statusAt(task, now);
  switch (status) {
    case "completed":
      return { ...base, status, image_url: imageUrl };
    case "failed":
      return { ...base, status, error: task.plan.error };
    default:
      return { ...base, status };
  }
}

/** Tasks by id, at most `maxTasks`: past that the oldest is forgotten. */
export class TaskStore {
  readonly #tasks = new Map<string, Task>();
  // Insertion order as a ring: asking the Map for its oldest key slows down as deletions pile up.
  #order: string[] = [];
  #next = 0;

  constructor(readonly maxTasks: number) {}

  add(task: Task): void {
    const oldest = this.#order[this.#next];
    if (oldest !== undefined) this.#tasks.delete(oldest);
    this.#order[this.#next] = task.id;
    this.#next = (this.#next + 1) % this.maxTasks;
    this.#tasks.set(task.id, task);
  }

  get(id: string): Task | undefined {
    return this.#tasks.get(id);
  }

  list(): Task[] {
    return [...this.#tasks.values()];
  }

  get size(): number {
    return this.#tasks.size;
  }

  clear(): void {
    this.#tasks.clear();
    this.#order = [];
    this.#next = 0;
  }
}
