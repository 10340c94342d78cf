/**
 * Proof that the suite steers the fake only over HTTP, as a hardened control API demands: JSON
 * bodies, no Origin header, the control token (CONTRACT_CONTROL_TOKEN) as its bearer credential and
 * never the API key; and that the tests needing control skip, saying why, where it is refused.
 */
import { describe, expect, it } from "vitest";
import type { Wrapper } from "./stand-ins.js";
import { failures, KEY, runAgainst } from "./suite-runner.js";

const TOKEN = "control-token-7c1e/a9+Q==";
const CONTROL_TESTS = "with control of the target";

/** The fake whose /__fake answers only what the hardened control API accepts. */
const hardened: Wrapper = {
  name: "a fake with a hardened control API",
  control: true,
  replace: (response, exchange) => {
    if (response || exchange.route !== "control") return undefined;
    const { headers, method } = exchange;
    if (headers.get("authorization") !== `Bearer ${TOKEN}`) {
      return Response.json({ error: "a control token is required" }, { status: 401 });
    }
    if (headers.has("origin")) return Response.json({ error: "foreign origin" }, { status: 403 });
    if (method !== "GET" && headers.get("content-type") !== "application/json") {
      return Response.json({ error: "JSON only" }, { status: 415 });
    }
    return undefined;
  },
};

describe("the tests that steer the fake", () => {
  it("run against a fake on a port through its hardened control API, sending the token only there", async () => {
    const run = await runAgainst(
      hardened,
      { CONTRACT_CONTROL_TOKEN: TOKEN },
      { only: CONTROL_TESTS },
    );
    expect(run.exitCode, failures(run)).toBe(0);
    expect(run.passed).toEqual([
      "reports a failed task with an error string and no image",
      "accepts a task that answers processing at create",
      "keeps polling through polls answered 429 until the task is terminal",
    ]);
    const control = run.server.seen.requests.filter((r) => r.path.startsWith("/__fake"));
    const api = run.server.seen.requests.filter((r) => !r.path.startsWith("/__fake"));
    expect(control.map((r) => r.path)).toEqual(
      expect.arrayContaining(["/__fake/health", "/__fake/next-tasks", "/__fake/faults"]),
    );
    expect(control.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(api.some((r) => r.authorization?.includes(TOKEN))).toBe(false);
    expect(run.output).not.toContain(TOKEN);
    expect(run.output).not.toContain(KEY);
  });

  it("skip, saying which setting is missing, when the control API refuses the suite", async () => {
    const run = await runAgainst(hardened, {}, { only: CONTROL_TESTS });
    expect(run.exitCode, failures(run)).toBe(0);
    expect(run.passed).toEqual([]);
    expect(run.output).toContain(
      "skipped 3 tests: needs the fake's control API: the fake's control API refused the suite (HTTP 401): set CONTRACT_CONTROL_TOKEN",
    );
  });

  it("fail the run with CONTRACT_CONTROL=on when the target has no control API", async () => {
    const run = await runAgainst(
      { name: "no control API" },
      { CONTRACT_CONTROL: "on" },
      { only: CONTROL_TESTS },
    );
    expect(run.exitCode).not.toBe(0);
    expect(run.output).toContain("CONTRACT_CONTROL=on, but GET /__fake/health answered HTTP 404");
  });
});
