/**
 * Steering a target that is the fake, through its control API over HTTP (`/__fake`), so the tests
 * that need a controllable target run against the fake in-process and on a port alike, and skip,
 * saying why, against anything else.
 */
import { z } from "zod";
import { describeAnswer } from "./answers.js";
import type { ControlMode } from "./config.js";
import type { HttpClient } from "./http-client.js";

/** What `GET /__fake/health` must answer for the suite to take the target for the fake. */
const FakeHealth = z.looseObject({
  ok: z.literal(true),
  clock: z.looseObject({ kind: z.enum(["system", "manual"]), now: z.number() }),
});

/** The part of a task's plan the suite decides for the next task (`POST /__fake/next-tasks`). */
interface PlanOverride {
  readonly outcome?: "completed" | "failed";
  readonly error?: string;
  readonly queuedMs?: number;
  readonly processingMs?: number;
}

/** A fault rule the suite adds (`POST /__fake/faults`): a status for a number of polls. */
interface StatusFault {
  readonly match: { readonly route: "createImageTask" | "getTaskResult" };
  readonly action: { readonly type: "status"; readonly status: number };
  readonly times: number;
}

/**
 * The fake's control API as the suite uses it.
 *
 * @example await control.planNext(1, { outcome: "failed", error: "moderation" });
 */
export class FakeControl {
  constructor(
    private readonly client: HttpClient,
    readonly clock: { readonly kind: "system" | "manual"; readonly now: number },
  ) {}

  /** Decides the outcome, error text or timings of the next `count` tasks. */
  async planNext(count: number, override: PlanOverride): Promise<void> {
    await this.#post("/next-tasks", { count, ...override });
  }

  async addFault(rule: StatusFault): Promise<void> {
    await this.#post("/faults", rule);
  }

  /** Advances a manual clock; answers the fake's time after it. */
  async advance(ms: number): Promise<number> {
    const answer = await this.#post("/clock", { advanceMs: ms });
    const parsed = FakeHealth.shape.clock.safeParse(answer.json);
    if (!parsed.success) throw new Error(`POST /__fake/clock answered ${describeAnswer(answer)}`);
    return parsed.data.now;
  }

  async #post(path: string, body: unknown) {
    const answer = await this.client.control("POST", path, body);
    if (answer.status < 200 || answer.status >= 300) {
      throw new Error(
        `the fake's control API refused POST /__fake${path}: ${describeAnswer(answer)}`,
      );
    }
    return answer;
  }
}

/**
 * Looks for the fake's control API on the target's origin: the control, or why there is none.
 *
 * @example const found = await findFakeControl(client, "auto"); if (found.ok) await found.control.planNext(1, { outcome: "failed" });
 */
export async function findFakeControl(
  client: HttpClient,
  mode: ControlMode,
): Promise<{ ok: true; control: FakeControl } | { ok: false; reason: string }> {
  if (mode === "off") return { ok: false, reason: "CONTRACT_CONTROL=off" };
  const answer = await client.control("GET", "/health");
  const health = FakeHealth.safeParse(answer.json);
  if (answer.status === 200 && health.success) {
    return { ok: true, control: new FakeControl(client, health.data.clock) };
  }
  const reason =
    answer.status === 401 || answer.status === 403
      ? `the fake's control API refused the suite (HTTP ${answer.status}): set CONTRACT_CONTROL_TOKEN to the fake's --control-token`
      : `GET /__fake/health answered HTTP ${answer.status}, not the fake's health: the target is not the fake, or its control API is off`;
  if (mode === "on") throw new Error(`CONTRACT_CONTROL=on, but ${reason}`);
  return { ok: false, reason };
}
