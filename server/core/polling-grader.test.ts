import { describe, expect, it } from "vitest";
import { createImage2Client } from "../../contract/client.js";
import { minimalRequest } from "../../contract/request-cases.js";
import { fakeWithAgent } from "../test-support/fake-agent.js";
import { expectPolitePolling, useFake } from "../testing.js";

describe("the polling grader", () => {
  const api = useFake({ queuedMs: 3000, processingMs: 6000 });
  const client = (key = "sk-polite") =>
    createImage2Client({ baseUrl: api.baseUrl, apiKey: key, fetch: api.fetch });

  it("passes a client that polls every 3 s and stops at the terminal status", async () => {
    const created = await client().createTask(minimalRequest("gpt-image-2"));
    if (!created.ok) throw new Error(created.error);
    await client().waitForTask(created.value.id, { intervalMs: 3000, sleep: api.sleep });
    const [grade] = expectPolitePolling(api);
    expect(grade).toMatchObject({
      polls: 4,
      tasksPolled: 1,
      shortestPollIntervalMs: 3000,
      pollsAfterTerminal: 0,
      repeatedCreates: 0,
      problems: [],
    });
  });

  it("fails a client that polls every 500 ms, naming the interval", async () => {
    const created = await client().createTask(minimalRequest("gpt-image-2"));
    if (!created.ok) throw new Error(created.error);
    await client().waitForTask(created.value.id, { intervalMs: 500, sleep: api.sleep });
    expect(() => expectPolitePolling(api)).toThrow(/polled a task 500 ms after the previous poll/);
  });

  it("fails polls after a terminal status and creates repeated within a second, per key", async () => {
    const created = await client("sk-rude").createTask(minimalRequest("gpt-image-2"));
    await client("sk-rude").createTask(minimalRequest("gpt-image-2"));
    if (!created.ok) throw new Error(created.error);
    api.advance(10_000);
    await client("sk-rude").getTask(created.value.id);
    api.advance(5_000);
    await client("sk-rude").getTask(created.value.id);
    const grades = api.fake.polling();
    expect(grades).toHaveLength(1);
    expect(grades[0]).toMatchObject({ pollsAfterTerminal: 1, repeatedCreates: 1 });
    expect(() => expectPolitePolling(api)).toThrow(
      /after a task was completed or failed[\s\S]*billed task/,
    );
  });

  it("takes a looser interval when asked", async () => {
    const created = await client().createTask(minimalRequest("gpt-image-2"));
    if (!created.ok) throw new Error(created.error);
    await client().waitForTask(created.value.id, { intervalMs: 1000, sleep: api.sleep });
    expect(() => expectPolitePolling(api)).toThrow();
    expect(expectPolitePolling(api, { minIntervalMs: 1000 })[0]?.problems).toEqual([]);
  });
});

describe("GET /__fake/polling", () => {
  it("grades each key, and rejects a bad threshold", async () => {
    const { agent, create, result, fake } = fakeWithAgent({ profile: "instant" });
    const { id } = (await create()).body;
    await result(id);
    fake.advance(100);
    await result(id);
    const res = await agent.get("/__fake/polling");
    expect(res.body.keys).toMatchObject([
      { polls: 2, shortestPollIntervalMs: 100, pollsAfterTerminal: 1 },
    ]);
    expect(
      (await agent.get("/__fake/polling?minIntervalMs=50")).body.keys[0].problems,
    ).toHaveLength(1);
    expect((await agent.get("/__fake/polling?minIntervalMs=soon")).status).toBe(400);
  });
});
