import { readFile } from "node:fs/promises";
import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { minimalRequest } from "../../contract/request-cases.js";
import { TaskResult } from "../../contract/schemas.js";
import { AUTH, fakeWithAgent, KEY, statusOf } from "../test-support/fake-agent.js";
import { createFakeApp } from "./app.js";

describe("control API", () => {
  it("answers under the prefix of an app that nests the fake, as at the root", async () => {
    const fake = createFakeApp({ clock: "manual" });
    const parent = new Hono().route("/api", fake);
    const health = await parent.request("/api/__fake/health");
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, clock: { kind: "manual" } });
    const advanced = await parent.request("/api/__fake/clock", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ advanceMs: 1000 }),
    });
    expect(await advanced.json()).toMatchObject({ kind: "manual", now: fake.fake.clock.now() });
    const unknown = await parent.request("/api/__fake/nope");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: expect.stringMatching(/^no control route GET \/__fake\/nope/),
    });
    expect((await parent.request("/api/__fake/ui")).headers.get("content-type")).toMatch(
      /^text\/html/,
    );
    // Only the prefix the parent gave is cut: a path segment named like it further on is the fake's.
    const removed = await parent.request("/api/__fake/faults/__fake", { method: "DELETE" });
    expect(await removed.json()).toMatchObject({ error: "no fault '__fake'" });
  });

  it("reports health with the clock and the number of tasks", async () => {
    const { agent, create, fake } = fakeWithAgent();
    await create();
    const res = await agent.get("/__fake/health");
    expect(res.body).toEqual({
      ok: true,
      clock: { kind: "manual", now: fake.clock.now() },
      tasks: 1,
      seed: "test",
      memory: { rssMb: expect.any(Number), heapUsedMb: expect.any(Number) },
    });
    // The figures are this process's own, read when asked, not a constant.
    const heapUsedMb = process.memoryUsage().heapUsed / 1024 / 1024;
    expect(Math.abs(res.body.memory.heapUsedMb - heapUsedMb)).toBeLessThan(64);
  });

  it("advances a manual clock, and refuses to advance the system clock", async () => {
    const { agent, fake } = fakeWithAgent();
    const before = fake.clock.now();
    const res = await agent.post("/__fake/clock").send({ advanceMs: 2500 });
    expect(res.body).toEqual({ kind: "manual", now: before + 2500 });
    expect((await agent.post("/__fake/clock").send({ advanceMs: -1 })).status).toBe(400);
    const system = fakeWithAgent({ clock: "system" });
    expect((await system.agent.post("/__fake/clock").send({ advanceMs: 1 })).status).toBe(409);
  });

  it("lists tasks with their status, timings and outcome", async () => {
    const { agent, create } = fakeWithAgent({ queuedMs: 10, processingMs: 20 });
    const { id } = (await create()).body;
    const { tasks } = (await agent.get("/__fake/tasks")).body;
    expect(tasks).toMatchObject([
      { id, status: "queued", queuedMs: 10, processingMs: 20, outcome: "completed" },
    ]);
    expect((await agent.get(`/__fake/tasks/${id}`)).body.id).toBe(id);
    expect((await agent.get("/__fake/tasks/image_nope")).status).toBe(404);
  });

  it("decides the outcome, error and timings of the next N tasks", async () => {
    const { agent, create, result, fake } = fakeWithAgent({ profile: "instant" });
    const planned = await agent
      .post("/__fake/next-tasks")
      .send({ count: 2, outcome: "failed", error: "quota exceeded", processingMs: 100 });
    expect(planned.status).toBe(201);
    const ids = [];
    for (let i = 0; i < 3; i += 1) ids.push((await create()).body.id);
    fake.advance(100);
    const results = await Promise.all(
      ids.map(async (id) => TaskResult.parse((await result(id)).body)),
    );
    expect(results.map((r) => r.status)).toEqual(["failed", "failed", "completed"]);
    expect(results[0]).toMatchObject({ error: "quota exceeded" });
    expect((await agent.get("/__fake/next-tasks")).body.next).toEqual([]);
  });

  it("rejects a plan with an unknown field or value, naming it", async () => {
    const { agent } = fakeWithAgent();
    const res = await agent.post("/__fake/next-tasks").send({ outcome: "exploded", colour: "red" });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((issue: { path: string }) => issue.path).sort()).toEqual([
      "(body)",
      "outcome",
    ]);
  });

  it("changes one pending task, but never a terminal one or backwards", async () => {
    const { agent, create, result, fake } = fakeWithAgent({ queuedMs: 1000, processingMs: 1000 });
    const { id } = (await create()).body;
    const patch = (body: object) => agent.patch(`/__fake/tasks/${id}`).send(body);
    expect((await patch({ outcome: "failed", error: "stalled" })).status).toBe(200);
    fake.advance(1500);
    expect((await patch({ queuedMs: 5000 })).status).toBe(409);
    expect((await patch({ processingMs: 10_000 })).status).toBe(200);
    fake.advance(10_000);
    expect((await result(id)).body).toMatchObject({ status: "failed", error: "stalled" });
    expect((await patch({ outcome: "completed" })).status).toBe(409);
  });

  it("keeps at most --max-tasks changed tasks whose images have not expired", async () => {
    const { agent, create, fake } = fakeWithAgent({
      maxTasks: 2,
      queuedMs: 1000,
      processingMs: 1000,
    });
    const patch = async () => {
      const { id } = (await create()).body;
      return agent.patch(`/__fake/tasks/${id}`).send({ outcome: "failed" });
    };
    expect((await patch()).status).toBe(200);
    expect((await patch()).status).toBe(200);
    const full = await patch();
    expect(full.status).toBe(409);
    expect(full.body.error).toMatch(/already keeps 2 changed tasks .*--max-tasks/);
    // Once the changed tasks' images have expired, their places are free again.
    fake.advance(2000 + 24 * 3600 * 1000);
    expect((await patch()).status).toBe(200);
  });

  it("keeps a bounded journal of API requests, with keys redacted", async () => {
    const { agent, create } = fakeWithAgent({ journalSize: 3 });
    for (let i = 0; i < 5; i += 1) await create();
    await agent.get("/__fake/health");
    const res = await agent.get("/__fake/requests");
    expect(res.body.requests.map((entry: { seq: number }) => entry.seq)).toEqual([3, 4, 5]);
    expect(res.body.requests[0]).toMatchObject({
      method: "POST",
      status: 200,
      route: "createImageTask",
    });
    expect(res.text).not.toContain(KEY);
    expect(res.body.requests[0].keyId).toMatch(/^key_[0-9a-f]{12}$/);
  });

  it("lists the --max-tasks most recent tasks, and still answers every older one", async () => {
    const { agent, create, result } = fakeWithAgent({ maxTasks: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i += 1) ids.push((await create()).body.id);
    const listed = (await agent.get("/__fake/tasks")).body.tasks.map(
      (task: { id: string }) => task.id,
    );
    expect(listed).toEqual(ids.slice(1));
    expect((await agent.get("/__fake/health")).body.tasks).toBe(2);
    expect((await agent.get(`/__fake/tasks/${ids[0]}`)).status).toBe(404);
    for (const id of ids) expect((await result(id)).body.id).toBe(id);
  });

  it("resets the tasks listed, plans, faults and the journal, but a task still answers", async () => {
    const { agent, create, result } = fakeWithAgent();
    const { id } = (await create()).body;
    await agent.post("/__fake/next-tasks").send({ outcome: "failed" });
    await agent.post("/__fake/faults").send({ action: { type: "status", status: 503 } });
    await agent.post("/__fake/reset").send({});
    expect((await agent.get("/__fake/tasks")).body.tasks).toEqual([]);
    expect((await result(id)).status).toBe(200);
    expect((await agent.get("/__fake/next-tasks")).body.next).toEqual([]);
    expect((await agent.get("/__fake/faults")).body.faults).toEqual([]);
    expect((await agent.get("/__fake/requests")).body.requests).toHaveLength(1);
  });

  it("answers a path it does not have in its own words, out of the journal and of fault rules", async () => {
    const { agent, create } = fakeWithAgent();
    await agent.post("/__fake/faults").send({ action: { type: "status", status: 503 }, times: 1 });
    for (const [method, path] of [
      ["get", "/__fake/nope"],
      ["delete", "/__fake/health"],
    ] as const) {
      const res = await agent[method](path);
      expect(res.status, path).toBe(404);
      expect(res.body, path).toEqual({
        error: `no control route ${method.toUpperCase()} ${path}: the control API is described at /__fake/openapi.json`,
        issues: [],
      });
    }
    // The rule is still waiting for the first API request.
    expect((await create()).status).toBe(503);
    const { requests } = (await agent.get("/__fake/requests")).body;
    expect(requests.map((entry: { path: string }) => entry.path)).toEqual(["/v1/image2/images"]);
  });

  it("is absent when turned off", async () => {
    const { agent } = fakeWithAgent({ control: false });
    const res = await agent.get("/__fake/health");
    expect(res.status).toBe(statusOf("route_not_found"));
  });
});

