import { describe, expect, it } from "vitest";
import { assumedTimingsFixture } from "../../contract/fixtures.js";
import { minimalRequest } from "../../contract/request-cases.js";
import { CreateImageResponse, TaskResult } from "../../contract/schemas.js";
import { createFakeApp } from "../http/app.js";
import { AUTH, fakeWithAgent, requestFor, statusOf } from "../test-support/fake-agent.js";
import { DEFAULT_FAILURE_ERROR } from "./task-planner.js";

describe("the task lifecycle on a manual clock", () => {
  it("is queued, then processing, then completed, exactly at its planned times", async () => {
    const { fake, create, result } = fakeWithAgent({ queuedMs: 1000, processingMs: 4000 });
    const { id } = (await create()).body;
    const statusAfter = async (ms: number) => {
      fake.advance(ms);
      return TaskResult.parse((await result(id)).body).status;
    };
    expect(await statusAfter(0)).toBe("queued");
    expect(await statusAfter(999)).toBe("queued");
    expect(await statusAfter(1)).toBe("processing");
    expect(await statusAfter(3999)).toBe("processing");
    expect(await statusAfter(1)).toBe("completed");
  });

  it("never changes a terminal task, however far the clock moves", async () => {
    // A fixed public URL: supertest serves each request on a new port, so the origin would differ.
    const { fake, create, result } = fakeWithAgent({
      profile: "fast",
      publicUrl: "https://cdn.test",
    });
    const { id } = (await create()).body;
    fake.advance(10_000);
    const first = (await result(id)).body;
    fake.advance(400 * 24 * 3600 * 1000);
    expect((await result(id)).body).toEqual(first);
  });

  it("keeps id, created and model the same from create to result", async () => {
    const { fake, create, result } = fakeWithAgent({ profile: "fast" });
    const created = (await create(requestFor("gpt-image-2-r"))).body;
    fake.advance(60_000);
    const done = (await result(created.id)).body;
    expect({ id: done.id, created: done.created, model: done.model }).toEqual({
      id: created.id,
      created: created.created,
      model: "gpt-image-2-r",
    });
    expect(created.created).toBe(Math.floor(fake.clock.now() / 1000) - 60);
  });

  it("answers processing at create when there is no queued time", async () => {
    const { create, result } = fakeWithAgent({ profile: "instant" });
    const created = (await create()).body;
    expect(created.status).toBe("processing");
    expect((await result(created.id)).body.status).toBe("completed");
  });

  it("takes longer for high quality and for 4K in the realistic profile (assumed timings)", async () => {
    const { agent, create } = fakeWithAgent({ profile: "realistic" });
    await create(requestFor("gpt-image-2", { quality: "low", size: "1024x1024" }));
    await create(requestFor("gpt-image-2", { quality: "high", size: "1024x1024" }));
    await create(requestFor("gpt-image-2", { quality: "high", size: "3840x2160" }));
    const tasks = (await agent.get("/__fake/tasks")).body.tasks as {
      queuedMs: number;
      processingMs: number;
    }[];
    const [low, high, high4k] = tasks.map((task) => task.processingMs);
    expect(low).toBe(assumedTimingsFixture.timings.low["1k"].processing_ms);
    expect(high).toBeGreaterThan(low ?? Infinity);
    expect(high4k).toBeGreaterThan(high ?? Infinity);
    expect(
      tasks.every((task) => task.queuedMs === assumedTimingsFixture.timings.low["1k"].queued_ms),
    ).toBe(true);
  });
});

describe("a task among many", () => {
  it("answers with the right status long after --max-tasks newer tasks, until a day after it ended", async () => {
    const { fake, create, result, agent } = fakeWithAgent({
      maxTasks: 5,
      queuedMs: 1000,
      processingMs: 4000,
    });
    const { id } = (await create()).body;
    for (let i = 0; i < 50; i += 1) await create();
    const statusAfter = async (ms: number) => {
      fake.advance(ms);
      return TaskResult.parse((await result(id)).body);
    };
    expect((await statusAfter(999)).status).toBe("queued");
    expect((await statusAfter(1)).status).toBe("processing");
    const done = await statusAfter(4000);
    if (done.status !== "completed") throw new Error(`expected completed, got ${done.status}`);
    const imagePath = new URL(done.image_url).pathname;
    expect((await agent.get(imagePath)).status).toBe(200);
    expect((await statusAfter(24 * 3600 * 1000)).status).toBe("completed");
    expect((await agent.get(imagePath)).status).toBe(404);
  });
});

