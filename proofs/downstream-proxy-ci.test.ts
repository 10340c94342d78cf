/**
 * The downstream proxy CI example's last step, run as written (bash, node) on reports the proxy
 * could have written: it must fail when a rule broke, and when nothing went through the proxy.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "./suite-runner.js";

interface Step {
  readonly name?: string;
  readonly run?: string;
}

let verdictStep: string;
let dir: string;

beforeAll(async () => {
  const workflow = parse(
    await readFile(join(ROOT, "examples/downstream-proxy-ci.yml"), "utf8"),
  ) as { jobs: Record<string, { steps: Step[] }> };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const step = steps.find((candidate) => candidate.name?.includes("No documented rule broken"));
  if (step?.run === undefined) throw new Error("the example lost its verdict step");
  verdictStep = step.run;
  dir = await mkdtemp(join(tmpdir(), "image2-kit-proxy-ci-"));
  await mkdir(join(dir, "reports"));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the step with bash -e, as GitHub Actions runs `run:` on Linux, on this verdict. */
async function runStep(verdict: { result: string; forwarded: number }) {
  const report = {
    verdict: { result: verdict.result, broken: [], exchanges: { forwarded: verdict.forwarded } },
    drift: { differences: [], matched: [] },
    polling: { keys: [] },
  };
  await writeFile(join(dir, "reports/proxy.json"), JSON.stringify(report));
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      "bash",
      ["-e", "-c", verdictStep],
      { cwd: dir, env: { PATH: process.env.PATH ?? "" } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe("the downstream proxy CI example's verdict step", () => {
  it("passes when exchanges went through and no documented rule broke", async () => {
    expect((await runStep({ result: "passed", forwarded: 4 })).code).toBe(0);
  });

  it("fails when a documented rule broke", async () => {
    expect((await runStep({ result: "failed", forwarded: 4 })).code).toBe(1);
  });

  it("fails, saying why, when no request went through the proxy", async () => {
    const { code, output } = await runStep({ result: "passed", forwarded: 0 });
    expect(output).toContain("No request went through the proxy");
    expect(code).toBe(1);
  });
});
