/**
 * Grades how each API key uses the task API, from the journal, against what the provider asks and
 * what costs money in production: a poll every 2–5 s and none after completed or failed, and a
 * create never resent blindly (the provider documents no idempotency: each create is billed).
 *
 * One pass over the journal, in the order the fake finished the requests, with constant work per
 * entry (map lookups only, nothing rescanned), then one pass over the tasks seen: linear in the
 * journal's size, so a large journal never blocks the event loop for long.
 */
import { z } from "zod";
import { isTerminalStatus, type TaskStatus } from "../../contract/schemas.js";
import type { JournalEntry } from "./journal.js";

const tally = (description: string) => z.int().min(0).describe(description);

/** How one API key polls, graded: a count per kind of mistake, and a sentence per kind found. */
export const PollingGrade = z.object({
  keyId: z.string().describe("A fingerprint of the bearer key, never the key"),
  polls: tally("Polls answered 200"),
  tasksPolled: tally("Tasks polled at least once"),
  shortestPollIntervalMs: z
    .number()
    .nullable()
    .describe(
      "The shortest time between two polls of one task answered 200; null with fewer than two",
    ),
  pollsAfterTerminal: tally("Polls of a task after the client saw it completed or failed"),
  repeatedCreates: tally(
    "Creates that made (or may have made) a task with the body of one that made a task less than repeatWindowMs before",
  ),
  createRetriesAfterUnknownOutcome: tally(
    "Creates resending, within retryWindowMs, the body of a create answered 5xx, cut off or abandoned by the client: that first create may have made a billed task",
  ),
  tasksAbandoned: tally(
    "Tasks whose last poll was answered 429 or 5xx, cut off or abandoned while the client knew them queued or processing, and not polled again for abandonGraceMs",
  ),
  retryAfterIgnored: tally(
    "Polls and creates sent sooner than the Retry-After of the 429 or 503 the key got last",
  ),
  firstPollsTooSoon: tally(
    "Tasks polled sooner than minIntervalMs after their create answered queued or processing",
  ),
  problems: z
    .array(z.string())
    .describe(
      "A sentence per kind of mistake: what happened, to which task or request, what to do",
    ),
});
export type PollingGrade = Readonly<z.infer<typeof PollingGrade>>;

export interface GradeOptions {
  /** The shortest polite wait before a task's first poll and between its polls (default 2000). */
  readonly minIntervalMs?: number | undefined;
  /** Creates with one body closer together than this count as repeated (default 1000). */
  readonly repeatWindowMs?: number | undefined;
  /** A create resent this soon after one whose outcome is unknown is a retry (default 10 min). */
  readonly retryWindowMs?: number | undefined;
  /** How long a task may go unpolled after a failed poll before it is abandoned (default 30 s). */
  readonly abandonGraceMs?: number | undefined;
  /** When the grade is asked for, on the fake's clock; by default the newest entry's time. */
  readonly now?: number | undefined;
}

type Thresholds = { readonly [K in keyof GradeOptions]-?: number };

/**
 * How much earlier than minIntervalMs a poll may arrive and still count as polite. A client on a
 * fixed schedule (every 2 s) sends on time, but one request held up by a busy event loop or the
 * network arrives late, and the next one then arrives early by as much; its own timer never fires
 * early. 5% takes a 100 ms hold-up at 2 s, and still catches every schedule faster than asked.
 */
const tooSoon = (intervalMs: number, minIntervalMs: number) => intervalMs < minIntervalMs * 0.95;

/** A status a create or poll answered that is still pending: the task runs on. */
const isPending = (status: TaskStatus | undefined) =>
  status !== undefined && !isTerminalStatus(status);

const isSuccess = (entry: JournalEntry) => entry.status >= 200 && entry.status < 300;

/** No answer the client can trust: the server may have acted on the request, or not. */
const isUnknownOutcome = (entry: JournalEntry) => entry.status === 0 || entry.status >= 500;

const mayHaveMadeTask = (entry: JournalEntry) => isSuccess(entry) || isUnknownOutcome(entry);

/** A poll that told the client nothing about its task. */
const isFailedPoll = (entry: JournalEntry) => entry.status === 429 || isUnknownOutcome(entry);

function whatHappened(entry: JournalEntry): string {
  if (entry.outcome === "aborted") return "abandoned by the client before its answer (a timeout)";
  if (entry.outcome === "dropped" || entry.status === 0) return "cut off (connection dropped)";
  return `answered ${entry.status}`;
}

const requestName = (entry: JournalEntry) =>
  entry.route === "createImageTask"
    ? "create"
    : entry.route === "getTaskResult"
      ? "poll"
      : "request";

