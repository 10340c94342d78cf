/**
 * The journal entry of one API request, filled in as the request is answered: the API layer opens
 * it with what the request says, the handlers, the fault rules and the error answers add what they
 * learn, and the layer closes it with the answer and hands it to the journal, which keeps a copy.
 */
import type { Context } from "hono";
import type { JournalNote } from "../core/journal.js";
import type { FakeEnv } from "./fake-env.js";

export type RequestNote = JournalNote;

/**
 * A request's entry, every field present so that entries share one shape; `durationMs` and
 * `status` are set once it is answered.
 */
export const newNote = (c: Context<FakeEnv>, at: number): RequestNote => ({
  at,
  durationMs: 0,
  method: c.req.method,
  path: c.req.path,
  status: 0,
  outcome: undefined,
  route: undefined,
  keyId: undefined,
  taskId: undefined,
  taskStatus: undefined,
  retryAfterMs: undefined,
  bodyHash: undefined,
  fault: undefined,
});
