/**
 * The contract suite: every documented rule of the API, on its accept and its reject side, run
 * unchanged against the in-process fake or any base URL (CONTRACT_BASE_URL). Documented rules
 * fail the run; assumed behaviour is only reported as drift, unless CONTRACT_STRICT is set.
 */
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { z } from "zod";
import { assumedError } from "../assumed-errors.js";
import type { ErrorKind } from "../assumed-schemas.js";
import { assumedTimings } from "../assumed-timings.js";
import { docsResultFixtures, seedFixtures } from "../fixtures.js";
import { imageInfo } from "../image-size.js";
import { outputSizeOf } from "../output-size.js";
import { invalidCreateRequests, minimalRequest, validCreateRequests } from "../request-cases.js";
import { routes } from "../routes.js";
import {
  CreateImageRequest,
  CreateImageResponse,
  TaskResult,
  type TaskStatus,
} from "../schemas.js";
import { bodyShape, errorSignature, isTaskCreated } from "./answers.js";
import { TaskBudget } from "./budget.js";
import { readSuiteConfig } from "./config.js";
import { DriftLog, writeReport } from "./drift.js";
import { type Answer, HttpClient, type SentRequest } from "./http-client.js";
import { pollUntilTerminal, resultPath } from "./polling.js";
import { type Target, urlTarget } from "./target.js";

const config = readSuiteConfig();
const budget = new TaskBudget(config.maxTasks);
const drift = new DriftLog();
const skipped: { test: string; reason: string }[] = [];
const startedAt = new Date().toISOString();
let target: Target;
let client: HttpClient;

beforeAll(async () => {
  target = config.baseUrl
    ? urlTarget(config.baseUrl)
    : await (await import("./in-process-target.js")).inProcessTarget(config.apiKey);
  client = new HttpClient(target.baseUrl, config.apiKey, config.requestTimeoutMs, config.recordDir);
});

afterAll(async () => {
  await target?.close();
  if (config.reportPath) {
    const files = await writeReport(config.reportPath, drift, {
      target: target?.description ?? "none",
      startedAt,
      strict: config.strict,
      tasksCreated: budget.used,
      maxTasks: budget.max,
      skipped,
    });
    console.log(`[contract] drift report: ${files.join(", ")}`);
  }
  const summary = `[contract] ${budget.used} task(s) created; ${drift.drifted().length} drift(s) from assumed behaviour`;
  console.log(
    skipped.length > 0
      ? `${summary}; skipped:\n${skipped.map((s) => `  - ${s.test}: ${s.reason}`).join("\n")}`
      : summary,
  );
});

function skip(ctx: TestContext, reason: string): never {
  skipped.push({ test: ctx.task.name, reason });
  return ctx.skip(reason);
}

/** A body's field names, sorted: what the drift report compares for extra or missing fields. */
const fieldsOf = (json: unknown) =>
  typeof json === "object" && json !== null ? Object.keys(json).sort() : [];

/** The create response parsed, or a failure that names the broken rule and shows the body. */
function expectCreated(answer: Answer): CreateImageResponse {
  expect(
    answer.status,
    `a valid create is answered HTTP 200, got ${answer.status}: ${answer.text.slice(0, 300)}`,
  ).toBe(200);
  const parsed = CreateImageResponse.safeParse(answer.json);
  if (!parsed.success) {
    throw new Error(
      `the create response breaks the documented shape:\n${z.prettifyError(parsed.error)}\nbody: ${answer.text.slice(0, 500)}`,
    );
  }
  return parsed.data;
}

/** Sends a create that may make a task, within the budget; skips the test when none is left. */
async function create(
  ctx: TestContext,
  body: unknown,
  label: string,
  extra: Pick<SentRequest, "headers" | "rawBody" | "auth"> = {},
) {
  if (!budget.hold()) {
    skip(
      ctx,
      `the task budget is used up (CONTRACT_MAX_TASKS=${budget.max}); each task may be billed`,
    );
  }
  const answer = await client.send({
    method: "POST",
    path: routes.createImageTask.path,
    body,
    label,
    ...extra,
  });
  if (!isTaskCreated(answer)) budget.release();
  return answer;
}

function observeRejection(kind: ErrorKind, subject: string, answer: Answer) {
  const assumed = assumedError(kind, { message: "" });
  drift.observe(
    `rejection: ${kind}`,
    subject,
    { status: assumed.status, shape: bodyShape(assumed.body) },
    errorSignature(answer),
  );
  drift.observe("content type of an error", kind, "application/json", answer.contentType);
}

/** One of each model first, so a small budget still covers both models. */
function interleavedByModel<T extends { name: string }>(cases: T[]): T[] {
  const byModel = new Map<string, T[]>();
  for (const c of cases) {
    const model = c.name.split(":")[0] ?? "";
    byModel.set(model, [...(byModel.get(model) ?? []), c]);
  }
  const queues = [...byModel.values()];
  const out: T[] = [];
  for (let i = 0; out.length < cases.length; i += 1) {
    for (const queue of queues) if (queue[i]) out.push(queue[i] as T);
  }
  return out;
}

