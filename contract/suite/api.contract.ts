/**
 * The contract suite: every documented rule of the API, on its accept and its reject side, run
 * unchanged against the in-process fake, the fake on a port, or any base URL (CONTRACT_BASE_URL).
 * A check that can fail names the documented rule it rests on; what the documentation leaves open
 * is only reported as drift, unless CONTRACT_STRICT is set. Every create that could make a task
 * holds a place in the budget (CONTRACT_MAX_TASKS) first, so the budget is a cap.
 */
import {
  afterAll,
  beforeAll,
  beforeEach,
  describe,
  expect,
  inject,
  it,
  type TestContext,
} from "vitest";
import { breakMessage, cite, DOCUMENTED_RULES, type DocumentedRule } from "../documented-rules.js";
import { createRedactor } from "../redact.js";
import {
  invalidCreateRequests,
  limitCreateRequests,
  minimalRequest,
  type UndocumentedRequestCase,
  undocumentedCreateRequests,
  type ValidRequestCase,
  validCreateRequests,
} from "../request-cases.js";
import { routes } from "../routes.js";
import { CreateImageResponse, TaskResult } from "../schemas.js";
import { type CreateOutcome, describeAnswer } from "./answers.js";
import { TaskBudget } from "./budget.js";
import { readSuiteConfig } from "./config.js";
import { DriftLog } from "./drift.js";
import { findFakeControl } from "./fake-control.js";
import { type Answer, HttpClient, type SentRequest } from "./http-client.js";
import { assertLifecycle, followTask, UNKNOWN_KEY } from "./lifecycle.js";
import { assumedFate, observeLifecycle, observeRejection } from "./lifecycle-drift.js";
import { resultPath } from "./polling.js";
import { consoleSummary, writeReport } from "./run-report.js";
import { makeTarget, resolveTarget, type Target } from "./target.js";
import { createdTask } from "./task-rules.js";

const config = readSuiteConfig();
const where = resolveTarget(config, inject("contractTarget"));
const redactor = createRedactor([where.apiKey, config.controlToken]);
const client = new HttpClient({
  baseUrl: where.baseUrl,
  apiKey: where.apiKey,
  controlToken: config.controlToken,
  timeoutMs: config.requestTimeoutMs,
  recordDir: config.recordDir,
  redactor,
  // Recordings are stamped on the target's clock, so a manual one times tasks as the fake ran them.
  now: () => (target ? target.now() : Date.now()),
});
const budget = new TaskBudget(config.maxTasks);
const drift = new DriftLog();
const failures: { test: string; message: string }[] = [];
const skipped: { test: string; reason: string }[] = [];
let checksPassed = 0;
const startedAt = new Date().toISOString();
let target: Target;

beforeAll(async () => {
  try {
    target = makeTarget(where, await findFakeControl(client, config.control));
  } catch (error) {
    failures.push({ test: "connecting to the target", message: (error as Error).message });
    throw error;
  }
});

beforeEach((ctx) => {
  ctx.onTestFailed(({ task }) => {
    const message = (task.result?.errors ?? []).map((error) => error.message).join("\n");
    failures.push({ test: task.name, message: redactor.text(message) });
  });
  ctx.onTestFinished(({ task }) => {
    if (task.result?.state === "pass") checksPassed += 1;
  });
  if (client.halted) skip(ctx, `not run: ${client.halted}`);
});

afterAll(async () => {
  const outcome = {
    target: where.description,
    startedAt,
    strict: config.strict,
    checksPassed,
    budget: {
      max: budget.max,
      placesUsed: budget.placesUsed,
      tasksConfirmed: budget.tasksConfirmed,
    },
    failures,
    drift: drift.drifted(),
    matched: drift.matched(),
    skipped,
  };
  const files = config.reportPath ? await writeReport(config.reportPath, outcome, redactor) : [];
  const summary = consoleSummary(outcome, redactor);
  console.log(files.length > 0 ? `${summary}\n[contract] report: ${files.join(", ")}` : summary);
});

/** Skips a test; the summary lists each reason once, with how many tests it skipped. */
function skip(ctx: TestContext, reason: string): never {
  skipped.push({ test: ctx.task.name, reason });
  return ctx.skip();
}

/**
 * Sends a create that could make a task, holding a budget place first (skipping the test when
 * none is left) and settling it by the answer. `prepare` runs once the place is held, so a plan
 * made for the create is never left over for another.
 */
