/** Writes every API and image request to the journal once answered; the control API stays out. */
import type { MiddlewareHandler } from "hono";
import type { FakeState } from "../core/fake-state.js";
import { CONTROL_PREFIX } from "./control-routes.js";
import type { FakeEnv } from "./fake-env.js";

export function journalRequests(state: FakeState): MiddlewareHandler<FakeEnv> {
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
      status: c.get("dropped") || c.get("aborted") ? 0 : c.res.status,
      route: c.get("route"),
      keyId: c.get("keyId"),
      taskId: c.get("taskId"),
      taskStatus: c.get("taskStatus"),
      bodyHash: c.get("bodyHash"),
      fault: c.get("fault"),
      aborted: c.get("aborted") || undefined,
    });
  };
}
