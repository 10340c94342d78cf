import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { keyIdOf } from "./journal.js";

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
