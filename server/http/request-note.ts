/**
 * What answering one API request learns for its journal entry: the handlers, the fault rules and
 * the error answers each fill in what they know, and the API layer writes the entry from it.
 */
import type { JournalEntry } from "../core/journal.js";

export type RequestNote = {
  -readonly [K in "route" | "keyId" | "taskId" | "taskStatus" | "bodyHash" | "fault" | "outcome"]:
    | JournalEntry[K]
    | undefined;
};

/** An empty note, every field present: notes then share one shape. */
export const newNote = (): RequestNote => ({
  route: undefined,
  keyId: undefined,
  taskId: undefined,
  taskStatus: undefined,
  bodyHash: undefined,
  fault: undefined,
  outcome: undefined,
});
