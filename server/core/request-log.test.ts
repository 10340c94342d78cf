import { setImmediate as nextTurn } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { minimalRequest } from "../../contract/request-cases.js";
import { createFakeApp } from "../http/app.js";
import { INSPECTOR_HEADER } from "../http/inspector-page.js";
import { createRequestLog, type LoggedRequest, type LogSink } from "./request-log.js";

/** A sink that keeps what it is given, and says how far behind its reader is. */
function sink(backlog = 0): LogSink & { writes: string[]; text: () => string } {
  const writes: string[] = [];
  return {
    writes,
    writableLength: backlog,
    write: (text) => writes.push(text),
    text: () => writes.join(""),
  };
}

const AT = Date.UTC(2026, 0, 2, 3, 4, 5, 67);
const request: LoggedRequest = {
  at: AT,
  durationMs: 1.234,
  method: "GET",
  path: "/v1/result/image_1",
  status: 200,
  route: "getTaskResult",
  taskId: "image_1",
  taskStatus: "processing",
  keyId: "key_0123456789ab",
};

describe("the request log", () => {
  it("writes one pretty line per request: time, method, path, status, ms, task id and status", async () => {
    const out = sink();
    const log = createRequestLog("pretty", out);
    log?.write(request);
    log?.write({ ...request, at: AT + 1000, status: 0, outcome: "dropped", fault: "fault_1" });
    await nextTurn();
    const time = (at: number) => {
      const d = new Date(at);
      const pad = (n: number, width = 2) => String(n).padStart(width, "0");
      return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
    };
    expect(out.text()).toBe(
      `${time(AT)} GET /v1/result/image_1 200 1.2ms image_1 processing\n` +
        `${time(AT + 1000)} GET /v1/result/image_1 dropped 1.2ms image_1 processing (fault_1)\n`,
    );
  });

  it("writes JSON lines with the fields a machine reads, in UTC", async () => {
    const out = sink();
    createRequestLog("json", out)?.write(request);
    await nextTurn();
    expect(JSON.parse(out.text())).toEqual({
      time: "2026-01-02T03:04:05.067Z",
      method: "GET",
      path: "/v1/result/image_1",
      status: 200,
      ms: 1.23,
      route: "getTaskResult",
      taskId: "image_1",
      taskStatus: "processing",
      keyId: "key_0123456789ab",
    });
  });

  it("shows a path's and a task id's line breaks, control characters and bidi marks encoded, never obeyed", async () => {
    const out = sink();
    const log = createRequestLog("pretty", out);
    log?.write({
      ...request,
      path: "/v1/result/x\n12:00:00.000 GET /forged 200\u202e\u0007\ud800",
    });
    log?.write({ ...request, path: `/${"a".repeat(2000)}` });
    // A poll's task id is what the client asked for, checked or not.
    log?.write({ ...request, taskId: "x\n12:00:00.000 GET /forged 200\x1b[2J" });
    await nextTurn();
    const [first = "", second = "", third = ""] = out.text().split("\n");
    expect(first).toContain(
      "/v1/result/x%0A12:00:00.000%20GET%20/forged%20200%E2%80%AE%07%EF%BF%BD 200",
    );
    expect(second.length).toBeLessThan(700);
    expect(second).toContain(`/${"a".repeat(511)}… 200`);
    expect(third).toContain(" x%0A12:00:00.000%20GET%20/forged%20200%1B[2J processing");
    expect(out.text().split("\n")).toHaveLength(4);
  });

  it("gathers the lines of one turn of the event loop into one write", async () => {
    const out = sink();
    const log = createRequestLog("pretty", out);
    for (let i = 0; i < 100; i += 1) log?.write(request);
    expect(out.writes).toHaveLength(0);
    await nextTurn();
    expect(out.writes).toHaveLength(1);
    expect(out.text().split("\n")).toHaveLength(101);
  });

  it("drops lines while the reader is more than a MiB behind, then says how many", async () => {
    const out = sink(2 * 1024 * 1024);
    const log = createRequestLog("pretty", out);
    for (let i = 0; i < 3; i += 1) log?.write(request);
    await nextTurn();
    expect(out.writes).toHaveLength(0);
    Object.assign(out, { writableLength: 0 });
    log?.write(request);
    await nextTurn();
    const lines = out.text().split("\n");
    expect(lines[0]).toBe("image2-kit: 3 request line(s) dropped: the output did not keep up");
    expect(lines).toHaveLength(3);
  });

  it("is nothing at all when off", () => {
    expect(createRequestLog("off", sink())).toBeUndefined();
  });
});

describe("the fake's request log", () => {
  const KEY = "sk-log-4a7f1e9b2c";
  const auth = { Authorization: `Bearer ${KEY}` };

  it("logs API and control requests, never a key, a token or a prompt, and not the pages' own", async () => {
    const out = sink();
    const token = "tok-0123456789abcdef";
    const app = createFakeApp({ clock: "manual", log: "pretty", logTo: out, controlToken: token });
    const created = await app.request("/v1/image2/images", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ ...minimalRequest("gpt-image-2"), prompt: "a secret prompt" }),
    });
    const { id } = (await created.json()) as { id: string };
    const control = { Authorization: `Bearer ${token}` };
    await app.request("/__fake/tasks", { headers: control });
    await app.request("/__fake/tasks", {
      headers: { ...control, [INSPECTOR_HEADER]: "inspector" },
    });
    // A request the control API's guard refuses is logged too: a person sees who knocked.
    await app.request("/__fake/faults", {
      headers: { Authorization: "Bearer tok-wrong-but-long-enough" },
    });
    for (const page of ["/", "/docs", "/openapi.json"]) await app.request(page);
    await nextTurn();
    const lines = out.text().trimEnd().split("\n");
    expect(lines).toEqual([
      expect.stringMatching(
        new RegExp(`^[0-9:.]{12} POST /v1/image2/images 200 [0-9.]+ms ${id} queued$`),
      ),
      expect.stringMatching(/^[0-9:.]{12} GET \/__fake\/tasks 200 [0-9.]+ms$/),
      expect.stringMatching(/^[0-9:.]{12} GET \/__fake\/faults 401 [0-9.]+ms$/),
    ]);
    expect(out.text()).not.toMatch(/sk-log|tok-0123|secret prompt/);
  });
});
