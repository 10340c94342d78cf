/**
 * The control API under /__fake: inspect and steer the fake. Never part of the provider's API,
 * so its errors are plain `{ error, issues }` bodies rather than the assumed ones.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { isForwardMove, isTerminalStatus } from "../../contract/schemas.js";
import { advanceProblem, isManualClock, LATEST_CLOCK_MS } from "../core/clock.js";
import type { FakeState } from "../core/fake-state.js";
import { FaultRule } from "../core/faults.js";
import { wholeNumber } from "../core/number-input.js";
import { gradePolling } from "../core/polling-grader.js";
import type { RecentTask } from "../core/task-book.js";
import { PlanOverride, withOverride } from "../core/task-planner.js";
import { finishedAt, statusAt } from "../core/tasks.js";
import { imagePath } from "../images/image-path.js";
import { ControlError } from "./control-error.js";
import { refuseForeignRequests, requireControlToken } from "./control-guard.js";
import { issuesOf } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { serveInspector } from "./pages.js";
import { parseJsonBytes, readBody, TOO_LARGE_HEADERS, TOO_LARGE_MESSAGE } from "./request-input.js";

/** Where the control API is mounted; never part of the provider's API. */
export const CONTROL_PREFIX = "/__fake";

const ADVANCE_RULE = `must be a number of ms from 0 to ${LATEST_CLOCK_MS}`;
const NextTasks = PlanOverride.extend({ count: wholeNumber({ min: 1 }).default(1) });
const ClockAdvance = z.strictObject({
  advanceMs: z
    .number({ error: ADVANCE_RULE })
    .min(0, { error: ADVANCE_RULE })
    .max(LATEST_CLOCK_MS, { error: ADVANCE_RULE }),
});
const NoBody = z.strictObject({}).optional();
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

/** The JSON body, within 1 MiB, parsed with the route's schema; an empty body is `undefined`. */
async function bodyOf<S extends z.ZodType>(c: Context<FakeEnv>, schema: S): Promise<z.output<S>> {
  const read = await readBody(c);
  if (!read.ok) throw new ControlError(413, TOO_LARGE_MESSAGE, [], TOO_LARGE_HEADERS);
  const json =
    read.bytes.length === 0 ? { ok: true as const, value: undefined } : parseJsonBytes(read.bytes);
  if (!json.ok) throw new ControlError(400, `the body must be JSON: ${json.message}`);
  const parsed = schema.safeParse(json.value);
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
  control.use(refuseForeignRequests(state.options));
  // The inspector page holds no data and a browser cannot add a header to a page it opens: it comes
  // before the token check, and the page sends the token with each request it makes.
  serveInspector(control);
  control.use(requireControlToken(state.options));
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

  control.post("/reset", async (c) => {
    await bodyOf(c, NoBody);
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
    if (plan.outcome === "completed" && task.pixels === undefined) {
      throw new ControlError(
        409,
        `task ${task.id} asks for a ratio that has no size at its resolution (${String(task.request.ratio)} at ${String(task.request.resolution)}): it can only fail`,
      );
    }
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
    const problem = advanceProblem(state.clock.now(), advanceMs);
    if (problem !== undefined) throw new ControlError(409, problem);
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

  control.onError((error, c) => {
    if (error instanceof ControlError) {
      return c.json({ error: error.message, issues: error.issues }, error.status, error.headers);
    }
    throw error;
  });

  return control;
}
