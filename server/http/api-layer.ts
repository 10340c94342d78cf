/**
 * What every API and image request passes through, as one wrapper around its route's handler: a
 * CORS preflight is answered, a fault rule may answer or delay the request, a thrown ApiError
 * becomes the API's error answer, CORS headers are added, and the request is written to the
 * journal once answered, with how long it took, and handed to the request log.
 *
 * A wrapper rather than a middleware: with one handler per route Hono calls it directly, without
 * composing a chain of promises, and a handler that has nothing to wait for (a poll) answers
 * without any promise. The fake's pages and the control API are not wrapped, so they stay out of
 * the journal, the fault rules and CORS.
 */
import type { Context } from "hono";
import type { FakeState } from "../core/fake-state.js";
import { msSince, type RequestLog } from "../core/request-log.js";
import { clientIsGone, retryAfterMsOf } from "./answer-facts.js";
import { crossOrigin } from "./cors.js";
import { answerErrors, RequestAborted } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { applyFault } from "./fault-answer.js";
import { newNote, type RequestNote } from "./request-note.js";

/** A route's own work: its answer, or a promise of it when it must wait (for a body). */
export type ApiHandler = (c: Context<FakeEnv>, note: RequestNote) => Response | Promise<Response>;

/** Wraps a route's handler in the API's layer: a Hono handler, or the app's not-found handler. */
export type ApiLayer = (
  handler: ApiHandler,
) => (c: Context<FakeEnv>) => Response | Promise<Response>;

export function apiLayer(state: FakeState, log: RequestLog | undefined): ApiLayer {
  const cors = crossOrigin(state.options.cors);
  const finish = (
    c: Context<FakeEnv>,
    note: RequestNote,
    answer: Response,
    started: number,
  ): Response => {
    cors.addHeaders(c, answer);
    note.durationMs = msSince(started);
    note.outcome ??= clientIsGone(c) ? "aborted" : undefined;
    if (note.outcome === undefined) {
      note.status = answer.status;
      note.retryAfterMs = retryAfterMsOf(answer, note.at);
    }
    state.journal.add(note);
    log?.write(note);
    return answer;
  };
  return (handler) => (c) => {
    const note = newNote(c, state.clock.now());
    const started = performance.now();
    // A preflight is the browser's question, not the page's request: no fault rule takes it.
    const preflight = cors.preflight(c);
    if (preflight) return finish(c, note, preflight, started);
    const rule = state.faults.take(note.method, note.path);
    const answer = rule
      ? applyFault(c, state, note, rule, () => answerOf(c, note, handler))
      : answerOf(c, note, handler);
    return answer instanceof Promise
      ? finishOnceSettled(c, note, answer, started)
      : finish(c, note, answer, started);
  };
  // Async functions, not `.then` callbacks: a callback is a new closure per request, and each
  // one's first call goes through V8's lazy-compile stub, a cost a create paid twice.
  async function finishOnceSettled(
    c: Context<FakeEnv>,
    note: RequestNote,
    answer: Promise<Response>,
    started: number,
  ): Promise<Response> {
    return finish(c, note, await answer, started);
  }
}

/** The handler's answer, an error it throws or rejects with answered as the API answers it. */
function answerOf(
  c: Context<FakeEnv>,
  note: RequestNote,
  handler: ApiHandler,
): Response | Promise<Response> {
  try {
    const answer = handler(c, note);
    return answer instanceof Promise ? answerOnceSettled(c, note, answer) : answer;
  } catch (error) {
    return answerError(c, note, error);
  }
}

async function answerOnceSettled(
  c: Context<FakeEnv>,
  note: RequestNote,
  answer: Promise<Response>,
): Promise<Response> {
  try {
    return await answer;
  } catch (error) {
    return answerError(c, note, error);
  }
}

function answerError(c: Context<FakeEnv>, note: RequestNote, error: unknown): Response {
  if (error instanceof RequestAborted) note.outcome = "aborted";
  return answerErrors(error, c);
}