const STATUS_RANK: Record<TaskStatus, number> = {
  queued: 0,
  processing: 1,
  completed: 2,
  failed: 2,
};

/** Where a poll's status change happened: after the last poll before it, by the first poll after it. */
function changeWindow(
  steps: { afterMs: number; status: TaskStatus }[],
  from: (s: TaskStatus) => boolean,
) {
  const firstAfter = steps.findIndex((step) => !from(step.status));
  if (firstAfter <= 0) return { minMs: 0, maxMs: steps[Math.max(firstAfter, 0)]?.afterMs ?? 0 };
  return { minMs: steps[firstAfter - 1]?.afterMs ?? 0, maxMs: steps[firstAfter]?.afterMs ?? 0 };
}

const withinFactorTwo = (assumed: number, observed: { minMs: number; maxMs: number }) =>
  observed.maxMs >= assumed / 2 && observed.minMs <= assumed * 2;

// Order matters against a budget: rejections first (each gives its place back when rejected),
// then the one task followed through its lifecycle, then the valid creates while places last.
describe("create: requests that break a documented rule create no task", () => {
  it.for(invalidCreateRequests().map((c) => [c.name, c.body] as const))(
    "rejects %s",
    async ([name, body], ctx) => {
      const answer = await create(ctx, body, "invalid_request");
      if (answer.status === 429) skip(ctx, "rate limited by the target; the rule was not checked");
      expect(isTaskCreated(answer), `created a task: ${answer.text.slice(0, 300)}`).toBe(false);
      observeRejection("invalid_request", name, answer);
    },
  );

  it("rejects a body that is not JSON", async (ctx) => {
    const answer = await create(ctx, undefined, "malformed_json", {
      rawBody: '{"model": "gpt-image-2", "prompt": ',
      headers: { "Content-Type": "application/json" },
    });
    expect(isTaskCreated(answer)).toBe(false);
    observeRejection("malformed_json", "a truncated JSON body", answer);
  });
});

describe("auth: every request carries a bearer key", () => {
  it("rejects a create without a key", async (ctx) => {
    const answer = await create(ctx, minimalRequest("gpt-image-2"), "unauthorized", {
      auth: false,
    });
    expect(
      isTaskCreated(answer),
      `created a task without a key: ${answer.text.slice(0, 300)}`,
    ).toBe(false);
    observeRejection("unauthorized", "no Authorization header", answer);
  });

  it("rejects a create with a key the target does not know", async (ctx) => {
    const answer = await create(ctx, minimalRequest("gpt-image-2"), "unauthorized", {
      headers: { Authorization: "Bearer image2-kit-contract-suite-unknown-key" },
    });
    expect(
      isTaskCreated(answer),
      `created a task with an unknown key: ${answer.text.slice(0, 300)}`,
    ).toBe(false);
    observeRejection("unauthorized", "an unknown key", answer);
  });
});

describe("query: an unknown task", () => {
  it("answers no task for an id that was never created", async () => {
    const id = "image_00000000-0000-4000-8000-000000000000";
    const answer = await client.send({
      method: "GET",
      path: resultPath(id),
      label: "task_not_found",
    });
    const asTask = TaskResult.safeParse(answer.json);
    expect(
      answer.status >= 200 && answer.status < 300 && asTask.success,
      `answered a task: ${answer.text.slice(0, 300)}`,
    ).toBe(false);
    observeRejection("task_not_found", "an id never created", answer);
  });
});

