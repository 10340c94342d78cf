/**
 * The control API under /__fake: inspect and steer the fake. Never part of the provider's API,
 * so its errors are plain `{ error, issues }` bodies rather than the assumed ones. Each route is
 * registered from the table in control-table.ts, which also gives its input schemas and its
 * answer's schema; this file adds only behaviour.
 */
import { type Context, Hono } from "hono";
import { getPath } from "hono/utils/url";
import type { z } from "zod";
import { isForwardMove, isTerminalStatus } from "../../contract/schemas.js";
import { advanceProblem, isManualClock } from "../core/clock.js";
import type { FakeState } from "../core/fake-state.js";
import { gradePolling } from "../core/polling-grader.js";
import type { RequestLog } from "../core/request-log.js";
import type { RecentTask } from "../core/task-book.js";
import { withOverride } from "../core/task-planner.js";
import { finishedAt, statusAt } from "../core/tasks.js";
import { imagePath } from "../images/image-path.js";
import { ControlError } from "./control-error.js";
import { refuseForeignRequests, requireControlToken } from "./control-guard.js";
import { logControlRequests } from "./control-log.js";
import { CONTROL_DOCUMENT_PATH, CONTROL_PREFIX } from "./control-paths.js";
import { statusFilterOf } from "./control-schemas.js";
import { type ControlRoute, controlTable } from "./control-table.js";
import { assertAnswerMatches, issuesOf } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { EXPIRED_IMAGE, imageNamed, pngResponse } from "./image-route.js";
import { serveInspector } from "./inspector-page.js";
import { parseJsonBytes, readBody, TOO_LARGE_HEADERS, TOO_LARGE_MESSAGE } from "./request-input.js";
import {
  type AnswerOf,
  type BodyOf,
  honoPath,
  type ParamsOf,
  type QueryOf,
} from "./route-types.js";

interface ControlInput<R> {
  readonly c: Context<FakeEnv>;
  readonly body: BodyOf<R>;
  readonly query: QueryOf<R>;
  readonly params: ParamsOf<R>;
}
type ControlHandler<R> = (input: ControlInput<R>) => AnswerOf<R> | Promise<AnswerOf<R>>;
type ControlHandlers = {
  [K in keyof typeof controlTable]: ControlHandler<(typeof controlTable)[K]>;
};

/** The JSON body, within 1 MiB, parsed with the route's schema; an optional one may be empty. */
async function bodyOf(c: Context<FakeEnv>, body: NonNullable<ControlRoute["body"]>) {
  const read = await readBody(c);
  if (!read.ok) throw new ControlError(413, TOO_LARGE_MESSAGE, [], TOO_LARGE_HEADERS);
  // An optional body left out stands for `{}`.
  const json =
    read.bytes.length === 0 && !body.required
      ? { ok: true as const, value: {} }
      : parseJsonBytes(read.bytes);
  if (!json.ok) throw new ControlError(400, `the body must be JSON: ${json.message}`);
  const parsed = body.schema.safeParse(json.value);
  if (!parsed.success) throw new ControlError(400, "invalid body", issuesOf(parsed.error));
  return parsed.data;
}

/** The query, each parameter given once, parsed with the route's strict schema. */
function queryOf(c: Context<FakeEnv>, schema: z.ZodObject) {
  const given = c.req.queries();
  const repeated = Object.keys(given).filter((name) => (given[name]?.length ?? 0) > 1);
  if (repeated.length > 0) {
    throw new ControlError(
      400,
      `each query parameter is given once: ${repeated.join(", ")} ${repeated.length > 1 ? "are" : "is"} repeated`,
    );
  }
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) {
    const issues = issuesOf(parsed.error).map((issue) =>
      issue.path === "(body)" ? { ...issue, path: "(query)" } : issue,
    );
    throw new ControlError(
      400,
      `invalid query: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`,
      issues,
    );
  }
  return parsed.data;
}

