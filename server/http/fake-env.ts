import type { HttpBindings } from "@hono/node-server";

/** Hono's environment for the fake: Node bindings when served on a port, none in-process. */
export interface FakeEnv {
  Bindings: Partial<HttpBindings>;
}
