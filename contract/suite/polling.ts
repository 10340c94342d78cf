/**
 * Polls a task until it is terminal, as the provider asks: every CONTRACT_POLL_MS, waiting out a
 * 429 or a 5xx, stopping at completed or failed, and failing the run with a clear message instead
 * of hanging. Against a real clock it prints one short line per status change.
 */
import { breakMessage } from "../documented-rules.js";
import { routes } from "../routes.js";
import {
  type CompletedResult,
  type FailedResult,
  isFinishedTask,
  type TaskResult,
  type TaskStatus,
} from "../schemas.js";
import type { SuiteConfig } from "./config.js";
import type { HttpClient } from "./http-client.js";
import type { Target } from "./target.js";
import { polledTask } from "./task-rules.js";

export interface PollStep {
  /** Since the create answered, on the target's clock. */
  readonly afterMs: number;
  readonly status: TaskStatus;
  readonly result: TaskResult;
}

/**
 * The result route's path for a task id.
 *
 * @example resultPath("image_…") // "/v1/result/image_…"
 */
export const resultPath = (id: string) =>
  routes.getTaskResult.path.replace("{id}", encodeURIComponent(id));

type Polled = { kind: "task"; result: TaskResult } | { kind: "wait"; ms: number; why: string };

/**
 * One poll: the task as it is now, a wait the target asked for, or an Error naming the broken rule.
 *
 * @example const polled = await pollOnce(client, id, 3000); if (polled.kind === "wait") await target.sleep(polled.ms);
 */
export async function pollOnce(client: HttpClient, id: string, pollMs: number): Promise<Polled> {
  const answer = await client.send({ method: "GET", path: resultPath(id), label: "result" });
  if (answer.status === 429) {
    const retryAfter = Number(answer.headers["retry-after"]);
    const ms = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : pollMs;
    return { kind: "wait", ms: Math.max(ms, pollMs), why: "rate limited (429)" };
  }
  // A server error says nothing about the task; the poll is free to repeat.
  if (answer.status >= 500) return { kind: "wait", ms: pollMs, why: `HTTP ${answer.status}` };
  const polled = polledTask(answer, id);
  if (!polled.ok) throw new Error(breakMessage(polled.found));
  return { kind: "task", result: polled.value };
}

/**
 * Polls until the task is terminal, at most CONTRACT_TIMEOUT_MS of the target's time.
 *
 * @example const { steps, final } = await pollUntilTerminal(target, client, config, created.id, target.now());
 */
export async function pollUntilTerminal(
  target: Target,
  client: HttpClient,
  config: SuiteConfig,
  id: string,
  createdAt: number,
): Promise<{ steps: PollStep[]; final: CompletedResult | FailedResult }> {
  const steps: PollStep[] = [];
  const say = (line: string) => {
    if (!target.manualClock) console.log(`[contract] ${id} ${line}`);
  };
  for (;;) {
    const polled = await pollOnce(client, id, config.pollMs);
    const afterMs = target.now() - createdAt;
    const at = `after ${(afterMs / 1000).toFixed(1)} s`;
    let waitMs = config.pollMs;
    if (polled.kind === "wait") {
      waitMs = polled.ms;
      say(`${polled.why} ${at}; waiting ${(waitMs / 1000).toFixed(1)} s`);
    } else {
      const { result } = polled;
      if (steps.at(-1)?.status !== result.status) say(`${result.status} ${at}`);
      steps.push({ afterMs, status: result.status, result });
      if (isFinishedTask(result)) return { steps, final: result };
    }
    const left = config.timeoutMs - afterMs;
    if (left <= 0) {
      throw new Error(
        `task ${id} was still ${steps.at(-1)?.status ?? "not answered"} after ${Math.round(afterMs / 1000)} s and ${steps.length} polls: ` +
          `it must finish within CONTRACT_TIMEOUT_MS=${config.timeoutMs}`,
      );
    }
    // Whatever Retry-After a target sends, the wait ends with the task's time.
    await target.sleep(Math.min(waitMs, left));
  }
}
