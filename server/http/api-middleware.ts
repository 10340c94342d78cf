/**
 * The one middleware every API and image request passes through: CORS preflights are answered,
 * fault rules may answer or delay the request, CORS headers are added, and the request is written
 * to the journal once answered, with how long it took, and handed to the request log.
 *
 * One layer rather than one per concern: each layer costs every request a promise and a closure,
 * so each concern is a call into its own module instead. The fake's pages and the control API are
 * registered before this middleware, so it never sees them.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { FakeState } from "../core/fake-state.js";
import type { JournalEntry } from "../core/journal.js";
import { msSince, type RequestLog } from "../core/request-log.js";
import { outcomeOf, retryAfterMsOf } from "./answer-facts.js";
import { crossOrigin } from "./cors.js";
import type { FakeEnv } from "./fake-env.js";
import { applyFault } from "./fault-answer.js";

export function apiMiddleware(
  state: FakeState,
  log: RequestLog | undefined,
): MiddlewareHandler<FakeEnv> {
  const cors = crossOrigin(state.options.cors);
  return async (c, next) => {
    const at = state.clock.now();
    const started = performance.now();
    const preflight = cors.preflight(c);
    // A preflight is the browser's question, not the page's request: no fault rule takes it.
    const rule = preflight ? undefined : state.faults.take(c.req.method, c.req.path);
    if (preflight) c.res = preflight;
    else if (rule) await applyFault(c, state, rule, next);
    else await next();
    cors.addHeaders(c);
    const entry = journalEntry(c, at, msSince(started));
    state.journal.add(entry);
    log?.write(entry);
  };
}

function journalEntry(
  c: Context<FakeEnv>,
  at: number,
  durationMs: number,
): Omit<JournalEntry, "seq"> {
  const outcome = outcomeOf(c);
  // Unset fields stay undefined, which JSON leaves out: no copying on every request.
  return {
    at,
    durationMs,
    method: c.req.method,
    path: c.req.path,
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
}
