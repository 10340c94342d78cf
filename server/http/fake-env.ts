import type { HttpBindings } from "@hono/node-server";

/**
 * Hono's environment for the fake: Node bindings when served on a port, none in-process. Bindings
 * are the request's own, as @hono/node-server passes them: the fake reads the request's headers and
 * its declared body from them, so a wrapper that hands the fake a rewritten request passes none.
 */
export interface FakeEnv {
  Bindings: Partial<HttpBindings>;
}