describe("a task's lifecycle", () => {
  it("goes from queued through processing to completed or failed, never back, and its image downloads", async (ctx) => {
    const request = seedFixtures.createRequest;
    const answer = await create(ctx, request, "create");
    const createdAt = target.now();
    const created = expectCreated(answer);
    expect(created.model).toBe(request.model);
    const parsedRequest = CreateImageRequest.parse(request);
    const output = outputSizeOf(parsedRequest);
    const timings = assumedTimings(parsedRequest, output);
    drift.observe(
      "status at create",
      "the provider's example",
      timings.queuedMs > 0 ? "queued" : "processing",
      created.status,
    );
    drift.observe("content type of a task", "create", "application/json", answer.contentType);
    drift.observe(
      "fields of a create response",
      "the provider's example",
      fieldsOf(seedFixtures.createResponse),
      fieldsOf(answer.json),
    );

    const { steps, final } = await pollUntilTerminal(target, client, config, created.id, createdAt);
    const ranks = [created.status, ...steps.map((step) => step.status)].map(
      (status) => STATUS_RANK[status],
    );
    expect(ranks, "a task's status never goes back").toEqual([...ranks].sort((a, b) => a - b));
    for (const { result } of steps) {
      expect(
        { id: result.id, created: result.created, model: result.model },
        "id, created and model stay as created",
      ).toEqual({
        id: created.id,
        created: created.created,
        model: created.model,
      });
    }
    for (const { result } of steps) {
      drift.observe(
        `fields of a ${result.status} result`,
        "the provider's example",
        fieldsOf(docsResultFixtures[result.status]),
        fieldsOf(result),
      );
    }
    const queued = changeWindow(steps, (s) => s === "queued");
    const finished = changeWindow(steps, (s) => STATUS_RANK[s] < 2);
    const processing = {
      minMs: Math.max(0, finished.minMs - queued.maxMs),
      maxMs: finished.maxMs - queued.minMs,
    };
    const subject = "the provider's example";
    drift.observe(
      "time queued (ms)",
      subject,
      timings.queuedMs,
      queued,
      withinFactorTwo(timings.queuedMs, queued),
    );
    drift.observe(
      "time processing (ms)",
      subject,
      timings.processingMs,
      processing,
      withinFactorTwo(timings.processingMs, processing),
    );

    await target.sleep(config.pollMs);
    const again = await client.send({
      method: "GET",
      path: resultPath(created.id),
      label: "result",
    });
    const repeat = TaskResult.parse(again.json);
    const stable = (result: TaskResult) => ({
      status: result.status,
      error: result.status === "failed" ? result.error : undefined,
      // A signed image URL may be signed anew on each poll; the image it names may not change.
      image:
        result.status === "completed"
          ? new URL(result.image_url).origin + new URL(result.image_url).pathname
          : undefined,
    });
    expect(stable(repeat), "a terminal task never changes").toEqual(stable(final));

    if (final.status === "failed") {
      drift.observe(
        "outcome of the provider's example",
        "the provider's example",
        "completed",
        `failed: ${final.error}`,
      );
      return;
    }
    const download = await client.download(final.image_url, "image");
    expect(download.status, `image_url ${final.image_url} downloads`).toBe(200);
    const info = imageInfo(download.bytes);
    expect(
      info,
      `image_url ${final.image_url} serves an image (content type ${download.contentType})`,
    ).toBeDefined();
    drift.observe("image format", "the provider's example", "png", info?.format);
    const pixels = output.pixels
      ? `${output.pixels.width}x${output.pixels.height}`
      : "no size (task fails)";
    drift.observe(
      "pixel size",
      `ratio ${request.ratio} at ${request.resolution}`,
      pixels,
      info && `${info.width}x${info.height}`,
    );
  });

  it("reports a failed task with an error string and no image", async (ctx) => {
    if (!target.control)
      skip(ctx, "needs control of the target to make a task fail (in-process fake only)");
    target.control?.planNext(1, { outcome: "failed", error: "contract suite: forced failure" });
    const answer = await create(ctx, minimalRequest("gpt-image-2"), "create");
    const created = expectCreated(answer);
    const { final } = await pollUntilTerminal(target, client, config, created.id, target.now());
    expect(final).toMatchObject({ status: "failed", error: "contract suite: forced failure" });
    expect(final.image_url ?? null).toBeNull();
  });
});

describe("with control of the target", () => {
  it("answers processing at create for a task with no time queued", async (ctx) => {
    if (!target.control) skip(ctx, "needs control of the target's timings (in-process fake only)");
    target.control?.planNext(1, { queuedMs: 0 });
    const created = expectCreated(await create(ctx, minimalRequest("gpt-image-2-r"), "create"));
    expect(created.status).toBe("processing");
    const { final } = await pollUntilTerminal(target, client, config, created.id, target.now());
    expect(final.status).toBe("completed");
  });

  it("keeps polling through polls answered 429 until the task is terminal", async (ctx) => {
    if (!target.control) skip(ctx, "needs control of the target's faults (in-process fake only)");
    target.control?.addFault({
      match: { route: "getTaskResult" },
      action: { type: "status", status: 429 },
      times: 2,
    });
    const created = expectCreated(await create(ctx, minimalRequest("gpt-image-2"), "create"));
    const { final } = await pollUntilTerminal(target, client, config, created.id, target.now());
    expect(final).toMatchObject({ id: created.id, status: "completed" });
  });
});

describe("create: documented valid requests are accepted", () => {
  const cases = interleavedByModel(validCreateRequests());
  it.for(cases.map((c) => [c.name, c.body] as const))("accepts %s", async ([name, body], ctx) => {
    const answer = await create(ctx, body, "create");
    expect(expectCreated(answer).model, name).toBe((body as { model: string }).model);
  });
});

describe("assumed behaviour", () => {
  beforeAll(async () => {
    const answer = await client.send({
      method: "GET",
      path: "/v1/image2/no-such-route",
      label: "route_not_found",
    });
    observeRejection("route_not_found", "GET /v1/image2/no-such-route", answer);
  });

  it("matches everything the fake assumes (only with CONTRACT_STRICT)", (ctx) => {
    if (!config.strict) skip(ctx, "CONTRACT_STRICT is not set: drift is reported, not failed");
    expect(drift.drifted(), "drift from the fake's assumptions").toEqual([]);
  });
});
