/**
 * A small typed client of the API, with the polling the provider asks for: every 2–5 s, stopping
 * at completed or failed, going on through a 429 (after its `Retry-After`), a 5xx or a cut
 * connection. It never resends a create. Results at the edge: it never throws for an answer the
 * API gives.
 */
import { z } from "zod";
import { parseRetryAfter } from "./retry-after.js";
import { routes } from "./routes.js";
import {
  type CompletedResult,
  type CreateImageRequestInput,
  CreateImageResponse,
  type FailedResult,
  isFinishedTask,
  TaskResult,
} from "./schemas.js";

export type Result<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly status: number;
      readonly error: string;
      readonly body: unknown;
      /** The wait a `Retry-After` header asked for, when the answer had one. */
      readonly retryAfterMs?: number;
    };

export interface ClientOptions {
  /** Production's base URL, or the fake's (e.g. http://127.0.0.1:4010/kyyReactApiServer). */
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Any fetch: the global one, or the fake's from `createFakeFetch`. */
  readonly fetch?: typeof fetch;
}

export interface WaitOptions {
  /** Before the first poll and between polls; the provider asks for 2000–5000. */
  readonly intervalMs?: number;
  readonly timeoutMs?: number;
  /** How to wait; tests pass one that advances the fake's clock. */
  readonly sleep?: (ms: number) => Promise<void>;
  readonly onPoll?: (task: TaskResult) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * @example
 * const client = createImage2Client({ baseUrl, apiKey });
 * const created = await client.createTask({ model: "gpt-image-2", prompt: "a cat" });
 * if (created.ok) await client.waitForTask(created.value.id);
 */
export function createImage2Client(options: ClientOptions) {
  const base = options.baseUrl.replace(/\/+$/, "");
  const doFetch = options.fetch ?? fetch;
  const headers = { Authorization: `Bearer ${options.apiKey}`, "Content-Type": "application/json" };

  async function call<S extends z.ZodType>(
    schema: S,
    path: string,
    init: RequestInit,
  ): Promise<Result<z.output<S>>> {
    const res = await doFetch(base + path, { ...init, headers });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: kept as text in the failure below.
    }
    const parsed = schema.safeParse(body);
    if (res.ok && parsed.success) return { ok: true, value: parsed.data };
    const error = res.ok && !parsed.success ? z.prettifyError(parsed.error) : `HTTP ${res.status}`;
    const retryAfterMs = parseRetryAfter(res.headers.get("retry-after"), Date.now());
    return {
      ok: false,
      status: res.status,
      error,
      body,
      ...(retryAfterMs !== undefined && { retryAfterMs }),
    };
  }

  const client = {
    createTask: (body: CreateImageRequestInput) =>
      call(CreateImageResponse, routes.createImageTask.path, {
        method: "POST",
        body: JSON.stringify(body),
      }),

    getTask: (id: string) =>
      call(TaskResult, routes.getTaskResult.path.replace("{id}", encodeURIComponent(id)), {
        method: "GET",
      }),

    /**
     * Polls until the task is completed or failed, or the timeout passes. The first poll waits one
     * interval too (a task just created is still queued); a poll answered 429, 5xx or cut off is
     * tried again after the interval or the `Retry-After`, whichever is longer, since giving up
     * would leave a billed task behind.
     */
    async waitForTask(
      id: string,
      wait: WaitOptions = {},
    ): Promise<Result<CompletedResult | FailedResult>> {
      const { intervalMs = 3000, timeoutMs = 300_000, sleep = realSleep, onPoll } = wait;
      let pause = intervalMs;
      for (let waited = pause; ; waited += pause) {
        await sleep(pause);
        pause = intervalMs;
        const polled = await client.getTask(id).catch(
          (error: unknown): Result<TaskResult> => ({
            ok: false,
            status: 0,
            error: `the connection failed: ${error instanceof Error ? error.message : String(error)}`,
            body: null,
          }),
        );
        if (!polled.ok) {
          const transient = polled.status === 0 || polled.status === 429 || polled.status >= 500;
          if (!transient || waited >= timeoutMs) return polled;
          pause = Math.max(intervalMs, polled.retryAfterMs ?? 0);
          continue;
        }
        onPoll?.(polled.value);
        const task = polled.value;
        if (isFinishedTask(task)) return { ok: true, value: task };
        if (waited >= timeoutMs) {
          return {
            ok: false,
            status: 0,
            error: `task ${id} still ${task.status} after ${timeoutMs} ms`,
            body: task,
          };
        }
      }
    },
  };
  return client;
}
