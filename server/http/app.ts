/**
 * The fake as a Hono app: `app.fetch` serves it in-process with no port; `start()` serves it on Node.
 * This module only assembles: each middleware and route lives with the concern it serves.
 */
import { Hono } from "hono";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { BASE_PATH } from "../../contract/routes.js";
import { createFakeController, type FakeController } from "../core/fake-controller.js";
import { createFakeState } from "../core/fake-state.js";
import { type FakeOptionsInput, parseFakeOptions } from "../core/options.js";
import { apiRoutes } from "./api-routes.js";
import { CONTROL_PREFIX, controlRoutes } from "./control-routes.js";
import { answerErrors, answerUnknownRoute } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { injectFaults } from "./fault-middleware.js";
import { serveImages } from "./image-route.js";
import { journalRequests } from "./journal-middleware.js";
import { serveOpenApi } from "./openapi-document.js";
import { servePages } from "./pages.js";

export type FakeApp = Hono<FakeEnv> & { readonly fake: FakeController };

/**
 * Creates the fake of the GPT Image 2 task API.
 *
 * @example
 * const app = createFakeApp({ clock: "manual", profile: "fast" });
 * const res = await app.request("/v1/result/image_…", { headers: { Authorization: "Bearer k" } });
 */
export function createFakeApp(input: FakeOptionsInput = {}): FakeApp {
  const state = createFakeState(parseFakeOptions(input));
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
  app.notFound(answerUnknownRoute);
  app.onError(answerErrors);
  return Object.assign(app, { fake: createFakeController(state) });
}
