/**
 * The downstream CI example's polling step, run as written (bash, curl, node) against fakes whose
 * journals hold a polite client, an impolite one, and no client at all: it must fail on a problem.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { minimalRequest } from "../contract/request-cases.js";
import { type RunningFake, start } from "../server/start.js";
import { createTaskAt } from "../server/test-support/create-task.js";
import { ROOT } from "./suite-runner.js";

interface Step {
  readonly name?: string;
  readonly run?: string;
}

let pollingStep: string;
let dir: string;
const fakes: RunningFake[] = [];

beforeAll(async () => {
  const workflow = parse(await readFile(join(ROOT, "examples/downstream-ci.yml"), "utf8")) as {
    jobs: { test: { steps: Step[] } };
  };
  const step = workflow.jobs.test.steps.find((candidate) => candidate.name?.includes("politely"));
  if (step?.run === undefined) throw new Error("the example lost its polling step");
  pollingStep = step.run;
  dir = await mkdtemp(join(tmpdir(), "image2-kit-ci-"));
});

afterAll(async () => {
  await Promise.all(fakes.map((fake) => fake.close()));
  await rm(dir, { recursive: true, force: true });
});

/** A fake on a manual clock, as a client under test would have left it. */
async function fakeAfter(client: (url: string, fake: RunningFake) => Promise<void>) {
  const fake = await start({ port: 0, clock: "manual", queuedMs: 1000, processingMs: 1000 });
  fakes.push(fake);
  await client(fake.url, fake);
  return fake.url;
}

const headers = { Authorization: "Bearer sk-downstream", "Content-Type": "application/json" };
const createTask = (url: string) =>
  createTaskAt(url, "sk-downstream", minimalRequest("gpt-image-2"));
const poll = (url: string, id: string) => fetch(`${url}/v1/result/${id}`, { headers });

/** Runs the step's script with bash -e, as GitHub Actions runs `run:` on Linux. */
function runStep(fakeUrl: string) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      "bash",
      ["-e", "-c", pollingStep],
      { cwd: dir, env: { PATH: process.env.PATH ?? "", FAKE_URL: fakeUrl } },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

describe("the downstream CI example's polling step", () => {
  it("passes when the client polled politely", async () => {
    const url = await fakeAfter(async (base, fake) => {
      const id = await createTask(base);
      fake.fake.advance(3000);
      expect(((await (await poll(base, id)).json()) as { status: string }).status).toBe(
        "completed",
      );
    });
    const { code, output } = await runStep(url);
    expect(output).toContain("1 key(s) graded, 0 problem(s)");
    expect(code).toBe(0);
  });

  it("fails, printing the problem, when the client polled too soon", async () => {
    const url = await fakeAfter(async (base, fake) => {
      const id = await createTask(base);
      await poll(base, id);
      fake.fake.advance(3000);
      await poll(base, id);
    });
    const { code, output } = await runStep(url);
    expect(output).toMatch(/key_[0-9a-f]{12}: polled task image_\S+ 0 ms after its create/);
    expect(output).toContain("1 key(s) graded, 1 problem(s)");
    expect(code).toBe(1);
  });

  it("fails when no request reached the fake", async () => {
    const url = await fakeAfter(async () => undefined);
    const { code, output } = await runStep(url);
    expect(output).toContain("No API request reached the fake");
    expect(code).toBe(1);
  });

  it("fails when the fake does not answer", async () => {
    const { code } = await runStep("http://127.0.0.1:9");
    expect(code).not.toBe(0);
  });
});
