/**
 * Tasks and their lifecycle. A task is when it was created and its plan; its status at any time is
 * computed from the clock, never updated by a timer, so a terminal task cannot change.
 */
import type { Model, TaskResult, TaskStatus } from "../../contract/schemas.js";
import type { TaskFacts } from "./task-id.js";

export interface TaskPlan {
  readonly queuedMs: number;
  readonly processingMs: number;
  readonly outcome: "completed" | "failed";
  /** The `error` of a failed task. */
  readonly error: string;
}

/** A task as its id holds it, with its plan as the fake answers it now. */
export interface Task {
  readonly facts: TaskFacts;
  readonly model: Model;
  readonly createdMs: number;
  readonly plan: TaskPlan;
  readonly pixels: { readonly width: number; readonly height: number } | undefined;
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
const RESULT_OBJECT = "image.generation";

/** The body of the create response for a task just created. */
export function createdBody(id: string, task: Task, now: number) {
  const status = statusAt(task, now);
  return {
    id,
    object: "image" as const,
    created: unixSeconds(task.createdMs),
    model: task.model,
    // A task with no queued time is already processing when created.
    status: status === "queued" ? ("queued" as const) : ("processing" as const),
    error: null,
  };
}

/** The body of the result response for a task at time `now`; `imageUrl` is asked only once completed. */
export function resultBody(
  id: string,
  task: Task,
  now: number,
  imageUrl: () => string,
): TaskResult {
  const created = unixSeconds(task.createdMs);
  const status = statusAt(task, now);
  // Each answer written out whole: spreading a shared part, then adding to it, is V8's slow path.
  switch (status) {
    case "completed":
      return {
        id,
        object: RESULT_OBJECT,
        created,
        model: task.model,
        status,
        image_url: imageUrl(),
      };
    case "failed":
      return {
        id,
        object: RESULT_OBJECT,
        created,
        model: task.model,
        status,
        error: task.plan.error,
      };
    default:
      return { id, object: RESULT_OBJECT, created, model: task.model, status };
  }
}
