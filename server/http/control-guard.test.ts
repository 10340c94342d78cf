import { describe, expect, it } from "vitest";
import type { FakeOptionsInput } from "../core/options.js";
import { fakeWithAgent } from "../test-support/fake-agent.js";
import { createFakeApp } from "./app.js";
import { MAX_BODY_BYTES } from "./request-input.js";

const TOKEN = "ctl-7d2f0c9a4b1e8f36";

/** What a page on any site can make a browser send without asking first: a "simple" request. */
const simpleRequests = [
  { name: "text/plain", type: "text/plain", body: JSON.stringify({ count: 3, outcome: "failed" }) },
  { name: "a form", type: "application/x-www-form-urlencoded", body: "count=3&outcome=failed" },
  { name: "multipart", type: "multipart/form-data; boundary=x", body: "--x--" },
  { name: "no body at all", type: undefined, body: undefined },
];

function guarded(options: FakeOptionsInput = {}) {
  const setup = fakeWithAgent(options);
  const plans = async () =>
    (await setup.agent.get("/__fake/next-tasks").set(bearer(options))).body.next;
  return { ...setup, plans };
}

const bearer = (options: FakeOptionsInput): Record<string, string> =>
  options.controlToken ? { Authorization: `Bearer ${options.controlToken}` } : {};

describe("the control API refuses what a web page could forge", () => {
  it.each(simpleRequests)(
    "refuses a state change sent as $name, and changes nothing",
    async ({ type, body }) => {
      const { agent, create, plans } = guarded();
      const { id } = (await create()).body;
      for (const path of [
        "/__fake/next-tasks",
        "/__fake/reset",
        "/__fake/faults",
        "/__fake/clock",
      ]) {
        let req = agent.post(path);
        if (type) req = req.set("Content-Type", type);
        const res = await (body === undefined ? req : req.send(body));
        expect(res.status, path).toBe(415);
        expect(res.body.error).toMatch(/Content-Type: application\/json/);
      }
      expect(await plans()).toEqual([]);
      expect((await agent.get(`/__fake/tasks/${id}`)).status).toBe(200);
    },
  );

  it("refuses a request from a page of another origin, even one that only reads", async () => {
    const { agent, plans } = guarded();
    for (const origin of ["http://evil.example", "null", "http://127.0.0.1.evil.example"]) {
      const read = await agent.get("/__fake/tasks").set("Origin", origin);
      expect(read.status, origin).toBe(403);
      const write = await agent.post("/__fake/next-tasks").set("Origin", origin).send({ count: 2 });
      expect(write.status, origin).toBe(403);
    }
    expect(await plans()).toEqual([]);
  });

  it("accepts its own origin, as the inspector page sends it", async () => {
    const { agent } = guarded();
    const own = await agent
      .post("/__fake/next-tasks")
      .set("Host", "localhost:4010")
      .set("Origin", "http://localhost:4010")
      .send({});
    expect(own.status).toBe(201);
  });

  it("refuses a Host that is neither loopback, its address nor the public URL's (DNS rebinding)", async () => {
    const { agent } = guarded();
    for (const host of [
      "evil.example",
      "evil.example:4010",
      "127.0.0.1.nip.io",
      "localhost.evil",
    ]) {
      const res = await agent.get("/__fake/tasks").set("Host", host);
      expect(res.status, host).toBe(403);
      expect(res.body.error).toMatch(/--public-url/);
    }
    // Node's adapter refuses a malformed Host on a socket; in-process the guard does.
    const app = createFakeApp();
    for (const host of ["a b", "evil.example:99999", "[::1"]) {
      expect((await app.request("/__fake/tasks", { headers: { Host: host } })).status, host).toBe(
        403,
      );
    }
    for (const host of ["localhost", "LOCALHOST:4010", "127.0.0.1", "127.0.0.2:80", "[::1]:4010"]) {
      expect((await agent.get("/__fake/tasks").set("Host", host)).status, host).toBe(200);
    }
  });

  it("answers the public URL's host and the address it listens on", async () => {
    const { agent } = guarded({ publicUrl: "https://fake.example.com/base", bindHost: "fake-box" });
    for (const host of ["fake.example.com", "fake-box:4010"]) {
      expect((await agent.get("/__fake/tasks").set("Host", host)).status, host).toBe(200);
    }
    const fromPublic = await agent
      .post("/__fake/next-tasks")
      .set("Host", "fake.example.com")
      .set("Origin", "https://fake.example.com")
      .send({});
    expect(fromPublic.status).toBe(201);
    expect((await agent.get("/__fake/tasks").set("Host", "other.example.com")).status).toBe(403);
  });

  it("refuses a control body over 1 MiB, declared, with Connection: close", async () => {
    const { agent, plans } = guarded();
    const res = await agent
      .post("/__fake/next-tasks")
      .set("Content-Type", "application/json")
      .send(JSON.stringify({ count: 1, error: "x".repeat(MAX_BODY_BYTES) }));
    expect(res.status).toBe(413);
    expect(res.headers.connection).toBe("close");
    expect(await plans()).toEqual([]);
  });

  it("stops reading a streamed control body past 1 MiB, however long it goes on", async () => {
    const app = createFakeApp({ clock: "manual" });
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x78);
    // 200 MB on offer, as one huge string field would be.
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 200 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const res = await app.request("/__fake/next-tasks", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(413);
    expect(res.headers.get("connection")).toBe("close");
    expect(pulled).toBeLessThan(MAX_BODY_BYTES + 4 * chunk.byteLength);
  });
});