describe("fault rules", () => {
  it("answers 429 with Retry-After for N matching requests, then serves normally", async () => {
    const { agent, create, result } = fakeWithAgent();
    const { id } = (await create()).body;
    await agent.post("/__fake/faults").send({
      match: { route: "getTaskResult" },
      action: { type: "status", status: 429 },
      times: 2,
    });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push(await result(id));
    expect(statuses.map((res) => res.status)).toEqual([429, 429, 200]);
    expect(statuses[0]?.headers["retry-after"]).toBe("1");
    expect((await create()).status).toBe(200);
  });

  it("answers the status, body and headers it was given", async () => {
    const { agent, create } = fakeWithAgent();
    await agent.post("/__fake/faults").send({
      match: { method: "post", path: "/v1/image2/*" },
      action: {
        type: "status",
        status: 503,
        body: { code: 503, msg: "upstream busy", data: null },
        headers: { "Retry-After": "7" },
      },
    });
    const res = await create();
    expect(res.status).toBe(503);
    expect(res.body).toEqual({ code: 503, msg: "upstream busy", data: null });
    expect(res.headers["retry-after"]).toBe("7");
  });

  it("applies to the share of requests its probability gives, reproducibly", async () => {
    const run = async () => {
      const { agent, create } = fakeWithAgent({ seed: "share" });
      await agent
        .post("/__fake/faults")
        .send({ action: { type: "status", status: 500 }, probability: 0.25 });
      const statuses: number[] = [];
      for (let i = 0; i < 200; i += 1) statuses.push((await create()).status);
      return statuses;
    };
    const statuses = await run();
    const failures = statuses.filter((status) => status === 500).length;
    expect(failures).toBeGreaterThan(25);
    expect(failures).toBeLessThan(75);
    expect(await run()).toEqual(statuses);
  });

  it("delays a request by at least the rule's latency", async () => {
    const app = createFakeApp({ clock: "manual" });
    const rule = app.fake.addFault({ action: { type: "latency", ms: 20, maxMs: 30 }, times: 1 });
    const started = performance.now();
    const res = await app.request("/v1/result/image_x", { headers: AUTH });
    // A lower bound only (timers may fire a millisecond early): how long is a benchmark's business.
    expect(performance.now() - started).toBeGreaterThanOrEqual(19);
    expect(res.status).toBe(statusOf("task_not_found"));
    expect(rule.applied).toBe(1);
    expect(app.fake.requests().at(-1)).toMatchObject({ fault: rule.id });
  });

  it("answers a status after its delay, as the README's rule for a quarter of creates says", async () => {
    const readme = await readFile(new URL("../../README.md", import.meta.url), "utf8");
    const example = readme.split("# A quarter of creates answer 503 after half a second\n")[1];
    const json = /-d '([^']+)'/.exec(example ?? "")?.[1];
    if (json === undefined) throw new Error("the README lost its example of a slow 503");
    const app = createFakeApp({ clock: "manual", seed: "quarter" });
    const added = await app.request("/__fake/faults", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: json,
    });
    expect(added.status).toBe(201);
    const timed = async () => {
      const started = performance.now();
      const res = await app.request("/v1/image2/images", {
        method: "POST",
        headers: { ...AUTH, "Content-Type": "application/json" },
        body: JSON.stringify(minimalRequest("gpt-image-2")),
      });
      return { status: res.status, ms: performance.now() - started };
    };
    const answers = await Promise.all(Array.from({ length: 80 }, timed));
    const slow = answers.filter((answer) => answer.status === 503);
    // 80 draws at 0.25: 20 expected, and fewer than 6 or more than 40 has odds below one in 10^5.
    expect(slow.length).toBeGreaterThan(5);
    expect(slow.length).toBeLessThan(40);
    expect(answers.length - slow.length).toBe(
      answers.filter((answer) => answer.status === 200).length,
    );
    // A lower bound only (timers may fire a millisecond early).
    for (const answer of slow) expect(answer.ms).toBeGreaterThanOrEqual(499);
    // Polls are not creates: the rule leaves them alone.
    expect((await app.request("/v1/result/image_x", { headers: AUTH })).status).toBe(
      statusOf("task_not_found"),
    );
  });

  it("refuses a delay range whose top is below its bottom, naming the field", async () => {
    const { agent } = fakeWithAgent();
    for (const action of [
      { type: "status", status: 503, delayMs: 500, maxDelayMs: 100 },
      { type: "drop", delayMs: 10, maxDelayMs: 5 },
      { type: "latency", ms: 10, maxMs: 5 },
    ]) {
      const res = await agent.post("/__fake/faults").send({ action });
      expect(res.status, JSON.stringify(action)).toBe(400);
      expect(res.body.issues[0].path).toBe(
        action.type === "latency" ? "action.maxMs" : "action.maxDelayMs",
      );
    }
  });

  it("hangs, then cuts the connection, when a drop has a delay", async () => {
    const app = createFakeApp({ clock: "manual" });
    const rule = app.fake.addFault({ action: { type: "drop", delayMs: 30 }, times: 1 });
    const started = performance.now();
    const res = await app.request("/v1/result/image_x", { headers: AUTH });
    expect(performance.now() - started).toBeGreaterThanOrEqual(29);
    await expect(res.text()).rejects.toThrow(/connection dropped/);
    expect(app.fake.requests().at(-1)).toMatchObject({ status: 0, fault: rule.id });
  });

  it("drops the connection: in-process the body cannot be read", async () => {
    const app = createFakeApp({ clock: "manual" });
    app.fake.addFault({ action: { type: "drop" } });
    const res = await app.request("/v1/result/image_x", { headers: AUTH });
    await expect(res.text()).rejects.toThrow(/connection dropped/);
    expect(app.fake.requests().at(-1)).toMatchObject({ status: 0 });
  });

  it("rejects a rule it cannot apply, naming the problem", async () => {
    const { agent } = fakeWithAgent();
    const res = await agent
      .post("/__fake/faults")
      .send({ action: { type: "status", status: 200 } });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].path).toBe("action.status");
  });

  it("removes a rule by id", async () => {
    const { agent, create } = fakeWithAgent();
    const { id } = (
      await agent.post("/__fake/faults").send({ action: { type: "status", status: 500 } })
    ).body;
    expect((await create()).status).toBe(500);
    expect((await agent.delete(`/__fake/faults/${id}`)).status).toBe(200);
    expect((await create()).status).toBe(200);
    expect((await agent.delete(`/__fake/faults/${id}`)).status).toBe(404);
  });
});

