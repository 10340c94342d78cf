/**
 * Proof that the contract suite fails against servers that each break one documented rule (each
 * run filtered to the suite test that targets it), and passes correct servers that differ wherever
 * the documentation is silent.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODEL_LIMITS, Model } from "../contract/schemas.js";
import { envelopeServer, lenientServer, onRoute, type Wrapper } from "./stand-ins.js";
import { failures, KEY, runAgainst } from "./suite-runner.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "image2-kit-proof-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const EXAMPLE = "accepts the provider's example request";
const R_LIMITS = "accepts gpt-image-2-r at its documented limits";

/** Each breaks one documented rule; `fails` names the suite test that must then fail. */
const BROKEN: (Wrapper & { fails: string; message?: RegExp; env?: Record<string, string> })[] = [
  {
    name: "create answers 201",
    fails: "accepts gpt-image-2: only the required fields",
    message: /a valid create is answered HTTP 200/,
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
    fails: EXAMPLE,
    json: onRoute("create", (b) => ({ ...b, created: Number(b.created) * 1000 })),
  },
  {
    name: "ids lack the image_ prefix",
    fails: "accepts gpt-image-2: ratio 1:1",
    json: onRoute("create", (b) => ({ ...b, id: String(b.id).replace("image_", "task_") })),
  },
  {
    name: "accepts a model outside the documented set",
    fails: 'rejects model "GPT-IMAGE-2"',
    message: /model is required/,
    requestBody: (b) => (Model.safeParse(b.model).success ? b : { ...b, model: "gpt-image-2" }),
  },
  {
    // The task it makes names the model as sent, so its answer is no documented task either.
    name: "accepts a model with a trailing space, answering a task that echoes it",
    fails: 'rejects model "gpt-image-2 "',
    message: /expected a rejection/,
    requestBody: (b) => (b.model === "gpt-image-2 " ? { ...b, model: "gpt-image-2" } : b),
    json: (a, e) =>
      e.route === "create" && a.status === 200
        ? { status: 200, body: { ...a.body, model: "gpt-image-2 " } }
        : a,
  },
  {
    name: "accepts an empty prompt",
    fails: "rejects an empty prompt",
    requestBody: (b) => (b.prompt === "" ? { ...b, prompt: "x" } : b),
  },
  {
    name: "accepts more reference images than gpt-image-2 takes",
    fails: "rejects gpt-image-2: 7 reference images",
    message: /image_urls is a list of URLs/,
    requestBody: (b) => ({
      ...b,
      image_urls: Array.isArray(b.image_urls)
        ? b.image_urls.slice(0, MODEL_LIMITS["gpt-image-2"].maxReferenceImages)
        : b.image_urls,
    }),
  },
  {
    name: "rejects a documented ratio",
    fails: "accepts gpt-image-2: ratio 21:9",
    message: /documentation calls this request valid/,
    requestBody: (b) => (b.ratio === "21:9" ? { ...b, ratio: "21:9!" } : b),
  },
  {
    name: "result's object is the create's",
    fails: EXAMPLE,
    json: onRoute("result", (b) => ({ ...b, object: "image" })),
  },
  {
    name: "a completed task has no image_url",
    fails: EXAMPLE,
    message: /image_url only and always when completed/,
    json: onRoute("result", ({ image_url: _, ...b }) => b),
  },
  {
    name: "image_url is relative",
    fails: EXAMPLE,
    json: onRoute("result", (b) =>
      b.image_url ? { ...b, image_url: new URL(String(b.image_url)).pathname } : b,
    ),
  },
  {
    name: "a pending task has an image_url",
    fails: EXAMPLE,
    json: onRoute("result", (b) =>
      b.status === "completed" ? b : { ...b, image_url: "https://example.com/a.png" },
    ),
  },
  {
    name: "a failed task has no error",
    fails: EXAMPLE,
    fake: { failureRate: 1 },
    json: onRoute("result", ({ error: _, ...b }) => b),
  },
  {
    name: "result's model differs from create's",
    fails: EXAMPLE,
    message: /the same id, created and model/,
    json: onRoute("result", (b) => ({
      ...b,
      model: b.model === "gpt-image-2" ? "gpt-image-2-r" : "gpt-image-2",
    })),
  },
  {
    name: "result's created differs from create's",
    fails: EXAMPLE,
    json: onRoute("result", (b) => ({ ...b, created: Number(b.created) + 1 })),
  },
  (() => {
    const seen = new Map<string, number>();
    return {
      name: "a terminal task changes when polled again",
      fails: EXAMPLE,
      message: /the task changed after it ended/,
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
      fails: EXAMPLE,
      // Long enough in processing for two polls to see it, however slow the machine.
      fake: { processingMs: 2000 },
      message: /the status went back/,
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
    fails: EXAMPLE,
    message: /does not download/,
    replace: (r, e) =>
      r && e.route === "image" ? new Response("gone", { status: 404 }) : undefined,
  },
  {
    name: "image_url serves no image",
    fails: EXAMPLE,
    message: /serves no image/,
    replace: (r, e) =>
      r && e.route === "image"
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
    name: "answers a poll without a key with the task",
    fails: EXAMPLE,
    message: /a poll without a key was answered with the task/,
    requestHeaders: (h, e) => {
      if (e.route === "result" && !h.has("authorization")) h.set("authorization", `Bearer ${KEY}`);
    },
  },
  {
    name: "accepts a key it does not know",
    fails: "rejects a create with a key the target does not know",
    fake: { apiKeys: [] },
  },
  {
    name: "answers a poll with a key it does not know with the task",
    fails: EXAMPLE,
    message: /a poll with a key the target does not know was answered with the task/,
    requestHeaders: (h, e) => {
      if (e.route === "result" && h.has("authorization")) h.set("authorization", `Bearer ${KEY}`);
    },
  },
  {
    name: "reports gpt-image-2 on the result of a gpt-image-2-r task",
    fails: R_LIMITS,
    json: onRoute("result", (b) => ({ ...b, model: "gpt-image-2" })),
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
    fails: EXAMPLE,
    message: /CONTRACT_TIMEOUT_MS=300/,
    fake: { queuedMs: 0, processingMs: 3_600_000 },
    env: { CONTRACT_TIMEOUT_MS: "300" },
  },
];

describe("the contract suite against broken servers, each run filtered to the test it targets", () => {
  it.concurrent.for(BROKEN.map((broken) => [broken.name, broken] as const))(
    "fails when %s",
    async ([, broken]) => {
      const run = await runAgainst(broken, broken.env, { only: broken.fails });
      expect(run.exitCode, run.output.slice(-2000)).not.toBe(0);
      const failure = run.failed.find((f) => f.title.startsWith(broken.fails));
      expect(failure, `expected "${broken.fails}…" among: ${failures(run)}`).toBeDefined();
      if (broken.message) expect(failure?.messages.join("\n")).toMatch(broken.message);
      expect(failure?.messages.join("\n"), "the failure cites a documented rule").toMatch(
        /\[documented: |CONTRACT_TIMEOUT_MS/,
      );
    },
  );
});

describe("the contract suite against correct servers that differ where the docs are silent", () => {
  it.for([envelopeServer(KEY), lenientServer()].map((w) => [w.name, w] as const))(
    "passes one that answers %s, and reports each difference as drift",
    async ([, wrapper]) => {
      const report = join(work, `${wrapper.name.slice(0, 20).replace(/\W+/g, "-")}-report`);
      const recordings = join(work, `${wrapper.name.slice(0, 20).replace(/\W+/g, "-")}-recordings`);
      const run = await runAgainst(wrapper, {
        CONTRACT_REPORT: report,
        CONTRACT_RECORD_DIR: recordings,
      });
      expect(run.failed, run.output.slice(-3000)).toEqual([]);
      expect(run.exitCode).toBe(0);
      expect(run.passed.length).toBeGreaterThan(80);

      const json = JSON.parse(await readFile(`${report}.json`, "utf8")) as {
        verdict: string;
        drift: { behaviour: string; subject: string; observed: unknown }[];
        skipped: { test: string; reason: string }[];
      };
      expect(json.verdict).toBe("passed");
      const behaviours = new Set(json.drift.map((d) => d.behaviour));
      expect(behaviours).toContain("rejection: invalid_request");
      expect(behaviours).toContain("fields of a completed result");
      // Steering needs the fake's control API, which a production-like server has not.
      const reasons = json.skipped.map((s) => s.reason);
      expect(reasons, "skip reasons").toContainEqual(
        expect.stringMatching(
          /^needs the fake's control API: GET \/__fake\/health answered HTTP 404/,
        ),
      );

      if (wrapper.name.startsWith("errors as HTML")) {
        // What the documentation leaves open, this server does differently: drift, not failure.
        const fate = (subject: string) => json.drift.find((d) => d.subject === subject)?.observed;
        expect(fate("gpt-image-2-r: resolution 2k, above the model's 1k")).toBe("task completed");
        expect(fate("gpt-image-2-r: size 3840x2160, above the model's 1k")).toBe("task completed");
        expect(fate("quality null")).toBe("task completed");
      }
      expect(run.output, "the suite's own output").not.toContain(KEY);
      for (const file of await readdir(recordings)) {
        expect(await readFile(join(recordings, file), "utf8"), file).not.toContain(KEY);
      }
    },
  );

  it("fails on that drift with CONTRACT_STRICT, and only there", async () => {
    const run = await runAgainst(envelopeServer(KEY), { CONTRACT_STRICT: "1" });
    expect(run.failed.map((f) => f.title)).toEqual([
      "matches everything the fake assumes (only with CONTRACT_STRICT)",
    ]);
  });

  it.for([envelopeServer(KEY), lenientServer()].map((w) => [w.name, w] as const))(
    "passes under a 3-task budget one that answers %s, creating at most 3 tasks",
    async ([, wrapper]) => {
      const run = await runAgainst(wrapper, { CONTRACT_MAX_TASKS: "3" });
      expect(run.exitCode, failures(run)).toBe(0);
      expect(run.tasks, "tasks the server made").toBe(3);
      expect(run.output).toContain("skipped");
      expect(run.output).toContain("the task budget is used up (CONTRACT_MAX_TASKS=3)");
    },
  );
});
