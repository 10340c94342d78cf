/**
 * Polls a task until it is terminal, as the provider asks: every CONTRACT_POLL_MS, stopping at
 * completed or failed, failing the run with a clear message instead of hanging.
 */
import { z } from "zod";
import { routes } from "../routes.js";
import {
  type CompletedResult,
  type FailedResult,
  TaskResult,
  type TaskStatus,
} from "../schemas.js";
import type { SuiteConfig } from "./config.js";
import type { HttpClient } from "./http-client.js";
import type { Target } from "./target.js";

export interface PollStep {
  /** Since the create answered, on the target's clock. */
  readonly afterMs: number;
  readonly status: TaskStatus;
  readonly result: TaskResult;
}

export const resultPath = (id: string) =>
  routes.getTaskResult.path.replace("{id}", encodeURIComponent(id));

/** One poll: the task as it is now, or an Error that says which documented rule broke. */
async function pollOnce(
  client: HttpClient,
  id: string,
): Promise<{ kind: "task"; result: TaskResult } | { kind: "rate limited"; retryAfterMs: number }> {
  const answer = await client.send({ method: "GET", path: resultPath(id), label: "result" });
  if (answer.status === 429) {
    return {
      kind: "rate limited",
      retryAfterMs: 1000 * Number(answer.headers["retry-after"] ?? 5) || 5000,
    };
  }
  if (answer.status !== 200) {
    throw new Error(`polling ${id} answered HTTP ${answer.status}: ${answer.text.slice(0, 300)}`);
  }
  const parsed = TaskResult.safeParse(answer.json);
  if (!parsed.success) {
    throw new Error(
      `polling ${id} answered a body that breaks the documented result:\n${z.prettifyError(parsed.error)}\nbody: ${answer.text.slice(0, 500)}`,
    );
  }
  return { kind: "task", result: parsed.data };
}

export async function pollUntilTerminal(
  target: Target,
  client: HttpClient,
  config: SuiteConfig,
  id: string,
  createdAt: number,
): Promise<{ steps: PollStep[]; final: CompletedResult | FailedResult }> {
  const steps: PollStep[] = [];
  const progress = target.control === undefined;
  for (;;) {
    const polled = await pollOnce(client, id);
    const afterMs = target.now() - createdAt;
    let waitMs = config.pollMs;
    if (polled.kind === "rate limited") {
      waitMs = Math.max(polled.retryAfterMs, config.pollMs);
    } else {
      const { result } = polled;
      steps.push({
        afterMs,
        status: result.status,
        result,
      });
      if (progress)
        console.log(`[contract] ${id} ${result.status} after ${(afterMs / 1000).toFixed(1)} s`);
      if (result.status === "completed" || result.status === "failed")
        return { steps, final: result };
    }
    if (afterMs >= config.timeoutMs) {
      throw new Error(
        `task ${id} was still ${steps.at(-1)?.status ?? "not answered"} after ${Math.round(afterMs / 1000)} s and ${steps.length} polls: ` +
          `it must finish within CONTRACT_TIMEOUT_MS=${config.timeoutMs}`,
      );
    }
    await target.sleep(waitMs);
  }
}