describe("rate limiter", () => {
  it("answers 429 with Retry-After past the limit per key, until the window passes", async () => {
    const { create, fake } = fakeWithAgent({ rateLimit: "3/s" });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push(await create());
    expect(statuses.map((res) => res.status)).toEqual([200, 200, 200, 429]);
    expect(statuses[3]?.headers["retry-after"]).toBe("1");
    expect((await create(undefined, { Authorization: "Bearer sk-other" })).status).toBe(200);
    fake.advance(1000);
    expect((await create()).status).toBe(200);
  });
});

describe("self-check", () => {
  const farFuture = { kind: "manual" as const, now: () => 100_000_000_000_000, advance: () => 0 };

  it("answers a loud 500 naming the rule when a response would break its schema", async () => {
    const { create } = fakeWithAgent({ clock: farFuture, selfCheck: true });
    const res = await create();
    expect(res.status).toBe(500);
    expect(res.body.msg).toBe(
      "self-check: the createImageTask response breaks its schema: created: must be Unix seconds, not milliseconds",
    );
  });

  it("stays out of the way when turned off", async () => {
    const { create } = fakeWithAgent({ clock: farFuture, selfCheck: false });
    expect((await create()).status).toBe(200);
  });
});

describe("paging and filtering", () => {
  it("pages through the recent tasks, newest or oldest first, with their total", async () => {
    const { agent, create } = fakeWithAgent();
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) ids.push((await create()).body.id);
    const page = async (query: string) => {
      const { body } = await agent.get(`/__fake/tasks?${query}`);
      return { ids: body.tasks.map((task: { id: string }) => task.id), total: body.total };
    };
    expect(await page("")).toEqual({ ids, total: 7 });
    expect(await page("limit=3&order=newest")).toEqual({ ids: ids.slice(4).reverse(), total: 7 });
    expect(await page("limit=3&offset=3&order=newest")).toEqual({
      ids: ids.slice(1, 4).reverse(),
      total: 7,
    });
    expect(await page("limit=3&offset=6&order=newest")).toEqual({ ids: ids.slice(0, 1), total: 7 });
    expect(await page("limit=2&offset=1")).toEqual({ ids: ids.slice(1, 3), total: 7 });
    expect(await page("offset=70")).toEqual({ ids: [], total: 7 });
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=1001", "limit"],
    ["limit=1e3", "limit"],
    ["limit=", "limit"],
    ["offset=-1", "offset"],
    ["offset=1.5", "offset"],
    ["order=random", "order"],
    ["page=2", "(query)"],
  ])("refuses the query %s, naming the parameter", async (query, path) => {
    const { agent } = fakeWithAgent();
    for (const route of ["/__fake/tasks", "/__fake/requests"]) {
      const res = await agent.get(`${route}?${query}`);
      expect(res.status, `${route}?${query}`).toBe(400);
      expect(res.body.issues.map((issue: { path: string }) => issue.path)).toEqual([path]);
    }
  });

  it("refuses a query parameter given twice", async () => {
    const { agent } = fakeWithAgent();
    const res = await agent.get("/__fake/requests?limit=1&limit=2");
    expect(res.status).toBe(400);
    expect(res.body.error).toMatch(/limit is repeated/);
  });

  it("filters the journal by route, task and status, and says how many match", async () => {
    const { agent, create, result, fake } = fakeWithAgent({ queuedMs: 1000, processingMs: 0 });
    const first = (await create()).body.id as string;
    const second = (await create()).body.id as string;
    await result(first);
    await result("image_00000000-0000-4000-8000-000000000000");
    fake.advance(1000);
    const done = await result(second);
    await agent.get(new URL(done.body.image_url).pathname);
    await agent.post("/v1/image2/images").set(AUTH).send("not json");
    const list = async (query: string) => {
      const { body } = await agent.get(`/__fake/requests?${query}`);
      return {
        seqs: body.requests.map((entry: { seq: number }) => entry.seq),
        total: body.total,
      };
    };
    expect(await list("route=createImageTask")).toEqual({ seqs: [1, 2, 7], total: 3 });
    expect(await list("route=getTaskResult&order=newest")).toEqual({ seqs: [5, 4, 3], total: 3 });
    expect(await list("route=image")).toEqual({ seqs: [6], total: 1 });
    expect(await list(`taskId=${second}`)).toEqual({ seqs: [2, 5], total: 2 });
    expect(await list("status=4xx")).toEqual({ seqs: [4, 7], total: 2 });
    expect(await list(`status=${statusOf("task_not_found")}`)).toEqual({ seqs: [4], total: 1 });
    expect(await list("status=2xx&limit=2&offset=1")).toEqual({ seqs: [2, 3], total: 5 });
    for (const bad of ["status=600", "status=4x", "taskId=image_1", "route=health"]) {
      expect((await agent.get(`/__fake/requests?${bad}`)).status, bad).toBe(400);
    }
  });

  it("records how long each request took, a fault's delay included", async () => {
    const { agent, result } = fakeWithAgent();
    await agent.post("/__fake/faults").send({ action: { type: "latency", ms: 30 }, times: 1 });
    await result("image_x");
    await result("image_x");
    const [slow, quick] = (await agent.get("/__fake/requests")).body.requests;
    expect(slow.durationMs).toBeGreaterThanOrEqual(29);
    expect(quick.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("keeps the fake's own pages, documents and the inspector's thumbnails out of the journal", async () => {
    const { agent, create, fake } = fakeWithAgent({ profile: "instant" });
    const { id } = (await create()).body;
    fake.advance(1);
    for (const page of [
      "/",
      "/docs",
      "/docs/assets/swagger-ui.css",
      "/openapi.json",
      "/openapi.yaml",
    ]) {
      expect((await agent.get(page)).status, page).toBe(200);
    }
    const thumbnail = await agent.get(`/__fake/tasks/${id}/image`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers["content-type"]).toBe("image/png");
    expect((await agent.get("/__fake/openapi.json")).status).toBe(200);
    const { requests } = (await agent.get("/__fake/requests")).body;
    expect(requests.map((entry: { path: string }) => entry.path)).toEqual(["/v1/image2/images"]);
  });

  it("answers a thumbnail only for a completed recent task", async () => {
    const { agent, create } = fakeWithAgent({ queuedMs: 1000 });
    const { id } = (await create()).body;
    const pending = await agent.get(`/__fake/tasks/${id}/image`);
    expect(pending.status).toBe(404);
    expect(pending.body.error).toBe(`task ${id} has no image: it is queued`);
    expect((await agent.get("/__fake/tasks/image_nope/image")).status).toBe(404);
  });
});
