import { createHmac, hash, randomBytes } from "node:crypto";
import type { TaskStatus } from "../../contract/schemas.js";

/** One request the fake answered. Never holds a key: only `keyId`, a one-way fingerprint. */
export interface JournalEntry {
  readonly seq: number;
  /** Fake clock time the request arrived, Unix ms. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  /** The status answered, or 0 when no answer reached the client (see `outcome`). */
  readonly status: number;
  /**
   * Set when no answer reached the client: `dropped` by a fault rule, or `aborted` when the client
   * went away first (a timeout). The request may still have made a task: see `taskId`.
   */
  readonly outcome?: "dropped" | "aborted" | undefined;
  readonly route?: string | undefined;
  readonly keyId?: string | undefined;
  readonly taskId?: string | undefined;
  /** The task status a create or poll answered: what the client knows of its task. */
  readonly taskStatus?: TaskStatus | undefined;
  /** The wait a 429 or 503 asked for in its `Retry-After` header, in ms. */
  readonly retryAfterMs?: number | undefined;
  /** sha256 of the request body, to spot repeated creates without keeping prompts. */
  readonly bodyHash?: string | undefined;
  readonly fault?: string | undefined;
}

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

/** The most recent `size` requests, oldest first; older ones are overwritten. */
export class Journal {
  #entries: JournalEntry[] = [];
  #next = 0;
  #seq = 0;

  constructor(readonly size: number) {}

  add(entry: Omit<JournalEntry, "seq">): void {
    const full = { ...entry, seq: ++this.#seq };
    if (this.#entries.length < this.size) this.#entries.push(full);
    else this.#entries[this.#next] = full;
    this.#next = (this.#next + 1) % this.size;
  }

  list(): JournalEntry[] {
    return this.#entries.length < this.size
      ? [...this.#entries]
      : [...this.#entries.slice(this.#next), ...this.#entries.slice(0, this.#next)];
  }

  clear(): void {
    this.#entries = [];
    this.#next = 0;
  }
}
