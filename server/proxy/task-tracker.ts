/**
 * The tasks the proxy saw created, so each poll is checked against its create (same id, created
 * and model; a status that only moves forward; nothing changes after the end) and each image
 * against its task. Bounded: the oldest tasks are let go first.
 */
import type { OpenCase } from "../../contract/create-request-rules.js";
import type {
  CompletedResult,
  CreateImageRequest,
  CreateImageResponse,
  FailedResult,
  TaskStatus,
} from "../../contract/schemas.js";

export interface TrackedTask {
  readonly created: CreateImageResponse;
  /** When its create's answer arrived, Unix ms. */
  readonly createdAt: number;
  readonly keyId: string | undefined;
  /** The body as sent, and the request it documents when the documentation decides it all. */
  readonly body: unknown;
  readonly request: CreateImageRequest | undefined;
  /** What the documentation leaves open about the request. */
  readonly open: readonly OpenCase[];
  /** What drift observations name it by. */
  readonly subject: string;
  /** The status it last answered. */
  last: TaskStatus;
  /** Its polls, since its create answered. */
  readonly steps: { afterMs: number; status: TaskStatus }[];
  final: CompletedResult | FailedResult | undefined;
}

/** Tasks followed at once; a client's working set is far smaller. */
const TASKS_KEPT = 10_000;
/** Polls kept per task, for its timings: a task polled every 2 s for an hour. */
const STEPS_KEPT = 2_000;

/** An image URL as the tracker matches it: origin and path, whatever its signature says. */
const imageKey = (url: string) => {
  try {
    const parsed = new URL(url);
    return parsed.origin + parsed.pathname;
  } catch {
    return undefined;
  }
};

export class TaskTracker {
  readonly #tasks = new Map<string, TrackedTask>();
  readonly #images = new Map<string, string>();

  /** Starts following a task its create answered. */
  add(task: TrackedTask): void {
    this.#tasks.delete(task.created.id);
    this.#tasks.set(task.created.id, task);
    if (this.#tasks.size > TASKS_KEPT) {
      const [oldest] = this.#tasks.keys();
      if (oldest !== undefined) this.#tasks.delete(oldest);
    }
  }

  get(id: string): TrackedTask | undefined {
    return this.#tasks.get(id);
  }

  /** Notes a poll's status. */
  step(task: TrackedTask, afterMs: number, status: TaskStatus): void {
    task.last = status;
    if (task.steps.length < STEPS_KEPT) task.steps.push({ afterMs, status });
  }

  /** Remembers where a completed task's image is. */
  noteImage(url: string, id: string): void {
    const key = imageKey(url);
    if (key === undefined) return;
    this.#images.set(key, id);
    if (this.#images.size > TASKS_KEPT) {
      const [oldest] = this.#images.keys();
      if (oldest !== undefined) this.#images.delete(oldest);
    }
  }

  /** The task whose image this URL is, if the proxy saw it completed. */
  imageOf(url: string): TrackedTask | undefined {
    const key = imageKey(url);
    const id = key === undefined ? undefined : this.#images.get(key);
    return id === undefined ? undefined : this.#tasks.get(id);
  }
}
