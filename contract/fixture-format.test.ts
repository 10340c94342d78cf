import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { formatFixture } from "./fixture-format.js";

describe("writing a fixture", () => {
  it.for(["pixel-sizes", "timings"])("writes %s.json as it is committed", async (name) => {
    const text = await readFile(
      new URL(`../fixtures/assumed/${name}.json`, import.meta.url),
      "utf8",
    );
    expect(formatFixture(JSON.parse(text))).toBe(text);
  });

  it("keeps a row of plain values on one line, and breaks what does not fit", () => {
    const long = "x".repeat(120);
    expect(formatFixture({ a: { b: 1, c: null }, d: [long] })).toBe(
      `{\n  "a": { "b": 1, "c": null },\n  "d": [\n    "${long}"\n  ]\n}\n`,
    );
  });
});
