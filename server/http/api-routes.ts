/**
 * The API endpoints, registered from the route table: each route's path, method, auth, body
 * schema and success schema come from `contract/routes.ts`; this file only adds behaviour.
 */
import { type Context, Hono } from "hono";
import type { z } from "zod";
import { type RouteDefinition, routes } from "../../contract/routes.js";
import type { FakeState } from "../core/fake-state.js";
import { tableOutputOf } from "../core/task-id.js";
import { createdBody, resultBody } from "../core/tasks.js";
import { imagePath } from "../images/image-path.js";
import type { ApiLayer } from "./api-layer.js";
import { ApiError, assertAnswerMatches } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { publicOrigin } from "./public-origin.js";
import { authenticate, type Owner, planHeaders, readJsonBody } from "./request-input.js";
import type { RequestNote } from "./request-note.js";
import { type AnswerOf, type BodyOf, honoPath, type ParamsOf } from "./route-types.js";

interface HandlerInput<R> {
  readonly c: Context<FakeEnv>;
  /** What the journal will say of this request. */
  readonly note: RequestNote;
  /** The bearer key (which owns the tasks it creates) and its fingerprint. */
  readonly owner: Owner;
  readonly params: ParamsOf<R>;
}
type Handler<R> = (input: HandlerInput<R>, body: BodyOf<R>) => AnswerOf<R>;

function handlers(state: FakeState): { [K in keyof typeof routes]: Handler<(typeof routes)[K]> } {
  return {
    createImageTask({ c, note, owner }, body) {
      const overrides = planHeaders(c);
      const output = tableOutputOf(body);
      const now = state.clock.now();
      const created = state.tasks.create({
        request: body,
        output,
        plan: state.planner.plan(body, output.size, overrides),
        ownerKey: owner.key,
        keyId: owner.keyId,
        now,
      });
      if (!created.ok)
        throw new ApiError("rate_limited", created.problem, [], { "Retry-After": "1" });
      note.taskId = created.task.id;
      const answer = createdBody(created.task.id, created.task, now);
      note.taskStatus = answer.status;
      return answer;
    },
    getTaskResult({ c, note, owner, params }) {
      note.taskId = params.id;
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
      note.taskStatus = body.status;
      return body;
    },
  };
}

/**
 * A route's path parameters as Hono decoded them, unchecked: their format is the handler's to check.
 * A poll's id is checked by opening it, and a malformed one names no task, the same answer as an
 * unknown one; the schema's parse, a second check of the same format, cost polls several per cent.
 */
function paramsReader(route: RouteDefinition) {
  const names = Object.keys(route.params ?? {});
  return (c: Context<FakeEnv>): Record<string, string> => {
    const params: Record<string, string> = {};
    for (const name of names) params[name] = c.req.param(name) ?? "";
    return params;
  };
}

function register<R extends RouteDefinition>(
  api: Hono<FakeEnv>,
  state: FakeState,
  layer: ApiLayer,
  route: R,
  handler: Handler<R>,
): void {
  const path = honoPath(route.path);
  const method = route.method.toUpperCase();
  const readParams = paramsReader(route);
  const answer = (input: HandlerInput<R>, body: BodyOf<R>) => {
    const result = handler(input, body);
    if (state.options.selfCheck)
      assertAnswerMatches(route.success.schema, result, route.operationId);
    return input.c.json(result, route.success.status);
  };
  // An async function where a `.then` callback would be a closure made, and lazily compiled, per create.
  const answerOnceRead = async (input: HandlerInput<R>, schema: z.ZodType) =>
    answer(input, (await readJsonBody(input.c, input.note, schema)) as BodyOf<R>);
  // One handler for every method, so Hono calls it directly instead of composing two.
  api.all(
    path,
    layer((c, note) => {
      // Hono answers a HEAD with the GET route, leaving out the body.
      const asked = c.req.method === "HEAD" ? "GET" : c.req.method;
      if (asked !== method) {
        throw new ApiError(
          "method_not_allowed",
          `${c.req.method} is not allowed here; use ${method}`,
          [],
          { Allow: method },
        );
      }
      note.route = route.operationId;
      const owner = authenticate(c, state.options.apiKeys);
      note.keyId = owner.keyId;
      const limited = state.limiter?.take(owner.keyId);
      if (limited && !limited.ok) {
        throw new ApiError(
          "rate_limited",
          `Too many requests for this key; retry after ${limited.retryAfterS} s`,
          [],
          { "Retry-After": String(limited.retryAfterS) },
        );
      }
      const input: HandlerInput<R> = { c, note, owner, params: readParams(c) as ParamsOf<R> };
      // A route with no body answers at once: no promise on a poll's path.
      return route.body
        ? answerOnceRead(input, route.body.schema)
        : answer(input, undefined as BodyOf<R>);
    }),
  );
}

/** A Hono app with every route of the table, to mount at the root and under the base path. */
export function apiRoutes(state: FakeState, layer: ApiLayer): Hono<FakeEnv> {
  const api = new Hono<FakeEnv>();
  const byId = handlers(state);
  register(api, state, layer, routes.createImageTask, byId.createImageTask);
  register(api, state, layer, routes.getTaskResult, byId.getTaskResult);
  return api;
}
