import { createHash } from "node:crypto";

/** One request the fake answered. Never holds a key: only `keyId`, a one-way fingerprint. */
export interface JournalEntry {
  readonly seq: number;
  /** Fake clock time the request arrived, Unix ms. */
  readonly at: number;
  readonly method: string;
  readonly path: string;
  /** The status answered, or 0 for a dropped connection. */
  readonly status: number;
  readonly route?: string;
  readonly keyId?: string;
  readonly taskId?: string;
  /** sha256 of the request body, to spot repeated creates without keeping prompts. */
  readonly bodyHash?: string;
  readonly fault?: string;
}

/** A fingerprint of a bearer key that tells keys apart and cannot be turned back into one. */
export const keyIdOf = (key: string) =>
  `key_${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;

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