describe("outcomes", () => {
  const finish = async (
    setup: ReturnType<typeof fakeWithAgent>,
    headers: Record<string, string> = {},
  ) => {
    const { id } = (await setup.create(undefined, headers)).body;
    setup.fake.advance(3_600_000);
    return TaskResult.parse((await setup.result(id)).body);
  };

  it("fails the share of tasks the failure rate asks for, the same way for the same seed", async () => {
    const run = async () => {
      const setup = fakeWithAgent({ profile: "instant", failureRate: 0.3, seed: "outcomes" });
      const statuses: string[] = [];
      for (let i = 0; i < 100; i += 1) statuses.push((await finish(setup)).status);
      return statuses;
    };
    const first = await run();
    const failed = first.filter((status) => status === "failed").length;
    expect(failed).toBeGreaterThan(15);
    expect(failed).toBeLessThan(45);
    expect(await run()).toEqual(first);
  });

  it("gives a failed task a string error", async () => {
    const result = await finish(fakeWithAgent({ profile: "instant", failureRate: 1 }));
    expect(result).toMatchObject({ status: "failed", error: DEFAULT_FAILURE_ERROR });
    expect(result).not.toHaveProperty("image_url");
  });

  it("follows the x-fake headers of a create request", async () => {
    const setup = fakeWithAgent({ profile: "fast" });
    const failed = await finish(setup, {
      "x-fake-outcome": "failed",
      "x-fake-error": "moderation: blocked",
    });
    expect(failed).toMatchObject({ status: "failed", error: "moderation: blocked" });
    const { id } = (
      await setup.create(undefined, { "x-fake-queued-ms": "0", "x-fake-processing-ms": "5000" })
    ).body;
    setup.fake.advance(4999);
    expect((await setup.result(id)).body.status).toBe("processing");
  });

  it("reads x-fake-error as the UTF-8 a client sends, and latin1 bytes that are not UTF-8 as they are", async () => {
    // A header is bytes: Node's parser hands them over as latin1, while curl and fetch send UTF-8.
    const onTheWire = (text: string) => Buffer.from(text, "utf8").toString("latin1");
    const app = createFakeApp({ clock: "manual", seed: "test" });
    for (const [sent, error] of [
      [onTheWire("内容违规: 涉政 (café)"), "内容违规: 涉政 (café)"],
      ["caf\u00e9", "caf\u00e9"],
    ] as const) {
      const headers = { ...AUTH, "x-fake-outcome": "failed", "x-fake-error": sent };
      const created = await app.request("/v1/image2/images", {
        method: "POST",
        headers: { ...headers, "Content-Type": "application/json" },
        body: JSON.stringify(minimalRequest("gpt-image-2")),
      });
      const { id } = CreateImageResponse.parse(await created.json());
      app.fake.advance(3_600_000);
      const result = TaskResult.parse(
        await (await app.request(`/v1/result/${id}`, { headers })).json(),
      );
      expect(result).toMatchObject({ status: "failed", error });
    }
  });

  it("rounds x-fake timings the way the task id holds them, from the create on", async () => {
    const setup = fakeWithAgent({ profile: "fast" });
    const created = await setup.create(undefined, {
      "x-fake-queued-ms": "1234",
      "x-fake-processing-ms": "100",
    });
    const { tasks } = (await setup.agent.get("/__fake/tasks")).body;
    expect(tasks[0]).toMatchObject({ queuedMs: 1230, processingMs: 100 });
    setup.fake.advance(1229);
    expect((await setup.result(created.body.id)).body.status).toBe("queued");
    setup.fake.advance(1);
    expect((await setup.result(created.body.id)).body.status).toBe("processing");
  });

  it("rejects an x-fake header it cannot use, naming it", async () => {
    const res = await fakeWithAgent().create(undefined, { "x-fake-queued-ms": "soon" });
    expect(res.status).toBe(statusOf("invalid_request"));
    expect(res.body.issues[0].path).toBe("header x-fake-queued-ms");
  });

  it("fails a task whose ratio has no size at its resolution (assumed)", async () => {
    const setup = fakeWithAgent({ profile: "instant" });
    const { id } = (
      await setup.create(requestFor("gpt-image-2", { ratio: "1:1", resolution: "4k" }))
    ).body;
    expect((await setup.result(id)).body).toMatchObject({
      status: "failed",
      error: "ratio 1:1 is not available at 4k",
    });
  });
});
