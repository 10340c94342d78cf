/**
 * What the journal keeps about an answer beyond its status: whether it reached the client at all,
 * and how long it asked the client to wait. The polling grades need both.
 */
import type { Context } from "hono";
import { parseRetryAfter } from "../../contract/retry-after.js";
import type { FakeEnv } from "./fake-env.js";

/**
 * Whether the client went away before its answer: on a port its connection closed; in-process its
 * request's AbortSignal fired. The journal then says `aborted`.
 */
export function clientIsGone(c: Context<FakeEnv>): boolean {
  // The Node response, when there is one, says so without building the request's AbortSignal.
  const outgoing = c.env?.outgoing;
  return outgoing ? outgoing.destroyed : c.req.raw.signal.aborted;
}

/**
 * The wait, in ms, that a 429 or 503 asks for in `Retry-After` (seconds, or a date taken on the
 * fake's clock); undefined for other answers or an unreadable header.
 *
 * @example retryAfterMsOf(c.res, at) // 2000 for a 429 with `Retry-After: 2`
 */
export function retryAfterMsOf(response: Response, now: number): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  return parseRetryAfter(response.headers.get("retry-after"), now);
}
