/**
 * Writes every API and image request to the journal once answered, with how long it took, and
 * hands it to the request log. The control API stays out of the journal; its requests are logged,
 * except those the inspector page makes by itself. The fake's own pages are registered before this
 * middleware, so it never sees them.
 */
import type { MiddlewareHandler } from "hono";
import type { FakeState } from "../core/fake-state.js";
import type { RequestLog } from "../core/request-log.js";
import { outcomeOf, retryAfterMsOf } from "./answer-facts.js";
import { CONTROL_PREFIX } from "./control-table.js";
import type { FakeEnv } from "./fake-env.js";
import { INSPECTOR_HEADER } from "./inspector-page.js";

const elapsedSince = (started: number) => Math.round((performance.now() - started) * 100) / 100;

export function journalRequests(
  state: FakeState,
  log: RequestLog | undefined,
): MiddlewareHandler<FakeEnv> {
  return async (c, next) => {
    const at = state.clock.now();
    const started = performance.now();
    await next();
    const durationMs = elapsedSince(started);
    const path = c.req.path;
    if (path.startsWith(CONTROL_PREFIX)) {
      if (log !== undefined && c.req.header(INSPECTOR_HEADER) === undefined) {
        const { method } = c.req;
        log.write({ at, durationMs, method, path, status: c.res.status, taskId: c.get("taskId") });
      }
      return;
    }
    const outcome = outcomeOf(c);
    // Unset fields stay undefined, which JSON leaves out: no copying on every request.
    const entry = {
      at,
      durationMs,
      method: c.req.method,
      path,
      status: outcome ? 0 : c.res.status,
      outcome,
      route: c.get("route"),
      keyId: c.get("keyId"),
      taskId: c.get("taskId"),
      taskStatus: c.get("taskStatus"),
      retryAfterMs: outcome ? undefined : retryAfterMsOf(c.res, at),
      bodyHash: c.get("bodyHash"),
      fault: c.get("fault"),
    };
    state.journal.add(entry);
    log?.write(entry);
  };
}
