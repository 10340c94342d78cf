/**
 * What a fault rule does to the API or image request it took: a delay, an error status, or a
 * connection cut. The control API is never faulted, so a test can always clear what it set.
 */
import { setTimeout as delay } from "node:timers/promises";
import type { Context } from "hono";
import { assumedError } from "../../contract/assumed-errors.js";
import type { FakeState } from "../core/fake-state.js";
import type { FaultRule } from "../core/faults.js";
import { fakeErrorBody } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { identifyRequest } from "./request-input.js";
import type { RequestNote } from "./request-note.js";

/** Marks the in-process stand-in for a cut connection, so the fake's fetch can reject like a real one. */
export const DROPPED_HEADER = "x-image2-kit-dropped";

function droppedResponse(c: Context<FakeEnv>): Response {
  const socket = c.env?.outgoing?.socket;
  if (socket) {
    socket.destroy();
    return new Response(null);
  }
  // In-process there is no socket: a body that fails to read is the closest to a cut connection,
  // and the header lets createFakeFetch reject as fetch does.
  return new Response(
    new ReadableStream({
      start: (controller) => controller.error(new Error("connection dropped by a fault rule")),
    }),
    { headers: { [DROPPED_HEADER]: "1" } },
  );
}

/** Waits `ms`, ending early when the client goes away: the request then goes on as a server's would. */
const waitFor = (c: Context<FakeEnv>, ms: number) =>
  ms > 0
    ? delay(ms, undefined, { signal: c.req.raw.signal }).catch(() => undefined)
    : Promise.resolve();

/**
 * Answers the request as `rule` says: after its delay, with its status or a cut connection, or,
 * for a latency rule, with the route's own `answer`.
 */
export async function applyFault(
  c: Context<FakeEnv>,
  state: FakeState,
  note: RequestNote,
  rule: FaultRule,
  answer: () => Response | Promise<Response>,
): Promise<Response> {
  note.fault = rule.id;
  const { action } = rule;
  if (action.type !== "latency") await identifyRequest(c, note, state.options.apiKeys);
  await waitFor(c, state.faults.delayOf(action));
  switch (action.type) {
    case "latency":
      return answer();
    case "drop":
      note.outcome = "dropped";
      return droppedResponse(c);
    case "status": {
      const fallback =
        action.status === 429
          ? assumedError("rate_limited", { message: "Too many requests (injected fault)" })
          : { body: fakeErrorBody(action.status, `Injected fault: HTTP ${action.status}`) };
      const headers = {
        ...(action.status === 429 && { "Retry-After": "1" }),
        ...action.headers,
      };
      return c.json(action.body ?? fallback.body, action.status as 400, headers);
    }
  }
}
