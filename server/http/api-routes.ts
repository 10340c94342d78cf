/**
 * The API endpoints, registered from the route table: each route's path, method, auth, body
 * schema and success schema come from `contract/routes.ts`; this file only adds behaviour.
 */
import { type Context, Hono } from "hono";
import { z } from "zod";
import { outputSizeOf } from "../../contract/output-size.js";
import { type RouteDefinition, routes } from "../../contract/routes.js";
import type { FakeState } from "../core/fake-state.js";
import { hash32 } from "../core/random.js";
import { createdBody, resultBody, type Task } from "../core/tasks.js";
import { imagePath } from "../images/image-path.js";
import { ApiError, describeIssues, issuesOf, SelfCheckError } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { publicOrigin } from "./public-origin.js";
import { authenticate, planHeaders, readJsonBody } from "./request-input.js";

type BodyOf<R> = R extends { body: { schema: infer S extends z.ZodType } }
  ? z.output<S>
  : undefined;
type ParamsOf<R> = R extends { params: infer P extends Record<string, z.ZodType> }
  ? { [K in keyof P]: z.output<P[K]> }
  : Record<string, never>;
type SuccessOf<R> = R extends { success: { schema: infer S extends z.ZodType } }
  ? z.input<S>
  : never;

interface HandlerInput<R> {
  readonly c: Context<FakeEnv>;
  readonly keyId: string;
  readonly body: BodyOf<R>;
  readonly params: ParamsOf<R>;
}
type Handler<R> = (input: HandlerInput<R>) => SuccessOf<R>;

function handlers(state: FakeState): { [K in keyof typeof routes]: Handler<(typeof routes)[K]> } {
  const ownTask = (id: string, keyId: string): Task => {
    const task = state.tasks.get(id);
    // Another key's task is as unknown as a missing one.
    if (!task || task.keyId !== keyId)
      throw new ApiError("task_not_found", `No task with id '${id}'`);
    return task;
  };
  return {
    createImageTask({ c, keyId, body }) {
      const overrides = planHeaders(c);
      const output = outputSizeOf(body);
      const id = state.nextTaskId();
      const now = state.clock.now();
      const task: Task = {
        id,
        model: body.model,
        createdMs: now,
        plan: state.planner.plan(body, output, overrides),
        pixels: output.pixels,
        pictureSeed: `${state.seed}:${id}:${hash32(body.prompt)}`,
        keyId,
        request: {
          model: body.model,
          prompt: body.prompt.slice(0, 200),
          quality: body.quality,
          ratio: body.ratio,
          resolution: output.resolution,
          ...(body.size && { size: body.size }),
          reference_images: body.image_urls.length,
        },
      };
      state.tasks.add(task);
      c.set("taskId", id);
      return createdBody(task, now);
    },
    getTaskResult({ c, keyId, params }) {
      c.set("taskId", params.id);
      const task = ownTask(params.id, keyId);
      const origin = publicOrigin(c, state.options.publicUrl);
      if (!origin.ok) throw new ApiError("invalid_request", origin.message);
      const imageUrl = origin.origin + imagePath(task.id);
      const body = resultBody(task, state.clock.now(), imageUrl);
      c.set("taskStatus", body.status);
      return body;
    },
  };
}

function paramsParser(route: RouteDefinition) {
  const schema = z.object(route.params ?? {});
  return (raw: Record<string, string>): Record<string, string> => {
    const parsed = schema.safeParse(raw);
    // A malformed id names no task: the same answer as an unknown one.
    if (!parsed.success) {
      throw new ApiError("task_not_found", `No task with id '${Object.values(raw).join("/")}'`);
    }
    return parsed.data;
  };
}

function register<R extends RouteDefinition>(
  api: Hono<FakeEnv>,
  state: FakeState,
  route: R,
  handler: Handler<R>,
): void {
  const path = route.path.replace(/\{(\w+)\}/g, ":$1");
  const method = route.method.toUpperCase();
  const parseParams = paramsParser(route);
  api.on(method, path, async (c) => {
    c.set("route", route.operationId);
    const keyId = authenticate(c, state.options.apiKeys);
    const limited = state.limiter?.take(keyId);
    if (limited && !limited.ok) {
      throw new ApiError(
        "rate_limited",
        `Too many requests for this key; retry after ${limited.retryAfterS} s`,
        [],
        { "Retry-After": String(limited.retryAfterS) },
      );
    }
    const params = parseParams(c.req.param()) as ParamsOf<R>;
    const body = (route.body ? await readJsonBody(c, route.body.schema) : undefined) as BodyOf<R>;
    const result = handler({ c, keyId, body, params });
    if (state.options.selfCheck) {
      const checked = route.success.schema.safeParse(result);
      if (!checked.success) {
        throw new SelfCheckError(
          describeIssues(
            `self-check: the ${route.operationId} response breaks its schema`,
            issuesOf(checked.error),
          ),
        );
      }
    }
    return c.json(result, route.success.status);
  });
  api.all(path, (c) => {
    throw new ApiError(
      "method_not_allowed",
      `${c.req.method} is not allowed here; use ${method}`,
      [],
      {
        Allow: method,
      },
    );
  });
}

/** A Hono app with every route of the table, to mount at the root and under the base path. */
export function apiRoutes(state: FakeState): Hono<FakeEnv> {
  const api = new Hono<FakeEnv>();
  const byId = handlers(state);
  register(api, state, routes.createImageTask, byId.createImageTask);
  register(api, state, routes.getTaskResult, byId.getTaskResult);
  return api;
}
