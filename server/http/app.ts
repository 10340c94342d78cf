/**
 * The fake as a Hono app: `app.fetch` serves it in-process with no port; `start()` serves it on Node.
 */
import { setTimeout as delay } from "node:timers/promises";
import { Hono, type MiddlewareHandler } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { z } from "zod";
import { assumedError } from "../../contract/assumed-errors.js";
import { BASE_PATH } from "../../contract/routes.js";
import { type Clock, isManualClock } from "../core/clock.js";
import { createFakeState, type FakeState } from "../core/fake-state.js";
import type { FaultRule, FaultRuleInput } from "../core/faults.js";
import type { JournalEntry } from "../core/journal.js";
import { FakeOptions, type FakeOptionsInput } from "../core/options.js";
import { type GradeOptions, gradePolling, type PollingGrade } from "../core/polling-grader.js";
import type { PlanOverride } from "../core/task-planner.js";
import { finishedAt, IMAGE_LIFETIME_MS, statusAt } from "../core/tasks.js";
import { renderPicture } from "../images/picture.js";
import { apiRoutes, SelfCheckError } from "./api-routes.js";
import { controlRoutes } from "./control-routes.js";
import { DROPPED_HEADER } from "./dropped.js";
import { ApiError, errorResponse } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { serveOpenApi } from "./openapi-document.js";
import { servePages } from "./pages.js";

/** Steers a fake from the code that embeds it: the same powers as the control API. */
export interface FakeController {
  readonly clock: Clock;
  readonly seed: string;
  /** Moves a manual clock forward; throws on the system clock. */
  advance(ms: number): number;
  /** Sets the outcome, error text or timings of the next `count` tasks created. */
  planNext(count: number, override: PlanOverride): void;
  addFault(rule: FaultRuleInput): FaultRule;
  requests(): JournalEntry[];
  /** How each key polls, graded against the provider's rules. */
  polling(options?: GradeOptions): PollingGrade[];
  reset(): void;
}

export type FakeApp = Hono<FakeEnv> & { readonly fake: FakeController };

/** Thrown by createFakeApp for options it cannot use, with every problem listed. */
export class FakeOptionsError extends Error {
  override name = "FakeOptionsError";
}

const CONTROL_PREFIX = "/__fake";

function journalRequests(state: FakeState): MiddlewareHandler<FakeEnv> {
  return async (c, next) => {
    const at = state.clock.now();
    await next();
    const path = c.req.path;
    if (path.startsWith(CONTROL_PREFIX)) return;
    // Unset fields stay undefined, which JSON leaves out: no copying on every request.
    state.journal.add({
      at,
      method: c.req.method,
      path,
      status: c.get("dropped") ? 0 : c.res.status,
      route: c.get("route"),
      keyId: c.get("keyId"),
      taskId: c.get("taskId"),
      taskStatus: c.get("taskStatus"),
      bodyHash: c.get("bodyHash"),
      fault: c.get("fault"),
    });
  };
}

function droppedResponse(c: Parameters<MiddlewareHandler<FakeEnv>>[0]): Response {
  c.set("dropped", true);
  const socket = c.env?.outgoing?.socket;
  if (socket) {
    socket.destroy();
    return new Response(null);
  }
  // In-process there is no socket: a body that fails to read is the closest to a cut connection,
  // and the header lets createFakeFetch reject as fetch does.
  return new Response(
    new ReadableStream({
      start: (controller) => controller.error(new Error("connection dropped by a fault rule")),
    }),
    { headers: { [DROPPED_HEADER]: "1" } },
  );
}

