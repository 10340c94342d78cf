/**
 * Proof that a run tells a person what to act on: after a failing run against a real clock the
 * console and the report give the verdict first with the broken rule, name each drift, list a skip
 * reason once, and polling prints one short line per status change.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onRoute } from "./stand-ins.js";
import { runAgainst } from "./suite-runner.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "image2-kit-report-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("the report of a failing run", () => {
  it("gives the verdict and the broken rule first, each drift by name, each skip reason once", async () => {
    const report = join(work, "drift");
    const run = await runAgainst(
      {
        name: "reports gpt-image-2 for gpt-image-2-r tasks, JSON with a charset",
        json: (answer, exchange) => {
          const rewritten = onRoute("result", (b) => ({ ...b, model: "gpt-image-2" }))(
            answer,
            exchange,
          );
          return { ...rewritten, headers: { "Content-Type": "application/json;charset=UTF-8" } };
        },
      },
      { CONTRACT_MAX_TASKS: "3", CONTRACT_REPORT: report },
    );
    expect(run.exitCode).not.toBe(0);
    const lines = run.output.split("\n");
    const at = (prefix: string) => lines.findIndex((line) => line.startsWith(prefix));
    const verdict = at("[contract] FAILED: 1 check broke a documented rule");
    expect(verdict, run.output.slice(-3000)).toBeGreaterThanOrEqual(0);
    expect(lines[verdict + 1]).toMatch(/^ {2}✗ accepts gpt-image-2-r at its documented limits/);
    expect(lines[verdict + 2]).toMatch(/^ {4}\[documented: a poll answers the task asked for/);
    expect(at("[contract] budget: 3 places used of at most 3")).toBe(verdict + 3);
    expect(lines).toContain(
      "  ~ content type of a task, create: the fake assumes application/json, the target did application/json;charset=UTF-8",
    );
    expect(run.output.split("the task budget is used up").length - 1, "budget skips").toBe(1);
    expect(run.output).not.toContain("stdout |");

    // One line per status change of each task, in order.
    const changes = new Map<string, string[]>();
    for (const [, id, status] of run.output.matchAll(/^\[contract\] (image_\S+) (\w+) after /gm)) {
      changes.set(id ?? "", [...(changes.get(id ?? "") ?? []), status ?? ""]);
    }
    expect(changes.size).toBe(3);
    for (const statuses of changes.values()) {
      expect(statuses.at(-1)).toMatch(/completed|failed/);
      expect(statuses.filter((s, i) => s === statuses[i - 1])).toEqual([]);
      expect(statuses.length).toBeLessThanOrEqual(3);
    }

    const md = await readFile(`${report}.md`, "utf8");
    expect(md.split("\n")[0]).toBe("# Contract run: FAILED: 1 check broke a documented rule");
    expect(md.indexOf("## Failed (1)")).toBeLessThan(md.indexOf("## Drift"));
    expect(md.indexOf("## Drift")).toBeLessThan(md.indexOf("<details><summary>Matched"));
    const json = JSON.parse(await readFile(`${report}.json`, "utf8")) as { verdict: string };
    expect(json.verdict).toBe("failed");
  });
});
