import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createRedactor } from "../redact.js";
import { consoleSummary, type RunOutcome, writeReport } from "./run-report.js";

const KEY = "sk-report-key-1234";
const redactor = createRedactor([KEY]);

const outcome = (change: Partial<RunOutcome> = {}): RunOutcome => ({
  target: "https://example.test/api",
  startedAt: "2026-11-29T00:00:00.000Z",
  strict: false,
  checksPassed: 40,
  budget: { max: 3, placesUsed: 3, tasksConfirmed: 2 },
  failures: [
    {
      test: "accepts the provider's example request",
      message: `[documented: x] broke\nbody: Bearer ${KEY}`,
    },
  ],
  drift: [
    {
      behaviour: "status at create",
      subject: "example",
      assumed: "queued",
      observed: "processing",
      matches: false,
    },
  ],
  matched: [
    {
      behaviour: "image format",
      subject: "example",
      assumed: "png",
      observed: "png",
      matches: true,
    },
  ],
  skipped: [
    { test: "a", reason: "the task budget is used up (CONTRACT_MAX_TASKS=3)" },
    { test: "b", reason: "the task budget is used up (CONTRACT_MAX_TASKS=3)" },
    { test: "c", reason: "needs the fake's control API: off" },
  ],
  ...change,
});

describe("the run's report", () => {
  it("says the verdict first, then each failure, the budget, each drift and each skip reason once", () => {
    const lines = consoleSummary(outcome(), redactor).split("\n");
    expect(lines[0]).toBe("[contract] FAILED: 1 check broke a documented rule");
    expect(lines[1]).toBe("  ✗ accepts the provider's example request");
    expect(lines[2]).toBe("    [documented: x] broke body: Bearer [redacted]");
    expect(lines[3]).toMatch(
      /^\[contract\] budget: 3 places used of at most 3 .*confirmed 2 tasks$/,
    );
    expect(lines[4]).toMatch(/^\[contract\] 1 drift from the fake's assumptions/);
    expect(lines[5]).toBe(
      "  ~ status at create, example: the fake assumes queued, the target did processing",
    );
    expect(lines.slice(6)).toEqual([
      "[contract] skipped 2 tests: the task budget is used up (CONTRACT_MAX_TASKS=3)",
      "[contract] skipped 1 test: needs the fake's control API: off",
    ]);
  });

  it("says passed when nothing failed", () => {
    expect(consoleSummary(outcome({ failures: [] }), redactor).split("\n")[0]).toBe(
      "[contract] passed: 40 checks held, 3 skipped",
    );
  });

  it("writes markdown with the verdict on top, drift before what matched, and JSON saying the same", async () => {
    const dir = await mkdtemp(join(tmpdir(), "image2-kit-report-"));
    try {
      const files = await writeReport(join(dir, "drift.md"), outcome(), redactor);
      expect(files).toEqual([join(dir, "drift.json"), join(dir, "drift.md")]);
      const md = await readFile(join(dir, "drift.md"), "utf8");
      expect(md.split("\n")[0]).toBe("# Contract run: FAILED: 1 check broke a documented rule");
      const order = [
        "## Failed (1)",
        "### accepts the provider's example request",
        "## Drift",
        "## Skipped (3)",
        "<details>",
      ];
      const positions = order.map((heading) => md.indexOf(heading));
      expect(
        positions.every((position) => position >= 0),
        md,
      ).toBe(true);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(md).not.toContain(KEY);
      const json = JSON.parse(await readFile(join(dir, "drift.json"), "utf8"));
      expect(json).toMatchObject({
        verdict: "failed",
        budget: { max: 3, placesUsed: 3, tasksConfirmed: 2 },
        failures: [{ test: "accepts the provider's example request" }],
      });
      expect(JSON.stringify(json)).not.toContain(KEY);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
