import { describe, expect, it } from "vitest";
import { CreateImageResponse } from "../../contract/schemas.js";
import { LATEST_CLOCK_MS } from "../core/clock.js";
import { FakeOptionsError } from "../core/options.js";
import { MAX_DURATION_MS } from "../core/task-id.js";
import { fakeWithAgent, requestFor, statusOf } from "../test-support/fake-agent.js";
import { createFakeApp } from "./app.js";

const pathsOf = (body: { issues: { path: string }[] }) => body.issues.map((issue) => issue.path);

describe("control numbers are numbers", () => {
  it.each([
    ["an empty string", ""],
    ["true", true],
    ["a list", [5]],
    ["a numeric string", "5"],
    ["a fraction", 1.5],
    ["a negative number", -1],
    ["null", null],
  ])("refuses %s as a count or a timing, naming the rule", async (_, value) => {
    const { agent } = fakeWithAgent();
    for (const field of ["count", "queuedMs", "processingMs"]) {
      const res = await agent.post("/__fake/next-tasks").send({ [field]: value });
      expect(res.status, `${field}: ${JSON.stringify(value)}`).toBe(400);
      expect(pathsOf(res.body)).toEqual([field]);
      expect(res.body.issues[0].message).toMatch(/^must be a whole number/);
    }
    expect((await agent.get("/__fake/next-tasks")).body.next).toEqual([]);
  });

  it("refuses a timing longer than a task id can carry", async () => {
    const { agent } = fakeWithAgent();
    const res = await agent.post("/__fake/next-tasks").send({ queuedMs: MAX_DURATION_MS + 1 });
    expect(res.status).toBe(400);
    expect(res.body.issues[0].message).toBe(
      `must be a whole number of ms from 0 to ${MAX_DURATION_MS}`,
    );
  });

  // Spaces around a value are not part of it: HTTP strips them before the fake sees the header.
  it.each(["1e3", "0x10", "5.0", "", "-1", "+5", "5 ms", "99999999999999999999"])(
    "refuses x-fake-queued-ms: %j, naming the header",
    async (value) => {
      const { create } = fakeWithAgent();
      const res = await create(undefined, { "x-fake-queued-ms": value });
      expect(res.status, JSON.stringify(value)).toBe(statusOf("invalid_request"));
      expect(pathsOf(res.body)).toEqual(["header x-fake-queued-ms"]);
    },
  );

  it("takes whole digits in x-fake-* headers", async () => {
    const { agent, create } = fakeWithAgent();
    const { id } = (
      await create(undefined, { "x-fake-queued-ms": "0", "x-fake-processing-ms": "1500" })
    ).body;
    expect((await agent.get(`/__fake/tasks/${id}`)).body).toMatchObject({
      queuedMs: 0,
      processingMs: 1500,
    });
  });
});

describe("the manual clock stays a valid Unix time", () => {
  it("refuses an advance no clock could make, naming the limit", async () => {
    const { agent, fake } = fakeWithAgent();
    const before = fake.clock.now();
    for (const advanceMs of [1e308, LATEST_CLOCK_MS + 1, "5", true]) {
      const res = await agent.post("/__fake/clock").send({ advanceMs });
      expect(res.status, String(advanceMs)).toBe(400);
      expect(pathsOf(res.body)).toEqual(["advanceMs"]);
    }
    expect(fake.clock.now()).toBe(before);
  });

  it("refuses an advance past the latest time created can show, then still serves", async () => {
    const { agent, fake, create } = fakeWithAgent();
    const room = LATEST_CLOCK_MS - fake.clock.now();
    const past = await agent.post("/__fake/clock").send({ advanceMs: room + 1 });
    expect(past.status).toBe(409);
    expect(past.body.error).toContain(`at most ${room} ms`);
    expect(past.body.error).toContain("5138-11-16T09:46:39.999Z");
    const toTheEdge = await agent.post("/__fake/clock").send({ advanceMs: room });
    expect(toTheEdge.body.now).toBe(LATEST_CLOCK_MS);
    expect((await agent.post("/__fake/clock").send({ advanceMs: 1 })).status).toBe(409);
    // At the very edge a task's created is still Unix seconds (the fake self-checks its answers).
    const created = await create();
    expect(created.status).toBe(200);
    expect(CreateImageResponse.parse(created.body).created).toBe(
      Math.floor(LATEST_CLOCK_MS / 1000),
    );
    expect(() => fake.advance(1)).toThrow(/at most 0 ms/);
  });
});

describe("fault rules carry only headers an answer can have", () => {
  const fault = (headers: Record<string, string>) => ({
    action: { type: "status", status: 503, headers },
  });

  it.each([
    ["a name with a space", { "Bad Name": "x" }],
    ["a name with a colon", { "X-A:b": "x" }],
    ["a value with CR LF", { "X-Split": "a\r\nSet-Cookie: x=1" }],
    ["a value with a NUL", { "X-Nul": "a\u0000b" }],
    ["a value with a leading space", { "X-Pad": " a" }],
    ["a non-ASCII value", { "X-Text": "café" }],
    ["Content-Length", { "Content-Length": "100000" }],
    ["Transfer-Encoding", { "transfer-encoding": "chunked" }],
    ["Connection", { Connection: "keep-alive" }],
    ["Keep-Alive", { "Keep-Alive": "timeout=600" }],
    ["Upgrade", { Upgrade: "websocket" }],
    ["a name given twice", { "Retry-After": "1", "retry-after": "2" }],
  ])("refuses %s", async (_, headers) => {
    const { agent, create } = fakeWithAgent();
    const res = await agent.post("/__fake/faults").send(fault(headers));
    expect(res.status).toBe(400);
    expect(pathsOf(res.body)[0]).toMatch(/^action\.headers\./);
    expect((await agent.get("/__fake/faults")).body.faults).toEqual([]);
    expect((await create()).status).toBe(200);
  });

  it("answers with the headers it accepted", async () => {
    const { agent, create } = fakeWithAgent();
    const ok = fault({ "Retry-After": "7", "X-Upstream": "busy; try again" });
    expect((await agent.post("/__fake/faults").send(ok)).status).toBe(201);
    const res = await create();
    expect(res.status).toBe(503);
    expect(res.headers).toMatchObject({ "retry-after": "7", "x-upstream": "busy; try again" });
  });
});

describe("PATCH keeps a task possible", () => {
  it("refuses to complete a task whose image cannot exist, and allows other changes", async () => {
    const { agent, create } = fakeWithAgent({ queuedMs: 1000, processingMs: 1000 });
    const { id } = (await create(requestFor("gpt-image-2", { ratio: "1:1", resolution: "4k" })))
      .body;
    const completing = await agent.patch(`/__fake/tasks/${id}`).send({ outcome: "completed" });
    expect(completing.status).toBe(409);
    expect(completing.body.error).toContain("1:1 at 4k");
    const slower = await agent.patch(`/__fake/tasks/${id}`).send({ processingMs: 5000 });
    expect(slower.status).toBe(200);
    expect(slower.body).toMatchObject({ outcome: "failed", processingMs: 5000 });
  });
});

describe("options", () => {
  it.each([
    "http://user:secret@fake.test",
    "https://fake.test/?token=x",
    "https://fake.test/#x",
    "ftp://fake.test",
  ])("refuse --public-url %s", (publicUrl) => {
    expect(() => createFakeApp({ publicUrl })).toThrow(FakeOptionsError);
  });
});