async function create(
  ctx: TestContext,
  body: unknown,
  label: string,
  extra: Pick<SentRequest, "headers" | "rawBody" | "auth"> = {},
  prepare?: () => Promise<void>,
): Promise<{ answer: Answer; outcome: CreateOutcome }> {
  if (!budget.hold()) {
    skip(
      ctx,
      `the task budget is used up (CONTRACT_MAX_TASKS=${budget.max}); each task may be billed`,
    );
  }
  try {
    await prepare?.();
  } catch (error) {
    budget.cancel();
    throw error;
  }
  const answer = await client
    .send({ method: "POST", path: routes.createImageTask.path, body, label, ...extra })
    .catch((error: unknown) => {
      // No answer: the create may still have made a task, so its place stays used.
      budget.settle(undefined);
      throw error;
    });
  return { answer, outcome: budget.settle(answer) };
}

/** The create response parsed, or a failure naming the broken rule and showing the answer. */
function expectCreated(c: ValidRequestCase, answer: Answer, outcome: CreateOutcome) {
  if (outcome === "rejected") {
    const rules = c.rules.map((rule) => DOCUMENTED_RULES[rule]).join("; ");
    throw new Error(
      `the documentation calls this request valid, but it was refused [documented: ${rules}]\n${describeAnswer(answer)}`,
    );
  }
  const created = createdTask(answer);
  if (!created.ok) throw new Error(breakMessage(created.found));
  return created.value;
}

/**
 * Creates a task the documentation calls valid and follows it to its end: the documented checks
 * fail the test, the rest is recorded as drift (not for a task the suite steered on purpose).
 */
async function acceptAndFollow(
  ctx: TestContext,
  c: ValidRequestCase,
  steer?: { prepare: () => Promise<void> },
) {
  const { answer, outcome } = await create(ctx, c.body, "create", {}, steer?.prepare);
  const createdAt = target.now();
  const created = expectCreated(c, answer, outcome);
  const task = await followTask(target, client, config, created, createdAt);
  assertLifecycle(task, c.model);
  if (!steer) observeLifecycle(drift, c.name, c.body, answer, task);
  return task;
}

function expectRejected(
  rule: DocumentedRule,
  what: string,
  answer: Answer,
  outcome: CreateOutcome,
) {
  expect(
    outcome,
    `${cite(rule)} ${what} must create no task: expected a rejection (an HTTP 4xx, or a 2xx error envelope with no task in it), got ${describeAnswer(answer)}`,
  ).toBe("rejected");
}

/** One of each model first, so a small budget still covers both models. */
function interleavedByModel<T extends { model: string | undefined }>(cases: readonly T[]): T[] {
  const byModel = new Map<string | undefined, T[]>();
  for (const c of cases) byModel.set(c.model, [...(byModel.get(c.model) ?? []), c]);
  const queues = [...byModel.values()];
  const out: T[] = [];
  for (let i = 0; out.length < cases.length; i += 1) {
    for (const queue of queues) if (queue[i]) out.push(queue[i] as T);
  }
  return out;
}

const named = <T extends { name: string }>(cases: readonly T[]) =>
  cases.map((c) => [c.name, c] as const);

const needsControl = (ctx: TestContext) => {
  if (!target.control) skip(ctx, `needs the fake's control API: ${target.noControlReason}`);
  return target.control;
};

// Order matters against a budget: the rejections first (a correct target gives each place back),
// then the documented limits in as few tasks as the docs allow, then the tests that steer the fake,
// then one rule per create, and last the requests the documentation leaves open.
describe("create: requests that break a documented rule create no task", () => {
  it.for(named(invalidCreateRequests()))("rejects %s", async ([, c], ctx) => {
    const { answer, outcome } = await create(ctx, c.body, "invalid_request");
    if (answer.status === 429) skip(ctx, "rate limited by the target; the rule was not checked");
    expectRejected(c.rule, c.name, answer, outcome);
    observeRejection(drift, "invalid_request", c.name, answer);
  });

  it("rejects a body that is not JSON", async (ctx) => {
    const { answer, outcome } = await create(ctx, undefined, "malformed_json", {
      rawBody: '{"model": "gpt-image-2", "prompt": ',
    });
    expectRejected("jsonBody", "a truncated JSON body", answer, outcome);
    observeRejection(drift, "malformed_json", "a truncated JSON body", answer);
  });
});

