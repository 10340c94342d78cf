import { describe, expect, it, vi } from "vitest";
import { createImage2Client } from "../contract/client.js";
import { createFakeFetch } from "./fake-fetch.js";
import { expectPolitePolling, useFake } from "./testing.js";

describe("useFake with the typed client", () => {
  const api = useFake({ profile: "fast", seed: "testing" });
  const client = () =>
    createImage2Client({ baseUrl: api.baseUrl, apiKey: "sk-test", fetch: api.fetch });

  it("creates a task and waits for it on the fake's clock, never leaving the process", async () => {
    const created = await client().createTask({ model: "gpt-image-2", prompt: "a cat" });
    if (!created.ok) throw new Error(created.error);
    const polls: string[] = [];
    const done = await client().waitForTask(created.value.id, {
      intervalMs: 100,
      sleep: api.sleep,
      onPoll: (task) => polls.push(task.status),
    });
    expect(done).toMatchObject({ ok: true, value: { status: "completed" } });
    // The first poll waits one interval too: the task left queued after 50 ms.
    expect(polls).toEqual(["processing", "processing", "completed"]);
    const image = await api.fetch(
      (done.ok && done.value.status === "completed" && done.value.image_url) || "",
    );
    expect(image.headers.get("content-type")).toBe("image/png");
  });

  it("starts each test from a reset fake", async () => {
    expect(api.fake.requests()).toEqual([]);
  });

  it("reports an answer that is no task as a failed result, not a throw", async () => {
    const res = await client().getTask("image_00000000-0000-4000-8000-000000000000");
    expect(res).toMatchObject({ ok: false, status: 404 });
  });

  it("polls on through a 429, a 503 and a cut connection, waiting out Retry-After", async () => {
    const created = await client().createTask({ model: "gpt-image-2", prompt: "a cat" });
    if (!created.ok) throw new Error(created.error);
    const poll = { route: "getTaskResult" } as const;
    api.fake.addFault({
      match: poll,
      action: { type: "status", status: 429, headers: { "Retry-After": "3" } },
      times: 1,
    });
    api.fake.addFault({ match: poll, action: { type: "status", status: 503 }, times: 1 });
    api.fake.addFault({ match: poll, action: { type: "drop" }, times: 1 });
    const done = await client().waitForTask(created.value.id, {
      intervalMs: 2000,
      sleep: api.sleep,
    });
    expect(done).toMatchObject({ ok: true, value: { status: "completed" } });
    const polls = api.fake.requests().filter((entry) => entry.route === "getTaskResult");
    expect(polls.map((entry) => entry.status)).toEqual([429, 503, 0, 200]);
    expect(polls.map((entry) => entry.at - (polls[0]?.at ?? 0))).toEqual([0, 3000, 5000, 7000]);
    expectPolitePolling(api);
  });

  it("stops at an answer that will not change, and at the timeout while rate-limited", async () => {
    expect(await client().waitForTask("image_unknown", { sleep: api.sleep })).toMatchObject({
      ok: false,
      status: 404,
    });
    const created = await client().createTask({ model: "gpt-image-2", prompt: "a cat" });
    if (!created.ok) throw new Error(created.error);
    api.fake.addFault({
      match: { route: "getTaskResult" },
      action: { type: "status", status: 429 },
    });
    const res = await client().waitForTask(created.value.id, {
      intervalMs: 2000,
      timeoutMs: 10_000,
      sleep: api.sleep,
    });
    expect(res).toMatchObject({ ok: false, status: 429, retryAfterMs: 1000 });
    expect(api.fake.requests().filter((entry) => entry.status === 429)).toHaveLength(5);
  });

  it("gives up waiting after the timeout, with the last status", async () => {
    api.fake.planNext(1, { processingMs: 60_000 });
    const created = await client().createTask({ model: "gpt-image-2", prompt: "slow" });
    if (!created.ok) throw new Error(created.error);
    const res = await client().waitForTask(created.value.id, {
      intervalMs: 1000,
      timeoutMs: 5000,
      sleep: api.sleep,
    });
    expect(res).toMatchObject({
      ok: false,
      error: expect.stringContaining("still processing after 5000 ms"),
    });
  });
});

describe("createFakeFetch", () => {
  it("rejects like fetch when a fault drops the connection", async () => {
    const fakeFetch = createFakeFetch({ clock: "manual" });
    fakeFetch.fake.addFault({ action: { type: "drop" }, times: 1 });
    await expect(fakeFetch("http://fake.test/v1/result/x")).rejects.toThrow(TypeError);
    expect((await fakeFetch("http://fake.test/v1/result/x")).status).toBe(401);
  });

  it("rejects like fetch when the signal is aborted, before or during the request", async () => {
    const fakeFetch = createFakeFetch({ clock: "manual" });
    const url = "http://fake.test/v1/result/x";
    await expect(fakeFetch(url, { signal: AbortSignal.abort() })).rejects.toThrow(/abort/i);
    expect(fakeFetch.fake.requests()).toEqual([]);
    fakeFetch.fake.addFault({ action: { type: "latency", ms: 600_000 }, times: 1 });
    const timeout = new AbortController();
    const sent = fakeFetch(url, { signal: timeout.signal });
    timeout.abort();
    await expect(sent).rejects.toThrow(/abort/i);
    await vi.waitFor(() =>
      expect(fakeFetch.fake.requests()).toMatchObject([{ outcome: "aborted" }]),
    );
  });
});
