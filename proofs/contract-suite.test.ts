/**
 * Proof that the contract suite works: it fails against servers that each break one documented
 * rule, and passes against a correct server that differs wherever the documentation is silent.
 * The suite runs as `npm run contract` would, in a child process, against a base URL.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BASE_PATH } from "../contract/routes.js";
import { MODEL_LIMITS, Model } from "../contract/schemas.js";
import { serveWrapped, type Wrapper } from "./stand-ins.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");
const KEY = "sk-contract-proof-5f0c9e2b7d";

interface SuiteRun {
  readonly exitCode: number;
  readonly failed: { title: string; messages: string[] }[];
  readonly passed: number;
  readonly output: string;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "image2-kit-proof-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

async function runSuite(
  wrapper: Wrapper,
  env: Record<string, string> = {},
): Promise<SuiteRun & { tasks: number }> {
  const server = await serveWrapped(wrapper);
  const results = join(work, `${wrapper.name.replace(/\W+/g, "-")}.json`);
  try {
    const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>(
      (resolve) => {
        execFile(
          process.execPath,
          [
            VITEST,
            "run",
            "--config",
            "contract/suite/vitest.config.ts",
            "--reporter=json",
            "--reporter=default",
            `--outputFile.json=${results}`,
          ],
          {
            cwd: ROOT,
            env: {
              PATH: process.env.PATH ?? "",
              CONTRACT_BASE_URL: server.url + BASE_PATH,
              CONTRACT_API_KEY: KEY,
              CONTRACT_MAX_TASKS: "1000",
              CONTRACT_POLL_MS: "20",
              CONTRACT_TIMEOUT_MS: "5000",
              ...env,
            },
            maxBuffer: 16 * 1024 * 1024,
          },
          (error, stdout, stderr) =>
            resolve({ exitCode: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
        );
      },
    );
    const report = JSON.parse(await readFile(results, "utf8")) as {
      testResults: {
        assertionResults: { title: string; status: string; failureMessages: string[] }[];
      }[];
    };
    const assertions = report.testResults.flatMap((file) => file.assertionResults);
    const health = (await (await server.app.request("/__fake/health")).json()) as { tasks: number };
    return {
      exitCode,
      output,
      tasks: health.tasks,
      passed: assertions.filter((a) => a.status === "passed").length,
      failed: assertions
        .filter((a) => a.status === "failed")
        .map((a) => ({ title: a.title, messages: a.failureMessages })),
    };
  } finally {
    await server.close();
  }
}

const LIFECYCLE = "goes from queued through processing";
type Json = Record<string, unknown>;
const onRoute =
  (route: string, change: (body: Json) => Json): NonNullable<Wrapper["json"]> =>
  (answer, exchange) =>
    exchange.route === route && answer.status === 200
      ? { status: 200, body: change(answer.body) }
      : answer;

/** Each breaks one documented rule; `fails` names a suite test that must then fail. */
const BROKEN: (Wrapper & { fails: string; message?: RegExp; env?: Record<string, string> })[] = [
  {
    name: "create answers 201",
    fails: "accepts gpt-image-2: only the required fields",
    json: (a, e) => (e.route === "create" && a.status === 200 ? { status: 201, body: a.body } : a),
  },
  {
    name: "create's object is the result's",
    fails: "accepts gpt-image-2: only the required fields",
    json: onRoute("create", (b) => ({ ...b, object: "image.generation" })),
  },
  {
    name: "create answers a terminal status",
    fails: "accepts gpt-image-2-r: only the required fields",
    json: onRoute("create", (b) => ({ ...b, status: "completed" })),
  },
  {
    name: "create's error is not null",
    fails: "accepts gpt-image-2: quality high",
    json: onRoute("create", (b) => ({ ...b, error: "" })),
  },
  {
    name: "created is in milliseconds",
    fails: LIFECYCLE,
    json: onRoute("create", (b) => ({ ...b, created: Number(b.created) * 1000 })),
  },
  {
    name: "ids lack the image_ prefix",
    fails: "accepts gpt-image-2: ratio 1:1",
    json: onRoute("create", (b) => ({ ...b, id: String(b.id).replace("image_", "task_") })),
  },
  {
    name: "accepts a model outside the documented set",
    fails: 'rejects model "gpt-image-2 "',
    requestBody: (b) => (Model.safeParse(b.model).success ? b : { ...b, model: "gpt-image-2" }),
  },
  {
    name: "accepts an empty prompt",
    fails: "rejects an empty prompt",
    requestBody: (b) => (b.prompt === "" ? { ...b, prompt: "x" } : b),
  },
  {
    name: "accepts more reference images than gpt-image-2 takes",
    fails: "rejects gpt-image-2: 7 reference images",
    requestBody: (b) => ({
      ...b,
      image_urls: Array.isArray(b.image_urls)
        ? b.image_urls.slice(0, MODEL_LIMITS["gpt-image-2"].maxReferenceImages)
        : b.image_urls,
    }),
  },
  {
    name: "gpt-image-2-r accepts 2k",
    fails: "rejects gpt-image-2-r: resolution 2k",
    requestBody: (b) =>
      b.model === "gpt-image-2-r" ? { ...b, resolution: "1k", size: undefined } : b,
  },
  {
    name: "rejects a documented ratio",
    fails: "accepts gpt-image-2: ratio 21:9",
    requestBody: (b) => (b.ratio === "21:9" ? { ...b, ratio: "21:9!" } : b),
  },
  {
    name: "result's object is the create's",
    fails: LIFECYCLE,
    json: onRoute("result", (b) => ({ ...b, object: "image" })),
  },
  {
    name: "a completed task has no image_url",
    fails: LIFECYCLE,
    json: onRoute("result", ({ image_url: _, ...b }) => b),
  },
  {
    name: "image_url is relative",
    fails: LIFECYCLE,
    json: onRoute("result", (b) =>
      b.image_url ? { ...b, image_url: new URL(String(b.image_url)).pathname } : b,
    ),
  },
  {
    name: "a pending task has an image_url",
    fails: LIFECYCLE,
    json: onRoute("result", (b) =>
      b.status === "completed" ? b : { ...b, image_url: "https://example.com/a.png" },
    ),
  },
  {
    name: "a failed task has no error",
    fails: LIFECYCLE,
    fake: { failureRate: 1 },
    json: onRoute("result", ({ error: _, ...b }) => b),
  },
  {
    name: "result's model differs from create's",
    fails: LIFECYCLE,
    json: onRoute("result", (b) => ({
      ...b,
      model: b.model === "gpt-image-2" ? "gpt-image-2-r" : "gpt-image-2",
    })),
  },
  {
    name: "result's created differs from create's",
    fails: LIFECYCLE,
    json: onRoute("result", (b) => ({ ...b, created: Number(b.created) + 1 })),
  },
  (() => {
    const seen = new Map<string, number>();
    return {
      name: "a terminal task changes when polled again",
      fails: LIFECYCLE,
      json: onRoute("result", (b) => {
        if (b.status !== "completed") return b;
        const times = (seen.get(String(b.id)) ?? 0) + 1;
        seen.set(String(b.id), times);
        return times > 1
          ? { ...b, status: "failed", error: "changed its mind", image_url: undefined }
          : b;
      }),
    };
  })(),
  (() => {
    const processing = new Set<string>();
    const wentBack = new Set<string>();
    return {
      name: "a status goes backwards",
      fails: LIFECYCLE,
      json: onRoute("result", (b) => {
        const id = String(b.id);
        if (b.status !== "processing" || wentBack.has(id)) return b;
        if (!processing.has(id)) {
          processing.add(id);
          return b;
        }
        wentBack.add(id);
        return { ...b, status: "queued" };
      }),
    };
  })(),
  {
    name: "image_url does not download",
    fails: LIFECYCLE,
    replace: (_, e) => (e.route === "image" ? new Response("gone", { status: 404 }) : undefined),
  },
  {
    name: "image_url serves no image",
    fails: LIFECYCLE,
    replace: (_, e) =>
      e.route === "image"
        ? new Response("<html>", { headers: { "Content-Type": "text/html" } })
        : undefined,
  },
  {
    name: "accepts a create without a key",
    fails: "rejects a create without a key",
    requestHeaders: (h) => {
      if (!h.has("authorization")) h.set("authorization", `Bearer ${KEY}`);
    },
  },
  {
    name: "accepts a key it does not know",
    fails: "rejects a create with a key the target does not know",
    fake: { apiKeys: [] },
  },
  {
    name: "answers a task for an id never created",
    fails: "answers no task for an id that was never created",
    json: (a, e) =>
      e.route === "result" && a.status === 404
        ? {
            status: 200,
            body: {
              id: e.url.pathname.split("/").at(-1),
              object: "image.generation",
              created: 1774836724,
              model: "gpt-image-2",
              status: "queued",
            },
          }
        : a,
  },
  {
    name: "a task never finishes",
    fails: LIFECYCLE,
    message: /CONTRACT_TIMEOUT_MS=300/,
    fake: { queuedMs: 0, processingMs: 3_600_000 },
    env: { CONTRACT_TIMEOUT_MS: "300" },
  },
];