interface TaskTrack {
  /** Arrival of the create that answered the task, and the status it answered. */
  created?: JournalEntry;
  /** The task's status as the client last learnt it, from its create or a poll. */
  knownStatus?: TaskStatus | undefined;
  lastPoll?: JournalEntry;
  lastAnsweredPoll?: JournalEntry;
}

/** How many times a mistake happened, and its first occurrence to name in the sentence. */
interface Counted<T> {
  count: number;
  first?: T;
}

function count<T>(counter: Counted<T>, example: () => T): void {
  counter.count += 1;
  counter.first ??= example();
}

interface Abandoned {
  readonly taskId: string;
  readonly poll: JournalEntry;
  readonly status: string;
}

/** What one key did, accumulated entry by entry. */
class KeyTally {
  polls = 0;
  tasksPolled = 0;
  shortest: number | null = null;
  afterTerminal = 0;
  readonly tasks = new Map<string, TaskTrack>();
  /** The latest arrival of a create that made a task, per body. */
  readonly taskCreates = new Map<string, number>();
  /** The latest create with an unknown outcome, per body, until a create of that body succeeds. */
  readonly unknownCreates = new Map<string, JournalEntry>();
  lastRetryAfter: JournalEntry | undefined;
  repeated = 0;
  readonly retries: Counted<{ retry: JournalEntry; earlier: JournalEntry }> = { count: 0 };
  readonly ignored: Counted<{ request: JournalEntry; asked: JournalEntry }> = { count: 0 };
  readonly tooSoon: Counted<{ poll: JournalEntry; created: JournalEntry }> = { count: 0 };

  constructor(readonly limits: Thresholds) {}

  add(entry: JournalEntry): void {
    if (entry.route !== "createImageTask" && entry.route !== "getTaskResult") return;
    this.#checkRetryAfter(entry);
    if (entry.route === "createImageTask") this.#addCreate(entry);
    else if (entry.taskId !== undefined) this.#addPoll(entry, entry.taskId);
  }

  #task(id: string): TaskTrack {
    let track = this.tasks.get(id);
    if (!track) {
      track = {};
      this.tasks.set(id, track);
    }
    return track;
  }

  #checkRetryAfter(entry: JournalEntry): void {
    const asked = this.lastRetryAfter;
    if (asked?.retryAfterMs !== undefined && entry.at >= asked.at) {
      if (entry.at - asked.at < asked.retryAfterMs)
        count(this.ignored, () => ({ request: entry, asked }));
    }
    if (entry.retryAfterMs !== undefined) this.lastRetryAfter = entry;
  }

  #addCreate(entry: JournalEntry): void {
    const body = entry.bodyHash;
    if (body !== undefined) {
      const lastTask = this.taskCreates.get(body);
      const soon = lastTask !== undefined && entry.at - lastTask < this.limits.repeatWindowMs;
      if (soon && mayHaveMadeTask(entry)) this.repeated += 1;
      const earlier = this.unknownCreates.get(body);
      if (earlier && entry.at >= earlier.at && entry.at - earlier.at <= this.limits.retryWindowMs)
        count(this.retries, () => ({ retry: entry, earlier }));
      if (isUnknownOutcome(entry)) this.unknownCreates.set(body, entry);
      else if (isSuccess(entry)) {
        this.unknownCreates.delete(body);
        this.taskCreates.set(body, Math.max(entry.at, lastTask ?? entry.at));
      }
    }
    if (isSuccess(entry) && entry.taskId !== undefined) {
      const track = this.#task(entry.taskId);
      track.created = entry;
      track.knownStatus = entry.taskStatus;
    }
  }

  #addPoll(poll: JournalEntry, taskId: string): void {
    const track = this.#task(taskId);
    const { created } = track;
    if (!track.lastPoll && created && isPending(created.taskStatus)) {
      if (tooSoon(poll.at - created.at, this.limits.minIntervalMs))
        count(this.tooSoon, () => ({ poll, created }));
    }
    track.lastPoll = poll;
    if (poll.status !== 200) return;
    this.polls += 1;
    const previous = track.lastAnsweredPoll;
    if (previous) {
      const interval = poll.at - previous.at;
      this.shortest = this.shortest === null ? interval : Math.min(this.shortest, interval);
      if (previous.taskStatus !== undefined && isTerminalStatus(previous.taskStatus))
        this.afterTerminal += 1;
    } else {
      this.tasksPolled += 1;
    }
    track.lastAnsweredPoll = poll;
    track.knownStatus = poll.taskStatus;
  }

  /** Tasks left pending after a failed poll, as of `now`. */
  abandoned(): Counted<Abandoned> {
    const result: Counted<Abandoned> = { count: 0 };
    for (const [taskId, { lastPoll, knownStatus }] of this.tasks) {
      if (!lastPoll || !isFailedPoll(lastPoll) || !isPending(knownStatus)) continue;
      if (this.limits.now - lastPoll.at < this.limits.abandonGraceMs) continue;
      count(result, () => ({ taskId, poll: lastPoll, status: knownStatus ?? "" }));
    }
    return result;
  }
}