describe("the control token", () => {
  it("is required as a bearer token, compared in full, when the fake has one", async () => {
    const options = { controlToken: TOKEN };
    const { agent } = guarded(options);
    const missing = await agent.get("/__fake/tasks");
    expect(missing.status).toBe(401);
    expect(missing.headers["www-authenticate"]).toMatch(/^Bearer /);
    expect(missing.text).not.toContain(TOKEN);
    for (const wrong of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase(), "x"]) {
      const res = await agent
        .post("/__fake/reset")
        .set("Authorization", `Bearer ${wrong}`)
        .send({});
      expect(res.status, wrong).toBe(401);
      expect(res.text).not.toContain(TOKEN);
    }
    expect((await agent.get(`/__fake/tasks?token=${TOKEN}`)).status).toBe(401);
    expect((await agent.get("/__fake/tasks").set(bearer(options))).status).toBe(200);
  });

  it("leaves the inspector page itself open, and the provider's API untouched", async () => {
    const { agent, create } = guarded({ controlToken: TOKEN });
    const page = await agent.get("/__fake/ui");
    expect(page.status).toBe(200);
    expect(page.text).not.toContain(TOKEN);
    expect((await create()).status).toBe(200);
  });
});

describe("the control API's owner", () => {
  it.each([
    ["without a token", {}],
    ["with a token", { controlToken: TOKEN }],
  ])("steers the fake with JSON bodies and no Origin, %s", async (_, options: FakeOptionsInput) => {
    const { agent, plans } = guarded(options);
    const auth = bearer(options);
    expect((await agent.post("/__fake/next-tasks").set(auth).send({ count: 2 })).status).toBe(201);
    expect((await agent.post("/__fake/clock").set(auth).send({ advanceMs: 10 })).status).toBe(200);
    const fault = { action: { type: "status", status: 503 }, times: 1 };
    expect((await agent.post("/__fake/faults").set(auth).send(fault)).status).toBe(201);
    expect((await agent.delete("/__fake/faults").set(auth)).status).toBe(200);
    expect(await plans()).toHaveLength(1);
    const reset = agent.post("/__fake/reset").set(auth).set("Content-Type", "application/json");
    expect((await reset).status).toBe(200);
    expect(await plans()).toEqual([]);
    expect((await agent.post("/__fake/reset").set(auth).send({})).status).toBe(200);
    expect((await agent.post("/__fake/reset").set(auth).send({ all: true })).status).toBe(400);
  });
});
