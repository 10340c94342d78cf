import { createHmac, hash, randomBytes } from "node:crypto";
import { z } from "zod";
import { TaskStatus } from "../../contract/schemas.js";
import { type Page, type PageOptions, Ring } from "./ring.js";

/**
 * One request the fake answered, as the journal keeps it and `GET /__fake/requests` lists it.
 * Never holds a key: only `keyId`, a one-way fingerprint; never a body: only its hash.
 */
export const JournalEntry = z.object({
  seq: z.int().min(1).describe("The request's number in this process, from 1"),
  at: z.number().describe("When the request arrived, on the fake's clock, in Unix ms"),
  durationMs: z
    .number()
    .min(0)
    .describe("How long the fake took to answer, in real ms (a fault's delay included)"),
  method: z.string(),
  path: z.string().describe("The request's path, without its query"),
  status: z
    .int()
    .describe("The status answered, or 0 when no answer reached the client (see outcome)"),
  outcome: z
    .enum(["dropped", "aborted"])
    .optional()
    .describe(
      "Set when no answer reached the client: dropped by a fault rule, or aborted when the client went away first (a timeout). The request may still have made a task: see taskId",
    ),
  route: z
    .string()
    .optional()
    .describe("createImageTask, getTaskResult or image; absent for a path the API does not have"),
  keyId: z.string().optional().describe("A fingerprint of the bearer key, never the key"),
  taskId: z.string().optional().describe("The task a create made or a poll asked for"),
  taskStatus: TaskStatus.optional().describe(
    "The task status a create or poll answered: what the client knows of its task",
  ),
  retryAfterMs: z
    .number()
    .optional()
    .describe("The wait a 429 or 503 asked for in its Retry-After header, in ms"),
  bodyHash: z
    .string()
    .optional()
    .describe("A hash of a create's body, to spot repeated creates without keeping prompts"),
  fault: z.string().optional().describe("The id of the fault rule that answered or delayed it"),
});
export type JournalEntry = Readonly<z.infer<typeof JournalEntry>>;

/** Which entries to list: all of one route, one task, or one status (`429`) or class (`4xx`). */
export interface JournalFilter {
  readonly route?: string | undefined;
  readonly taskId?: string | undefined;
  /** An exact status, or its first digit for a class (4 for 4xx). */
  readonly status?: { readonly exact: number } | { readonly class: number } | undefined;
}

const matchesFilter = (entry: Omit<JournalEntry, "seq">, filter: JournalFilter): boolean =>
  (filter.route === undefined || entry.route === filter.route) &&
  (filter.taskId === undefined || entry.taskId === filter.taskId) &&
  (filter.status === undefined ||
    ("exact" in filter.status
      ? entry.status === filter.status.exact
      : Math.floor(entry.status / 100) === filter.status.class));

const keyIds = new Map<string, string>();
const KEY_IDS_KEPT = 1000;
// Drawn once per process: without it, hashing guesses ("test", "sk-1234") would name a weak key.
const FINGERPRINT_SECRET = randomBytes(32);

/**
 * A fingerprint of a bearer key: tells keys apart within this process, and cannot be turned back
 * into the key or matched against guesses, being keyed by a secret this process drew.
 *
 * @example keyIdOf("sk-live-…") // "key_3f9a0c1d2e4b"
 */
export function keyIdOf(key: string): string {
  let id = keyIds.get(key);
  if (id === undefined) {
    id = `key_${createHmac("sha256", FINGERPRINT_SECRET).update(key).digest("hex").slice(0, 12)}`;
    // Every request names its key: remember a bounded number of fingerprints, not recompute them.
    if (keyIds.size >= KEY_IDS_KEPT) keyIds.clear();
    keyIds.set(key, id);
  }
  return id;
}

/**
 * A fingerprint of a request body that spots a repeated create without keeping its prompt.
 *
 * @example bodyHashOf(new TextEncoder().encode('{"model":"gpt-image-2"}')) // "5333d4e5477fccd4"
 */
export const bodyHashOf = (bytes: Uint8Array) => hash("sha256", bytes).slice(0, 16);

/** A journal entry before it is numbered, as the fake fills it in while answering a request. */
export type JournalNote = { -readonly [K in keyof Omit<JournalEntry, "seq">]: JournalEntry[K] };

/** The most recent `size` requests, oldest first; older ones are overwritten. */
export class Journal {
  // Entries are kept unnumbered: an entry's number follows from its place, so a request costs no
  // copy to number it, only the reads do.
  readonly #ring: Ring<JournalNote>;
  #added = 0;

  constructor(readonly size: number) {
    this.#ring = new Ring(size);
  }

  /** Keeps a copy of the entry: the caller's object is not held. */
  add(entry: Omit<JournalEntry, "seq">): void {
    this.#ring.add(keep(entry, this.#ring.overwritten));
    this.#added += 1;
  }

  list(): JournalEntry[] {
    const first = this.#firstSeq();
    return this.#ring.list().map((entry, age) => numbered(entry, first + age));
  }

  /** The entries that match `filter`, paged: see Ring.page. */
  page(filter: JournalFilter, options: PageOptions): Page<JournalEntry> {
    const first = this.#firstSeq();
    return this.#ring.page(
      (entry) => matchesFilter(entry, filter),
      options,
      (entry, age) => numbered(entry, first + age),
    );
  }

  clear(): void {
    this.#ring.clear();
  }

  #firstSeq(): number {
    return this.#added - this.#ring.count + 1;
  }
}

/**
 * An entry written over the record it overwrites, or copied while the ring fills. Each request's
 * own object then dies young: kept, it was copied by every scavenge until promoted, with its two
 * times boxed anew, which cost a poll 5 % of its CPU. Every field is copied: journal.test.ts checks
 * the schema's fields against this list.
 */
function keep(entry: Omit<JournalEntry, "seq">, record: JournalNote | undefined): JournalNote {
  if (record === undefined) return { ...entry };
  record.at = entry.at;
  record.durationMs = entry.durationMs;
  record.method = entry.method;
  record.path = entry.path;
  record.status = entry.status;
  record.outcome = entry.outcome;
  record.route = entry.route;
  record.keyId = entry.keyId;
  record.taskId = entry.taskId;
  record.taskStatus = entry.taskStatus;
  record.retryAfterMs = entry.retryAfterMs;
  record.bodyHash = entry.bodyHash;
  record.fault = entry.fault;
  return record;
}

const numbered = (entry: Omit<JournalEntry, "seq">, seq: number): JournalEntry => ({
  seq,
  ...entry,
});
