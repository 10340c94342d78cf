import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Journal, JournalEntry, keyIdOf } from "./journal.js";

const BUILT_JOURNAL = fileURLToPath(new URL("../../dist/server/core/journal.js", import.meta.url));

/** The fingerprint another Node process gives the same key. */
const keyIdInAnotherProcess = (key: string) =>
  execFileSync(
    process.execPath,
    [
      "--input-type=module",
      "-e",
      `import { keyIdOf } from ${JSON.stringify(BUILT_JOURNAL)}; process.stdout.write(keyIdOf(process.argv[1]))`,
      key,
    ],
    { encoding: "utf8" },
  );

describe("key fingerprints", () => {
  it("tell keys apart and stay the same for one key", () => {
    expect(keyIdOf("sk-one")).toBe(keyIdOf("sk-one"));
    expect(keyIdOf("sk-one")).not.toBe(keyIdOf("sk-two"));
    expect(keyIdOf("sk-one")).toMatch(/^key_[0-9a-f]{12}$/);
  });

  it("cannot be looked up by hashing guesses: they are keyed by a secret of this process", () => {
    const unkeyed = createHash("sha256").update("test").digest("hex").slice(0, 12);
    expect(keyIdOf("test")).not.toBe(`key_${unkeyed}`);
    const elsewhere = keyIdInAnotherProcess("test");
    expect(elsewhere).toMatch(/^key_[0-9a-f]{12}$/);
    expect(elsewhere).not.toBe(keyIdOf("test"));
  });
});

describe("the journal", () => {
  const entry = (n: number) => ({
    at: n,
    durationMs: 0,
    method: "GET",
    path: `/${n}`,
    status: 200,
  });
  const seqs = (entries: readonly { seq: number; at: number }[]) =>
    entries.map(({ seq, at }) => [seq, at]);

  it("numbers each request in the order it came, across overwrites and a clear", () => {
    const journal = new Journal(3);
    for (let n = 1; n <= 5; n += 1) journal.add(entry(n));
    expect(seqs(journal.list())).toEqual([
      [3, 3],
      [4, 4],
      [5, 5],
    ]);
    const newest = journal.page({}, { offset: 1, limit: 1, newestFirst: true });
    expect({ ...newest, items: seqs(newest.items) }).toEqual({ items: [[4, 4]], total: 3 });
    journal.clear();
    expect(journal.list()).toEqual([]);
    journal.add(entry(6));
    expect(seqs(journal.list())).toEqual([[6, 6]]);
  });

  it("keeps every field of the schema, a record overwritten in place included, and not the caller's object", () => {
    // Every field the schema has, each with a value of its own: a field the journal forgot to copy
    // would show an older request's value, or none.
    const fields = Object.keys(JournalEntry.shape).filter((field) => field !== "seq");
    const full = (n: number) =>
      Object.fromEntries(fields.map((field) => [field, `${field}-${n}`])) as never;
    const journal = new Journal(2);
    const added = [full(1), entry(2), full(3), entry(4), full(5)];
    for (const one of added) journal.add(one);
    const last = added.at(-1) as Record<string, unknown>;
    expect(journal.list()).toEqual([
      { seq: 4, ...added[3] },
      { seq: 5, ...added[4] },
    ]);
    last.path = "changed by the caller";
    expect(journal.list()[1]?.path).toBe("path-5");
  });
});
