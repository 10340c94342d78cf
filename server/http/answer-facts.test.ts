import { request } from "node:http";
import { describe, expect, it, vi } from "vitest";
import { minimalRequest } from "../../contract/request-cases.js";
import { start } from "../start.js";
import { arrivalClock } from "../test-support/arrival-clock.js";
import { AUTH, fakeWithAgent, KEY } from "../test-support/fake-agent.js";
import { retryAfterMsOf } from "./answer-facts.js";
import { createFakeApp } from "./app.js";

describe("retryAfterMsOf", () => {
  const now = Date.parse("Wed, 21 Oct 2015 07:28:00 GMT");
  const answer = (status: number, retryAfter: string) =>
    new Response(null, { status, headers: { "Retry-After": retryAfter } });

  it("reads seconds, and a date on the fake's clock, from a 429 or a 503", () => {
    expect(retryAfterMsOf(answer(429, "2"), now)).toBe(2000);
    expect(retryAfterMsOf(answer(503, " 120 "), now)).toBe(120_000);
    expect(retryAfterMsOf(answer(429, "Wed, 21 Oct 2015 07:28:30 GMT"), now)).toBe(30_000);
    expect(retryAfterMsOf(answer(429, "Wed, 21 Oct 2015 07:27:00 GMT"), now)).toBe(0);
  });

  it("ignores other statuses and what is no delay", () => {
    expect(retryAfterMsOf(answer(200, "2"), now)).toBeUndefined();
    expect(retryAfterMsOf(answer(500, "2"), now)).toBeUndefined();
    expect(retryAfterMsOf(new Response(null, { status: 429 }), now)).toBeUndefined();
    for (const bad of ["soon", "-1", "1.5", "2015-10-21", "99999999999"])
      expect(retryAfterMsOf(answer(429, bad), now)).toBeUndefined();
  });
});

describe("the journal of answers", () => {
  it("keeps the wait a 429 asked for, and the status a create answered", async () => {
    const { create, result, agent } = fakeWithAgent({ rateLimit: "1/s", queuedMs: 10 });
    const { id } = (await create()).body;
    await result(id);
    const requests = (await agent.get("/__fake/requests")).body.requests;
    expect(requests).toMatchObject([
      { route: "createImageTask", status: 200, taskId: id, taskStatus: "queued" },
      { route: "getTaskResult", status: 429, retryAfterMs: 1000 },
    ]);
    expect(requests[0]).not.toHaveProperty("retryAfterMs");
    expect(requests[0]).not.toHaveProperty("outcome");
  });

  it("names whose request a fault answered, with a fingerprint and never the key", async () => {
    const { create, result, agent, fake } = fakeWithAgent();
    fake.addFault({ action: { type: "status", status: 503 }, times: 2 });
    await create();
    await result("image_someone%2Delse");
    fake.addFault({ action: { type: "status", status: 503 }, times: 1 });
    await create(minimalRequest("gpt-image-2"), { Authorization: "Basic nope" });
    const [faulted, poll, anonymous] = fake.requests();
    const served = (await create()).body;
    expect(faulted).toMatchObject({
      route: "createImageTask",
      keyId: expect.stringMatching(/^key_/),
      bodyHash: fake.requests().at(-1)?.bodyHash,
      status: 503,
    });
    expect(poll).toMatchObject({ route: "getTaskResult", taskId: "image_someone-else" });
    expect(anonymous).toMatchObject({ route: "createImageTask", status: 503 });
    expect(anonymous?.keyId).toBeUndefined();
    expect(served.id).toMatch(/^image_/);
    const journal = JSON.stringify((await agent.get("/__fake/requests")).body);
    expect(journal).not.toContain(KEY);
  });

  it("marks a dropped connection as dropped, in-process", async () => {
    const app = createFakeApp({ clock: "manual" });
    app.fake.addFault({ action: { type: "drop" } });
    const res = await app.request("/v1/result/image_x", { headers: AUTH });
    await expect(res.text()).rejects.toThrow(/connection dropped/);
    expect(app.fake.requests()).toMatchObject([
      { status: 0, outcome: "dropped", route: "getTaskResult", taskId: "image_x" },
    ]);
  });

  it("marks a client that went away on a port as aborted, with the task its create still made", async () => {
    const { clock, arrival } = arrivalClock();
    const running = await start({ port: 0, clock, profile: "instant" });
    try {
      running.fake.addFault({
        match: { route: "createImageTask" },
        action: { type: "latency", ms: 600_000 },
        times: 1,
      });
      // node:http rather than fetch, whose pool opens a spare connection that outlives the test.
      const sent = request(`${running.url}/v1/image2/images`, {
        method: "POST",
        headers: { ...AUTH, "Content-Type": "application/json" },
      });
      const closed = new Promise((resolve) => sent.on("close", resolve));
      sent.on("error", () => {});
      sent.end(JSON.stringify(minimalRequest("gpt-image-2")));
      await arrival;
      sent.destroy();
      await closed;
      await vi.waitFor(() => expect(running.fake.requests()).toHaveLength(1), {
        timeout: 10_000,
      });
      expect(running.fake.requests()[0]).toMatchObject({
        status: 0,
        outcome: "aborted",
        route: "createImageTask",
        taskId: expect.stringMatching(/^image_/),
      });
    } finally {
      await running.close();
    }
  });
});
