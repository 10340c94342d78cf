/**
 * The request log's lines for the control API, which stays out of the journal: every control
 * request but those the inspector page makes by itself, refusals by the guard included.
 */
import type { MiddlewareHandler } from "hono";
import type { Clock } from "../core/clock.js";
import { msSince, type RequestLog } from "../core/request-log.js";
import type { FakeEnv } from "./fake-env.js";
import { INSPECTOR_HEADER } from "./inspector-page.js";
import { requestHeader } from "./request-header.js";

export function logControlRequests(log: RequestLog, clock: Clock): MiddlewareHandler<FakeEnv> {
  return async (c, next) => {
    const at = clock.now();
    const started = performance.now();
    await next();
    if (requestHeader(c, INSPECTOR_HEADER) !== undefined) return;
    const durationMs = msSince(started);
    const { method, path } = c.req;
    log.write({ at, durationMs, method, path, status: c.res.status });
  };
}