function injectFaults(state: FakeState): MiddlewareHandler<FakeEnv> {
  return async (c, next) => {
    if (c.req.path.startsWith(CONTROL_PREFIX)) return next();
    const rule = state.faults.take(c.req.method, c.req.path);
    if (!rule) return next();
    c.set("fault", rule.id);
    const { action } = rule;
    switch (action.type) {
      case "latency":
        await delay(state.faults.delayOf(action));
        return next();
      case "drop":
        return droppedResponse(c);
      case "status": {
        const fallback =
          action.status === 429
            ? assumedError("rate_limited", { message: "Too many requests (injected fault)" })
            : {
                body: {
                  code: action.status,
                  msg: `Injected fault: HTTP ${action.status}`,
                  data: null,
                },
              };
        const headers = {
          ...(action.status === 429 && { "Retry-After": "1" }),
          ...action.headers,
        };
        return c.json(action.body ?? fallback.body, action.status as 400, headers);
      }
    }
  };
}

function serveImages(app: Hono<FakeEnv>, state: FakeState): void {
  app.get("/images/:file", (c) => {
    const file = c.req.param("file");
    const task = file.endsWith(".png") ? state.tasks.get(file.slice(0, -4)) : undefined;
    const now = state.clock.now();
    // Errors in JSON like every other answer of the fake, so clients parse one kind of error body.
    if (!task?.pixels || statusAt(task, now) !== "completed") {
      return c.json({ message: `No image '${file}'` }, 404);
    }
    if (now >= finishedAt(task) + IMAGE_LIFETIME_MS) {
      return c.json(
        { message: "This image has expired: images are kept 24 hours after their task completes" },
        404,
      );
    }
    const { width, height } = task.pixels;
    const png = state.images.getOrRender(task.id, () =>
      renderPicture({ width, height, seed: task.pictureSeed }),
    );
    return c.body(new Uint8Array(png), 200, { "Content-Type": "image/png" });
  });
}

function parseOptions(input: FakeOptionsInput): FakeOptions {
  const parsed = FakeOptions.safeParse(input);
  if (!parsed.success)
    throw new FakeOptionsError(`Invalid fake options:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * Creates the fake of the GPT Image 2 task API.
 *
 * @example
 * const app = createFakeApp({ clock: "manual", profile: "fast" });
 * const res = await app.request("/v1/result/image_…", { headers: { Authorization: "Bearer k" } });
 */
export function createFakeApp(input: FakeOptionsInput = {}): FakeApp {
  const state = createFakeState(parseOptions(input));
  // RegExpRouter alone: the fastest of Hono's routers, and it refuses ambiguous routes outright.
  const app = new Hono<FakeEnv>({ router: new RegExpRouter() });
  app.use(journalRequests(state));
  app.use(injectFaults(state));
  if (state.options.control) app.route(CONTROL_PREFIX, controlRoutes(state));
  const api = apiRoutes(state);
  app.route(BASE_PATH, api);
  app.route("/", api);
  serveImages(app, state);
  serveOpenApi(app, state.options.publicUrl);
  servePages(app);
  app.notFound((c) => {
    const { status, body } = assumedError("route_not_found", {
      message: "",
      method: c.req.method,
      path: c.req.path,
    });
    return c.json(body, status as 404);
  });
  app.onError((error, c) => {
    if (error instanceof ApiError)
      return errorResponse(error, { method: c.req.method, path: c.req.path });
    const selfCheck = error instanceof SelfCheckError;
    if (!selfCheck) console.error("image2-kit fake: unexpected error", error);
    const msg = selfCheck ? error.message : `The fake failed unexpectedly: ${error.message}`;
    return c.json({ code: 500, msg, data: null }, 500);
  });

  const controller: FakeController = {
    clock: state.clock,
    seed: state.seed,
    advance(ms) {
      if (!isManualClock(state.clock))
        throw new Error(
          "only a manual clock can be advanced; create the fake with clock: 'manual'",
        );
      return state.clock.advance(ms);
    },
    planNext: (count, override) => state.planner.planNext(count, override),
    addFault: (rule) => state.faults.add(rule),
    requests: () => state.journal.list(),
    polling: (options) => gradePolling(state.journal.list(), options),
    reset: () => state.reset(),
  };
  return Object.assign(app, { fake: controller });
}