function problemsOf(tally: KeyTally, abandoned: Counted<Abandoned>): string[] {
  const { minIntervalMs, repeatWindowMs, now } = tally.limits;
  const problems: string[] = [];
  if (tally.shortest !== null && tooSoon(tally.shortest, minIntervalMs)) {
    problems.push(
      `polled a task ${tally.shortest} ms after the previous poll; the provider asks for ${minIntervalMs} ms or more`,
    );
  }
  if (tally.afterTerminal > 0)
    problems.push(`polled ${tally.afterTerminal} time(s) after a task was completed or failed`);
  if (tally.repeated > 0) {
    problems.push(
      `sent ${tally.repeated} create(s) repeating the same body within ${repeatWindowMs} ms: each is a billed task`,
    );
  }
  const retry = tally.retries.first;
  if (retry) {
    problems.push(
      `resent a create (request #${retry.retry.seq}, body ${retry.retry.bodyHash}) ${retry.retry.at - retry.earlier.at} ms after the same create (request #${retry.earlier.seq}) was ${whatHappened(retry.earlier)}, ${tally.retries.count} such create(s) in all: the first may have made a billed task and the provider documents no idempotency, so do not resend a create after a 5xx, a dropped connection or a timeout; report the failure instead`,
    );
  }
  const gone = abandoned.first;
  if (gone) {
    problems.push(
      `stopped polling task ${gone.taskId}, last seen ${gone.status}, after its poll (request #${gone.poll.seq}) was ${whatHappened(gone.poll)}, and has not polled it in the ${now - gone.poll.at} ms since, ${abandoned.count} such task(s) in all: the task runs on and is billed, and its image is lost; keep polling every 2–5 s, waiting out any Retry-After, until completed or failed`,
    );
  }
  const ignored = tally.ignored.first;
  if (ignored) {
    problems.push(
      `sent a ${requestName(ignored.request)} (request #${ignored.request.seq}) ${ignored.request.at - ignored.asked.at} ms after a ${ignored.asked.status} (request #${ignored.asked.seq}) that asked to retry after ${ignored.asked.retryAfterMs} ms, ${tally.ignored.count} such request(s) in all: wait out Retry-After before the next request with this key`,
    );
  }
  const early = tally.tooSoon.first;
  if (early) {
    problems.push(
      `polled task ${early.poll.taskId} ${early.poll.at - early.created.at} ms after its create answered ${early.created.taskStatus}, ${tally.tooSoon.count} such task(s) in all; the provider asks for ${minIntervalMs} ms or more: wait one polling interval before the first poll`,
    );
  }
  return problems;
}

function gradeOf(keyId: string, tally: KeyTally): PollingGrade {
  const abandoned = tally.abandoned();
  return {
    keyId,
    polls: tally.polls,
    tasksPolled: tally.tasksPolled,
    shortestPollIntervalMs: tally.shortest,
    pollsAfterTerminal: tally.afterTerminal,
    repeatedCreates: tally.repeated,
    createRetriesAfterUnknownOutcome: tally.retries.count,
    tasksAbandoned: abandoned.count,
    retryAfterIgnored: tally.ignored.count,
    firstPollsTooSoon: tally.tooSoon.count,
    problems: problemsOf(tally, abandoned),
  };
}

/**
 * One grade per key that used the API, from journal entries in the order the fake finished them.
 *
 * @example
 * const [grade] = gradePolling(app.fake.requests(), { now: app.fake.clock.now() });
 * if (grade?.problems.length) console.log(grade.problems.join("\n"));
 */
export function gradePolling(
  entries: readonly JournalEntry[],
  options: GradeOptions = {},
): PollingGrade[] {
  let newest = Number.NEGATIVE_INFINITY;
  for (const entry of entries) newest = Math.max(newest, entry.at);
  const limits: Thresholds = {
    minIntervalMs: options.minIntervalMs ?? 2000,
    repeatWindowMs: options.repeatWindowMs ?? 1000,
    retryWindowMs: options.retryWindowMs ?? 600_000,
    abandonGraceMs: options.abandonGraceMs ?? 30_000,
    now: options.now ?? newest,
  };
  const byKey = new Map<string, KeyTally>();
  for (const entry of entries) {
    if (!entry.keyId) continue;
    let tally = byKey.get(entry.keyId);
    if (!tally) {
      tally = new KeyTally(limits);
      byKey.set(entry.keyId, tally);
    }
    tally.add(entry);
  }
  return [...byKey].map(([keyId, tally]) => gradeOf(keyId, tally));
}
