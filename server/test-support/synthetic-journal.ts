import type { JournalEntry } from "../core/journal.js";

const START = 1_700_000_000_000;

type NewEntry = Omit<JournalEntry, "seq" | "method" | "path" | "durationMs">;

/**
 * A journal of `size` requests from `keys` clients, built without a fake so it can be as large as a
 * benchmark needs. Clients create tasks from a handful of bodies (the worst case for a grader that
 * compares creates pairwise) and poll them every 2 s, and every so often make each mistake the
 * grades look for: a create resent after a 503, a 429's Retry-After ignored, a first poll 10 ms
 * after the create, a task given up after a 429, a poll after completed, polls 500 ms apart, a
 * create sent twice in a row.
 *
 * @example const journal = syntheticJournal(20_000); gradePolling(journal);
 */
export function syntheticJournal(size: number, keys = 2): JournalEntry[] {
  const entries: JournalEntry[] = [];
  let at = START;
  const add = (entry: NewEntry) => {
    const create = entry.route === "createImageTask";
    entries.push({
      seq: entries.length + 1,
      method: create ? "POST" : "GET",
      path: create ? "/v1/image2/images" : `/v1/result/${entry.taskId}`,
      durationMs: 1,
      ...entry,
    });
  };
  const every = (cycle: number, period: number) => cycle % period === 0;
  for (let cycle = 0; entries.length < size; cycle += 1) {
    const keyId = `key_${cycle % keys}`;
    const taskId = `image_${cycle}`;
    const create = { route: "createImageTask", keyId, bodyHash: `body_${cycle % 7}` } as const;
    const poll = { route: "getTaskResult", keyId, taskId } as const;
    if (every(cycle, 5)) add({ ...create, at, status: 503 });
    if (every(cycle, 11)) {
      at += 10;
      add({ ...create, at, status: 429, retryAfterMs: 1000 });
    }
    at += every(cycle, 33) ? 100 : 3000;
    add({ ...create, at, status: 200, taskId, taskStatus: "queued" });
    if (every(cycle, 41)) {
      at += 200;
      add({ ...create, at, status: 200, taskStatus: "queued" });
    }
    at += every(cycle, 23) ? 10 : 2000;
    for (let n = 1; n <= 4; n += 1) {
      if (every(cycle, 13) && n === 2) {
        add({ ...poll, at, status: 429, retryAfterMs: 1000 });
        break;
      }
      if (every(cycle, 17) && n === 3) add({ ...poll, at, status: 0, outcome: "dropped" });
      else add({ ...poll, at, status: 200, taskStatus: n === 4 ? "completed" : "processing" });
      at += every(cycle, 37) ? 500 : 2000;
    }
    if (every(cycle, 31)) add({ ...poll, at, status: 200, taskStatus: "completed" });
  }
  return entries.slice(0, size);
}