/** The path parameters, each parsed with its schema. */
function paramsOf(c: Context<FakeEnv>, params: ControlRoute["params"]) {
  return Object.fromEntries(
    Object.entries(params ?? {}).map(([name, param]) => {
      const parsed = param.schema.safeParse(c.req.param(name));
      if (!parsed.success) {
        const issues = issuesOf(parsed.error).map((issue) => ({ ...issue, path: name }));
        throw new ControlError(400, `invalid ${name} in the path`, issues);
      }
      return [name, parsed.data];
    }),
  );
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

/** Offset, limit and order of a page, as a ring reads them; no limit lists everything. */
const pageOf = (query: {
  offset?: number | undefined;
  limit?: number | undefined;
  order?: "oldest" | "newest" | undefined;
}) => ({
  offset: query.offset ?? 0,
  limit: query.limit ?? Number.MAX_SAFE_INTEGER,
  newestFirst: query.order === "newest",
});

function handlers(state: FakeState): ControlHandlers {
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

  return {
    health() {
      const { rss, heapUsed } = process.memoryUsage();
      const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
      return {
        ok: true,
        clock: clockBody(),
        tasks: state.tasks.recentCount,
        seed: state.seed,
        memory: { rssMb: mb(rss), heapUsedMb: mb(heapUsed) },
      };
    },
    reset() {
      state.reset();
      return { ok: true };
    },
    listTasks({ query }) {
      const now = state.clock.now();
      const page = state.tasks.pageRecent(pageOf(query));
      return {
        tasks: page.items.map((task) => describeTask(state, task, now)),
        total: page.total,
      };
    },
    getTask: ({ params }) => describeTask(state, taskOr404(params.id), state.clock.now()),
    changeTask({ params, body: override }) {
      const task = taskOr404(params.id);
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
      return describeTask(state, changed.task, now);
    },
    taskImage({ c, params }) {
      const task = taskOr404(params.id);
      const now = state.clock.now();
      const image = imageNamed(state, state.tasks.imageNameOf(task.facts), now);
      if (!image.ok) {
        throw new ControlError(
          404,
          image.reason === "expired"
            ? EXPIRED_IMAGE
            : `task ${task.id} has no image: it is ${statusAt(task, now)}`,
        );
      }
      return pngResponse(c, image.png);
    },
    listPlans: () => ({ next: [...state.planner.queued()] }),
    planNextTasks({ body }) {
      const { count, ...override } = body;
      state.planner.planNext(count, override);
      return { next: [...state.planner.queued()] };
    },
    listRequests({ query }) {
      const { route, taskId, status } = query;
      const filter = {
        route,
        taskId,
        status: status === undefined ? undefined : statusFilterOf(status),
      };
      const page = state.journal.page(filter, pageOf(query));
      return { requests: page.items, total: page.total };
    },
    gradePolling: ({ query }) => ({
      keys: gradePolling(state.journal.list(), { ...query, now: state.clock.now() }),
    }),
    readClock: clockBody,
    advanceClock({ body: { advanceMs } }) {
      if (!isManualClock(state.clock)) {
        throw new ControlError(
          409,
          "the clock is the system clock; start the fake with --clock manual to advance it",
        );
      }
      const problem = advanceProblem(state.clock.now(), advanceMs);
      if (problem !== undefined) throw new ControlError(409, problem);
      state.clock.advance(advanceMs);
      return clockBody();
    },
    listFaults: () => ({ faults: [...state.faults.list()] }),
    addFault: ({ body }) => state.faults.add(body),
    clearFaults() {
      state.faults.clear();
      return { ok: true };
    },
    removeFault({ params }) {
      if (!state.faults.remove(params.id)) throw new ControlError(404, `no fault '${params.id}'`);
      return { ok: true };
    },
    async controlDocument({ c }) {
      // Loaded at the first request: the document's builder stays off the start path.
      const { controlDocumentJson } = await import("./control-openapi.js");
      return c.body(controlDocumentJson(c, state.options), 200, {
        "Content-Type": "application/json; charset=utf-8",
      });
    },
  };
}

function register<R extends ControlRoute>(
  control: Hono<FakeEnv>,
  state: FakeState,
  route: R,
  handler: ControlHandler<R>,
): void {
  control.on(route.method.toUpperCase(), honoPath(route.path), async (c) => {
    const input = {
      c,
      params: paramsOf(c, route.params) as ParamsOf<R>,
      query: (route.query ? queryOf(c, route.query) : undefined) as QueryOf<R>,
      body: (route.body ? await bodyOf(c, route.body) : undefined) as BodyOf<R>,
    };
    const answer: unknown = await handler(input);
    if (answer instanceof Response) return answer;
    if (!("schema" in route.success)) {
      throw new Error(`${route.operationId} answers ${route.success.contentType}, not JSON`);
    }
    if (state.options.selfCheck)
      assertAnswerMatches(route.success.schema, answer, route.operationId);
    return c.json(answer, route.success.status);
  });
}

// A whole segment: a parent's prefix such as /__fakes is not the control API's.
const PREFIX_SEGMENT = new RegExp(`${CONTROL_PREFIX}(?=/|$)`);

/**
 * A request's path from the control API's prefix on: an app may nest the fake under a prefix of its
 * own (`parent.route("/api", fake)`), and its control API answers there as at the root.
 */
function controlPathOf(request: Request): string {
  const path = getPath(request);
  const at = path.search(PREFIX_SEGMENT);
  return at > 0 ? path.slice(at) : path;
}

/** The control API, an app of its own under /__fake: the fake's app hands it what it gets there. */
export function controlRoutes(state: FakeState, log: RequestLog | undefined): Hono<FakeEnv> {
  const control = new Hono<FakeEnv>({ getPath: controlPathOf }).basePath(CONTROL_PREFIX);
  if (log) control.use(logControlRequests(log, state.clock));
  control.use(refuseForeignRequests(state.options));
  // The inspector page holds no data and a browser cannot add a header to a page it opens: it comes
  // before the token check, and the page sends the token with each request it makes.
  serveInspector(control);
  control.use(requireControlToken(state.options));
  const byId = handlers(state);
  for (const id of Object.keys(controlTable) as (keyof typeof controlTable)[]) {
    register(control, state, controlTable[id], byId[id] as ControlHandler<ControlRoute>);
  }
  // What the table does not have is answered here, in the control API's own words, and never
  // reaches the API's middleware (no journal entry, no fault rule).
  control.all("*", (c) => {
    throw new ControlError(
      404,
      `no control route ${c.req.method} ${c.req.path}: the control API is described at ${CONTROL_PREFIX}${CONTROL_DOCUMENT_PATH}`,
    );
  });
  control.onError((error, c) => {
    if (error instanceof ControlError) {
      return c.json({ error: error.message, issues: error.issues }, error.status, error.headers);
    }
    throw error;
  });
  return control;
}
