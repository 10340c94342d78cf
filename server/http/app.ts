/**
 * The fake as a Hono app: `app.fetch` serves it in-process with no port; `start()` serves it on Node.
 * This module only assembles: each route, and the layer around the API's, lives with the concern it
 * serves.
 */
import { type Handler, Hono } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { onFirstUse } from "../../contract/on-first-use.js";
import { BASE_PATH } from "../../contract/routes.js";
import { createFakeController, type FakeController } from "../core/fake-controller.js";
import { createFakeState, type FakeState } from "../core/fake-state.js";
import { type FakeOptionsInput, parseFakeOptions } from "../core/options.js";
import { createRequestLog, type RequestLog } from "../core/request-log.js";
import { apiLayer } from "./api-layer.js";
import { apiRoutes } from "./api-routes.js";
import { CONTROL_PREFIX } from "./control-paths.js";
import { answerErrors, answerUnknownRoute } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { serveImages } from "./image-route.js";
import { serveOpenApi } from "./openapi-document.js";
import { servePages } from "./pages.js";

/**
 * The control API's app, loaded and built at its first request: its table, schemas and routes stay
 * off the start path, as nothing a client of the API sends needs them (README, Start-up).
 */
function controlOnFirstUse(state: FakeState, log: RequestLog | undefined): Handler<FakeEnv> {
  const control = onFirstUse(async () => {
    const { controlRoutes } = await import("./control-routes.js");
    return controlRoutes(state, log);
  });
  return async (c) => (await control()).fetch(c.req.raw, c.env);
}

export type FakeApp = Hono<FakeEnv> & { readonly fake: FakeController };

/**
 * Creates the fake of the GPT Image 2 task API.
 *
 * @example
 * const app = createFakeApp({ clock: "manual", profile: "fast" });
 * const res = await app.request("/v1/result/image_…", { headers: { Authorization: "Bearer k" } });
 */
export function createFakeApp(input: FakeOptionsInput = {}): FakeApp {
  const options = parseFakeOptions(input);
  const state = createFakeState(options);
  // RegExpRouter alone: the fastest of Hono's routers, and it refuses ambiguous routes outright.
  const app = new Hono<FakeEnv>({ router: new RegExpRouter() });
  // The fake's own pages and documents: out of the journal, the log, CORS and the fault rules.
  servePages(app, { control: options.control });
  serveOpenApi(app, options.publicUrl);
  const log = createRequestLog(options.log, options.logTo);
  // The control API is never journaled, faulted or given CORS: only the API's routes are layered.
  if (options.control) app.all(`${CONTROL_PREFIX}/*`, controlOnFirstUse(state, log));
  const layer = apiLayer(state, log);
  const api = apiRoutes(state, layer);
  app.route(BASE_PATH, api);
  app.route("/", api);
  serveImages(app, state, layer);
  // A path nobody serves is the API's: journaled, faulted and given CORS like its routes.
  app.notFound(layer(answerUnknownRoute));
  app.onError(answerErrors);
  return Object.assign(app, { fake: createFakeController(state) });
}
