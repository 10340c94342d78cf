/**
 * The control API under /__fake: inspect and steer the fake. Never part of the provider's API,
 * so its errors are plain `{ error, issues }` bodies rather than the assumed ones.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { isForwardMove, isTerminalStatus } from "../../contract/schemas.js";
import { isManualClock } from "../core/clock.js";
import type { FakeState } from "../core/fake-state.js";
import { FaultRule } from "../core/faults.js";
import { gradePolling } from "../core/polling-grader.js";
import type { RecentTask } from "../core/task-book.js";
import { PlanOverride, withOverride } from "../core/task-planner.js";
import { finishedAt, statusAt } from "../core/tasks.js";
import { imagePath } from "../images/image-path.js";
import { issuesOf } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { serveInspector } from "./pages.js";

/** Where the control API is mounted; never part of the provider's API. */
export const CONTROL_PREFIX = "/__fake";

const NextTasks = PlanOverride.extend({ count: z.int().min(1).default(1) });
const ClockAdvance = z.strictObject({ advanceMs: z.number().min(0) });
const threshold = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { error: "must be a number of ms, 0 or more" })
  .transform(Number)
  .optional();
const PollingQuery = z.strictObject({
  minIntervalMs: threshold,
  repeatWindowMs: threshold,
  retryWindowMs: threshold,
  abandonGraceMs: threshold,
});

class ControlError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
    readonly issues: unknown[] = [],
  ) {
    super(message);
  }
}

async function bodyOf<S extends z.ZodType>(c: Context<FakeEnv>, schema: S): Promise<z.output<S>> {
  const json: unknown = await c.req.json().catch(() => {
    throw new ControlError(400, "the body must be JSON");
  });
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new ControlError(400, "invalid body", issuesOf(parsed.error));
  return parsed.data;
}

function describeTask(state: FakeState, task: RecentTask, now: number) {
  const status = statusAt(task, now);
  return {
    id: task.id,
    model: task.model,
    status,
    createdMs: task.createdMs,
    queuedMs: task.plan.queuedMs,
    processingMs: task.plan.processingMs,
    finishesAtMs: finishedAt(task),
    outcome: task.plan.outcome,
    ...(task.plan.outcome === "failed" && { error: task.plan.error }),
    pixels: task.pixels ?? null,
    ...(status === "completed" && { image: imagePath(state.tasks.imageNameOf(task.facts)) }),
    keyId: task.keyId,
    request: task.request,
  };
}

/** The control API, to mount at /__fake. */
export function controlRoutes(state: FakeState): Hono<FakeEnv> {
  const control = new Hono<FakeEnv>();
  // The control API has no bearer key to open an id with: it knows this process's recent tasks.
  const taskOr404 = (id: string) => {
    const task = state.tasks.recent(id);
    if (!task) {
      throw new ControlError(
        404,
        `no task with id '${id}' among the ${state.options.maxTasks} most recent tasks of this process (--max-tasks)`,
      );
    }
    return task;
  };
  const clockBody = () => ({ kind: state.clock.kind, now: state.clock.now() });

  control.get("/health", (c) => {
    const { rss, heapUsed } = process.memoryUsage();
    const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
    return c.json({
      ok: true,
      clock: clockBody(),
      tasks: state.tasks.recentCount,
      seed: state.seed,
      memory: { rssMb: mb(rss), heapUsedMb: mb(heapUsed) },
    });
  });

  control.post("/reset", (c) => {
    state.reset();
    return c.json({ ok: true });
  });

  control.get("/tasks", (c) => {
    const now = state.clock.now();
    return c.json({
      tasks: state.tasks.listRecent().map((task) => describeTask(state, task, now)),
    });
  });

  control.get("/next-tasks", (c) => c.json({ next: state.planner.queued() }));

  control.post("/next-tasks", async (c) => {
    const { count, ...override } = await bodyOf(c, NextTasks);
    state.planner.planNext(count, override);
    return c.json({ next: state.planner.queued() }, 201);
  });

  control.get("/tasks/:id", (c) =>
    c.json(describeTask(state, taskOr404(c.req.param("id")), state.clock.now())),
  );

  control.patch("/tasks/:id", async (c) => {
    const task = taskOr404(c.req.param("id"));
    const override = await bodyOf(c, PlanOverride);
    const now = state.clock.now();
    const before = statusAt(task, now);
    if (isTerminalStatus(before))
      throw new ControlError(409, `task ${task.id} is ${before}: a terminal task never changes`);
    const plan = withOverride(task.plan, override);
    const after = statusAt({ createdMs: task.createdMs, plan }, now);
    if (!isForwardMove(before, after)) {
      throw new ControlError(
        409,
        `these timings would move task ${task.id} back from ${before} to ${after}`,
      );
    }
    const changed = state.tasks.change(task, plan, now);
    if (!changed.ok) throw new ControlError(409, changed.problem);
    return c.json(describeTask(state, task, now));
  });

  control.get("/requests", (c) => c.json({ requests: state.journal.list() }));

  control.get("/polling", (c) => {
    const parsed = PollingQuery.safeParse(c.req.query());
    if (!parsed.success) {
      throw new ControlError(
        400,
        "each threshold must be a number of ms, 0 or more: minIntervalMs, repeatWindowMs, retryWindowMs, abandonGraceMs",
        issuesOf(parsed.error),
      );
    }
    const options = { ...parsed.data, now: state.clock.now() };
    return c.json({ keys: gradePolling(state.journal.list(), options) });
  });

  control.get("/clock", (c) => c.json(clockBody()));

  control.post("/clock", async (c) => {
    const { advanceMs } = await bodyOf(c, ClockAdvance);
    if (!isManualClock(state.clock)) {
      throw new ControlError(
        409,
        "the clock is the system clock; start the fake with --clock manual to advance it",
      );
    }
    state.clock.advance(advanceMs);
    return c.json(clockBody());
  });

  control.get("/faults", (c) => c.json({ faults: state.faults.list() }));

  control.post("/faults", async (c) => c.json(state.faults.add(await bodyOf(c, FaultRule)), 201));

  control.delete("/faults", (c) => {
    state.faults.clear();
    return c.json({ ok: true });
  });

  control.delete("/faults/:id", (c) => {
    if (!state.faults.remove(c.req.param("id")))
      throw new ControlError(404, `no fault '${c.req.param("id")}'`);
    return c.json({ ok: true });
  });

  serveInspector(control);

  control.onError((error, c) => {
    if (error instanceof ControlError) {
      return c.json({ error: error.message, issues: error.issues }, error.status);
    }
    throw error;
  });

  return control;
}
