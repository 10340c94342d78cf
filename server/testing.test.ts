import { describe, expect, it } from "vitest";
import { createImage2Client } from "../contract/client.js";
import { createFakeFetch } from "./fake-fetch.js";
import { useFake } from "./testing.js";

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
    expect(polls.at(0)).toBe("queued");
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
});