describe("the contract suite against broken servers", () => {
  it.concurrent.each(BROKEN.map((broken) => [broken.name, broken] as const))(
    "fails when %s",
    async (_, broken) => {
      const run = await runSuite(
        { ...broken, fake: { apiKeys: [KEY], ...broken.fake } },
        broken.env,
      );
      expect(run.exitCode, run.output.slice(-2000)).not.toBe(0);
      const failure = run.failed.find((f) => f.title.startsWith(broken.fails));
      expect(
        failure,
        `expected "${broken.fails}…" among failures: ${run.failed.map((f) => f.title).join(" | ")}`,
      ).toBeDefined();
      if (broken.message) expect(failure?.messages.join("\n")).toMatch(broken.message);
    },
    60_000,
  );
});

/** Correct wherever the documentation speaks; different wherever it is silent. */
function differingButCorrect(): Wrapper {
  return {
    name: "differs where the documentation is silent",
    fake: { apiKeys: [KEY], queuedMs: 0 },
    json: (answer, exchange) => {
      const headers = { "Content-Type": "application/json;charset=UTF-8" };
      if (answer.status >= 400) {
        // Errors as an envelope inside HTTP 200, with a string code, as sibling endpoints do.
        const spring = exchange.route === "other";
        return spring
          ? {
              status: 404,
              body: {
                timestamp: "2026-11-28T00:00:00Z",
                status: 404,
                error: "Not Found",
                message: "No handler",
                path: exchange.url.pathname,
              },
              headers,
            }
          : {
              status: 200,
              // Some error pages echo the credential back: it must still reach no output or file.
              body: { code: `E${answer.status}`, msg: `参数错误 (Bearer ${KEY})`, data: null },
              headers,
            };
      }
      const body: Json = { ...answer.body, progress: 42, usage: { credits: 1 } };
      if (typeof body.image_url === "string") {
        const image = new URL(body.image_url);
        body.image_url = `${exchange.imageOrigin}${image.pathname}?X-Signature=${Math.random().toString(16).slice(2)}&Expires=86400`;
      }
      return { status: answer.status, body, headers };
    },
  };
}