describe("auth: every request carries the account's bearer key", () => {
  it("rejects a create without a key", async (ctx) => {
    const { answer, outcome } = await create(ctx, minimalRequest("gpt-image-2"), "unauthorized", {
      auth: false,
    });
    expectRejected("bearerKey", "a create without a key", answer, outcome);
    observeRejection(drift, "unauthorized", "no Authorization header", answer);
  });

  it("rejects a create with a key the target does not know", async (ctx) => {
    const { answer, outcome } = await create(ctx, minimalRequest("gpt-image-2"), "unauthorized", {
      headers: { Authorization: `Bearer ${UNKNOWN_KEY}` },
    });
    expectRejected("bearerKey", "a create with an unknown key", answer, outcome);
    observeRejection(drift, "unauthorized", "an unknown key", answer);
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
      `${cite("taskIdentity")} an id never created was answered with a task: ${describeAnswer(answer)}`,
    ).toBe(false);
    observeRejection(drift, "task_not_found", "an id never created", answer);
  });
});

describe("create: the documented limits, in as few billed tasks as the docs allow", () => {
  it.for(named(limitCreateRequests()))(
    "accepts %s, and the task keeps the documented lifecycle",
    async ([, c], ctx) => {
      await acceptAndFollow(ctx, c);
    },
  );
});

describe("with control of the target (the fake, in-process or on a port)", () => {
  const request: ValidRequestCase = {
    name: "gpt-image-2: only the required fields",
    model: "gpt-image-2",
    rules: ["model", "prompt"],
    body: minimalRequest("gpt-image-2"),
  };

  it("reports a failed task with an error string and no image", async (ctx) => {
    const control = needsControl(ctx);
    const error = "contract suite: forced failure";
    const { final } = await acceptAndFollow(ctx, request, {
      prepare: () => control.planNext(1, { outcome: "failed", error }),
    });
    expect(final, cite("resultFields")).toMatchObject({ status: "failed", error });
    expect(final.image_url ?? null, cite("resultFields")).toBeNull();
  });

  it("accepts a task that answers processing at create", async (ctx) => {
    const control = needsControl(ctx);
    const { created, final } = await acceptAndFollow(ctx, request, {
      prepare: () => control.planNext(1, { queuedMs: 0 }),
    });
    expect(created.status, "the fake did not follow its plan: no time queued").toBe("processing");
    expect(final.status, "the fake did not follow its plan: the task completes").toBe("completed");
  });

  it("keeps polling through polls answered 429 until the task is terminal", async (ctx) => {
    const control = needsControl(ctx);
    const { final } = await acceptAndFollow(ctx, request, {
      prepare: () =>
        control.addFault({
          match: { route: "getTaskResult" },
          action: { type: "status", status: 429 },
          times: 2,
        }),
    });
    expect(final.status, "the task completes once the polls are answered again").toBe("completed");
  });
});

describe("create: documented valid requests, one rule each", () => {
  it.for(named(interleavedByModel(validCreateRequests())))("accepts %s", async ([, c], ctx) => {
    await acceptAndFollow(ctx, c);
  });
});

/** How the target dealt with a request the documentation leaves open, followed to its end. */
async function fateOf(ctx: TestContext, c: UndocumentedRequestCase): Promise<string> {
  const { answer, outcome } = await create(ctx, c.body, "invalid_request");
  if (outcome === "rejected") {
    observeRejection(drift, "invalid_request", c.name, answer);
    return "refused at create";
  }
  if (outcome === "unrecognised")
    return `an answer that is neither a task nor a rejection: ${describeAnswer(answer)}`;
  const createdAt = target.now();
  const created = CreateImageResponse.parse(answer.json);
  const task = await followTask(target, client, config, created, createdAt);
  assertLifecycle(task, c.model);
  return `task ${task.final.status}`;
}

describe("what the documentation leaves open: reported as drift, never failed", () => {
  it.for(named(undocumentedCreateRequests()))(
    "reports how the target answers %s",
    async ([, c], ctx) => {
      const fate = await fateOf(ctx, c);
      drift.observe(c.question, c.name, assumedFate(c.body), fate);
    },
  );
});

describe("assumed behaviour", () => {
  beforeAll(async () => {
    if (client.halted) return;
    const answer = await client.send({
      method: "GET",
      path: "/v1/image2/no-such-route",
      label: "route_not_found",
    });
    observeRejection(drift, "route_not_found", "GET /v1/image2/no-such-route", answer);
  });

  it("matches everything the fake assumes (only with CONTRACT_STRICT)", (ctx) => {
    if (!config.strict) skip(ctx, "CONTRACT_STRICT is not set: drift is reported, not failed");
    expect(drift.drifted(), "drift from the fake's assumptions").toEqual([]);
  });
});
