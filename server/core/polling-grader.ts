/**
 * Grades how each API key polls, from the journal: the provider asks for a poll every 2–5 s and
 * none after completed or failed, and a create retried with the same body is a second billed task.
 */
import type { JournalEntry } from "./journal.js";

export interface PollingGrade {
  readonly keyId: string;
  readonly polls: number;
  readonly tasksPolled: number;
  /** The shortest time between two polls of one task; null with fewer than two. */
  readonly shortestPollIntervalMs: number | null;
  readonly pollsAfterTerminal: number;
  /** Creates with the same body as one from the same key less than a second before. */
  readonly repeatedCreates: number;
  readonly problems: readonly string[];
}

export interface GradeOptions {
  /** The shortest polite interval between polls of one task (the provider says 2–5 s). */
  readonly minIntervalMs?: number;
  /** Creates with one body closer together than this count as repeated. */
  readonly repeatWindowMs?: number;
}

const TERMINAL = new Set(["completed", "failed"]);

function gradeKey(
  keyId: string,
  entries: readonly JournalEntry[],
  minIntervalMs: number,
  repeatWindowMs: number,
): PollingGrade {
  const polls = entries.filter((e) => e.route === "getTaskResult" && e.status === 200 && e.taskId);
  const byTask = new Map<string, JournalEntry[]>();
  for (const poll of polls) {
    const id = poll.taskId ?? "";
    const list = byTask.get(id) ?? [];
    list.push(poll);
    byTask.set(id, list);
  }
  let shortest: number | null = null;
  let afterTerminal = 0;
  for (const taskPolls of byTask.values()) {
    taskPolls.forEach((poll, i) => {
      const previous = taskPolls[i - 1];
      if (!previous) return;
      const interval = poll.at - previous.at;
      shortest = shortest === null ? interval : Math.min(shortest, interval);
      if (TERMINAL.has(previous.taskStatus ?? "")) afterTerminal += 1;
    });
  }
  const creates = entries.filter((e) => e.route === "createImageTask" && e.bodyHash);
  const repeated = creates.filter((create, i) =>
    creates
      .slice(0, i)
      .some(
        (earlier) =>
          earlier.bodyHash === create.bodyHash && create.at - earlier.at < repeatWindowMs,
      ),
  ).length;
  const problems = [
    ...(shortest !== null && shortest < minIntervalMs
      ? [
          `polled a task ${shortest} ms after the previous poll; the provider asks for ${minIntervalMs} ms or more`,
        ]
      : []),
    ...(afterTerminal > 0
      ? [`polled ${afterTerminal} time(s) after a task was completed or failed`]
      : []),
    ...(repeated > 0
      ? [
          `sent ${repeated} create(s) repeating the same body within ${repeatWindowMs} ms: each is a billed task`,
        ]
      : []),
  ];
  return {
    keyId,
    polls: polls.length,
    tasksPolled: byTask.size,
    shortestPollIntervalMs: shortest,
    pollsAfterTerminal: afterTerminal,
    repeatedCreates: repeated,
    problems,
  };
}

/** One grade per key that used the API, from journal entries oldest first. */
export function gradePolling(
  entries: readonly JournalEntry[],
  options: GradeOptions = {},
): PollingGrade[] {
  const { minIntervalMs = 2000, repeatWindowMs = 1000 } = options;
  const byKey = new Map<string, JournalEntry[]>();
  for (const entry of entries) {
    if (!entry.keyId) continue;
    const list = byKey.get(entry.keyId) ?? [];
    list.push(entry);
    byKey.set(entry.keyId, list);
  }
  return [...byKey].map(([keyId, keyEntries]) =>
    gradeKey(keyId, keyEntries, minIntervalMs, repeatWindowMs),
  );
}