describe("the contract suite against a correct server that differs where the docs are silent", () => {
  it("passes, and reports each difference as drift", async () => {
    const report = join(work, "differing-report");
    const recordings = join(work, "recordings");
    const run = await runSuite(differingButCorrect(), {
      CONTRACT_REPORT: report,
      CONTRACT_RECORD_DIR: recordings,
    });
    expect(run.failed, run.output.slice(-3000)).toEqual([]);
    expect(run.exitCode).toBe(0);
    expect(run.passed).toBeGreaterThan(50);

    const drift = JSON.parse(await readFile(`${report}.json`, "utf8")) as {
      drift: { behaviour: string; observed: unknown }[];
    };
    const behaviours = new Set(drift.drift.map((d) => d.behaviour));
    expect(behaviours).toContain("status at create");
    expect(behaviours).toContain("rejection: invalid_request");
    expect(behaviours).toContain("fields of a create response");
    expect(behaviours).toContain("fields of a completed result");
    expect(behaviours).toContain("content type of a task");
    expect(await readFile(`${report}.md`, "utf8")).toMatch(/^# Contract drift report/);

    expect(run.output, "the suite's own output").not.toContain(KEY);
    const files = await readdir(recordings);
    expect(files.length).toBeGreaterThan(50);
    for (const file of [...files, "../differing-report.json", "../differing-report.md"]) {
      expect(await readFile(join(recordings, file), "utf8"), file).not.toContain(KEY);
    }
  }, 60_000);

  it("fails on that drift with CONTRACT_STRICT", async () => {
    const run = await runSuite(differingButCorrect(), { CONTRACT_STRICT: "1" });
    expect(run.failed.map((f) => f.title)).toEqual([
      "matches everything the fake assumes (only with CONTRACT_STRICT)",
    ]);
  }, 60_000);

  it("creates no more tasks than CONTRACT_MAX_TASKS, skipping what needs more", async () => {
    const run = await runSuite(differingButCorrect(), { CONTRACT_MAX_TASKS: "2" });
    expect(run.exitCode, run.output.slice(-2000)).toBe(0);
    expect(run.tasks).toBe(2);
    expect(run.output).toContain("the task budget is used up (CONTRACT_MAX_TASKS=2)");
  }, 60_000);
});
