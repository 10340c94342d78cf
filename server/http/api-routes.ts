/**
 * The API endpoints, registered from the route table: each route's path, method, auth, body
 * schema and success schema come from `contract/routes.ts`; this file only adds behaviour.
 */
import { type Context, Hono } from "hono";
import { outputSizeOf } from "../../contract/output-size.js";
import { type RouteDefinition, routes } from "../../contract/routes.js";
import type { FakeState } from "../core/fake-state.js";
import { createdBody, resultBody } from "../core/tasks.js";
import { imagePath } from "../images/image-path.js";
import { ApiError, assertAnswerMatches } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { publicOrigin } from "./public-origin.js";
import { authenticate, planHeaders, readJsonBody } from "./request-input.js";
import { type AnswerOf, type BodyOf, honoPath, type ParamsOf } from "./route-types.js";

interface HandlerInput<R> {
  readonly c: Context<FakeEnv>;
  /** The bearer key (which owns the tasks it creates) and its fingerprint. */
  readonly owner: { readonly key: string; readonly keyId: string };
  readonly body: BodyOf<R>;
  readonly params: ParamsOf<R>;
}
type Handler<R> = (input: HandlerInput<R>) => AnswerOf<R>;

function handlers(state: FakeState): { [K in keyof typeof routes]: Handler<(typeof routes)[K]> } {
  return {
    createImageTask({ c, owner, body }) {
      const overrides = planHeaders(c);
      const output = outputSizeOf(body);
      const now = state.clock.now();
      const created = state.tasks.create({
        request: body,
        output,
        plan: state.planner.plan(body, output, overrides),
        ownerKey: owner.key,
        keyId: owner.keyId,
        // Written out whole, `size` undefined when not asked (JSON leaves it out): a spread
        // followed by another property is V8's slow copy.
        summary: {
          model: body.model,
          prompt: body.prompt.slice(0, 200),
          quality: body.quality,
          ratio: body.ratio,
          resolution: output.resolution,
          size: body.size,
          reference_images: body.image_urls.length,
        },
        now,
      });
      if (!created.ok)
        throw new ApiError("rate_limited", created.problem, [], { "Retry-After": "1" });
      c.set("taskId", created.task.id);
      const answer = createdBody(created.task.id, created.task, now);
      c.set("taskStatus", answer.status);
      return answer;
    },
    getTaskResult({ c, owner, params }) {
      c.set("taskId", params.id);
      const now = state.clock.now();
      // Another key's task is as unknown as a missing one: the id is sealed for its owner.
      const task = state.tasks.find(params.id, owner.key, now);
      if (!task) throw new ApiError("task_not_found", `No task with id '${params.id}'`);
      const origin = publicOrigin(c, state.options.publicUrl);
      if (!origin.ok) throw new ApiError("invalid_request", origin.message);
      const body = resultBody(
        params.id,
        task,
        now,
        () => origin.origin + imagePath(state.tasks.imageNameOf(task.facts)),
      );
      c.set("taskStatus", body.status);
      return body;
    },
  };
}

function paramsParser(route: RouteDefinition) {
  // Each parameter by its own schema: a poll's one id costs a string check, not an object parse.
  const params = Object.entries(route.params ?? {}).map(([name, p]) => [name, p.schema] as const);
  return (raw: Record<string, string>): Record<string, string> => {
    const parsed: Record<string, string> = {};
    for (const [name, schema] of params) {
      const value = schema.safeParse(raw[name]);
      // A malformed id names no task: the same answer as an unknown one.
      if (!value.success) {
        throw new ApiError("task_not_found", `No task with id '${Object.values(raw).join("/")}'`);
      }
      parsed[name] = value.data;
    }
    return parsed;
  };
}

function register<R extends RouteDefinition>(
  api: Hono<FakeEnv>,
  state: FakeState,
  route: R,
  handler: Handler<R>,
): void {
  const path = honoPath(route.path);
  const method = route.method.toUpperCase();
  const parseParams = paramsParser(route);
  api.on(method, path, async (c) => {
    c.set("route", route.operationId);
    const owner = authenticate(c, state.options.apiKeys);
    const limited = state.limiter?.take(owner.keyId);
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
    const result = handler({ c, owner, body, params });
    if (state.options.selfCheck)
      assertAnswerMatches(route.success.schema, result, route.operationId);
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
