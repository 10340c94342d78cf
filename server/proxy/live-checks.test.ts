import { describe, expect, it } from "vitest";
import { minimalRequest } from "../../contract/request-cases.js";
import { BodyTap } from "./body-tap.js";
import type { Exchange } from "./exchange.js";
import { LiveChecks } from "./live-checks.js";
import { buildProxyReport, proxyReportMarkdown, verdictLine } from "./proxy-report.js";

const KEY = "sk-live-7d0c/a9+Q==";
const ORIGIN = "https://api.example.test";
const AUTH = { authorization: `Bearer ${KEY}` };
const T0 = 1_795_000_000_000;

const tap = (body: unknown) => {
  const tapped = new BodyTap(1024 * 1024);
  if (body !== undefined) {
    tapped.add(Buffer.from(typeof body === "string" ? body : JSON.stringify(body)));
  }
  return tapped;
};

interface Sent {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
  status?: number;
  answer?: unknown;
  answerHeaders?: Record<string, string>;
  at?: number;
  end?: Exchange["end"];
}

/** A checker fed exchanges by hand: what it logs, and the exchanges, numbered in order. */
function checker() {
  const lines: string[] = [];
  const checks = new LiveChecks(ORIGIN, (line) => lines.push(line), undefined);
  let seq = 0;
  const send = (sent: Sent) => {
    seq += 1;
    const exchange: Exchange = {
      seq,
      at: sent.at ?? T0 + seq * 10,
      method: sent.method ?? (sent.body === undefined ? "GET" : "POST"),
      path: sent.path,
      requestHeaders: { "content-type": "application/json", ...sent.headers },
      requestBody: tap(sent.body),
      requestEnded: true,
      response: {
        status: sent.status ?? 200,
        headers: { "content-type": "application/json", ...sent.answerHeaders },
        body: tap(sent.answer),
      },
      end: sent.end ?? "answered",
      durationMs: 5,
    };
    checks.requestDone(exchange);
    checks.exchangeDone(exchange);
    return exchange;
  };
  const report = () =>
    buildProxyReport(checks, { target: ORIGIN, startedAt: "2026-11-29T00:00:00Z" });
  return { checks, lines, send, report };
}

const ID = "image_fd35ee52-2a98-44a6-b930-29a88ce9b8fd";
const created = (over: Record<string, unknown> = {}) => ({
  id: ID,
  object: "image",
  created: 1774836724,
  model: "gpt-image-2",
  status: "queued",
  error: null,
  ...over,
});
const result = (status: string, over: Record<string, unknown> = {}) => ({
  id: ID,
  object: "image.generation",
  created: 1774836724,
  model: "gpt-image-2",
  status,
  ...(status === "completed" && { image_url: `${ORIGIN}/files/${ID}.png` }),
  ...(status === "failed" && { error: "moderation" }),
  ...over,
});
const CREATE = "/kyyReactApiServer/v1/image2/images";
const POLL = `/kyyReactApiServer/v1/result/${ID}`;
const rejected = { code: 400, msg: "bad", data: null };

describe("checking a live client's requests", () => {
  it("logs a request that breaks a documented rule at once, naming the rule, the field and the request", () => {
    const { send, lines, report } = checker();
    send({
      path: CREATE,
      headers: AUTH,
      body: { model: "gpt-image-3", prompt: "a cat" },
      status: 400,
      answer: rejected,
    });
    expect(lines).toEqual([
      expect.stringMatching(
        /client broke the documented rule "model" \(field model\) in request #1 POST \/kyyReactApiServer\/v1\/image2\/images/,
      ),
    ]);
    expect(report().verdict).toMatchObject({
      result: "failed",
      broken: [{ by: "client", rule: "model", request: `#1 POST ${CREATE}`, field: "model" }],
    });
  });

  it("counts a create without a key and a body that is not JSON as broken rules of the client", () => {
    const { send, report } = checker();
    send({ path: CREATE, body: minimalRequest("gpt-image-2"), status: 401, answer: rejected });
    send({ path: CREATE, headers: AUTH, body: '{"model": ', status: 400, answer: rejected });
    expect(report().verdict.broken.map((b) => [b.by, b.rule, b.field])).toEqual([
      ["client", "bearerKey", "Authorization"],
      ["client", "jsonBody", "(body)"],
    ]);
  });

  it("takes what the documentation leaves open for drift on both sides, never for a broken rule", () => {
    const { send, report } = checker();
    const body = { model: "gpt-image-2-r", prompt: "a cat", resolution: "2k", quality: null };
    send({ path: CREATE, headers: AUTH, body, answer: created({ model: "gpt-image-2-r" }) });
    send({
      path: POLL,
      headers: AUTH,
      at: T0 + 5_000,
      answer: result("completed", { model: "gpt-image-2-r" }),
    });
    const { verdict, drift } = report();
    expect(verdict.broken).toEqual([]);
    expect(drift.differences).toContainEqual(
      expect.objectContaining({
        behaviour:
          "whether gpt-image-2-r, documented up to 1k, refuses more at create or fails the task later",
        observed: "task completed",
      }),
    );
  });
});

describe("checking the target's answers", () => {
  it("blames the target for a task made from a request that breaks a rule", () => {
    const { send, report } = checker();
    send({
      path: CREATE,
      headers: AUTH,
      body: { model: "gpt-image-2", prompt: "" },
      answer: created(),
    });
    expect(report().verdict.broken.map((b) => [b.by, b.rule, b.field])).toEqual([
      ["client", "prompt", "prompt"],
      ["target", "prompt", "prompt"],
    ]);
  });

  it("blames the target for a create answer that breaks the documented shape, naming the field", () => {
    const { send, lines, report } = checker();
    send({
      path: CREATE,
      headers: AUTH,
      body: minimalRequest("gpt-image-2"),
      answer: created({ object: "image.generation" }),
    });
    expect(lines.join("\n")).toMatch(
      /the target broke the documented rule "createResponse" \(field object\)/,
    );
    expect(report().verdict.broken).toMatchObject([
      { by: "target", rule: "createResponse", field: "object" },
    ]);
  });

  it("follows each task: a status that goes back, a poll of another task, a change after the end", () => {
    const { send, report } = checker();
    send({
      path: CREATE,
      headers: AUTH,
      body: minimalRequest("gpt-image-2"),
      answer: created({ status: "processing" }),
    });
    send({ path: POLL, headers: AUTH, answer: result("queued") });
    send({ path: POLL, headers: AUTH, answer: result("completed", { created: 1 }) });
    send({ path: POLL, headers: AUTH, answer: result("completed") });
    send({ path: POLL, headers: AUTH, answer: result("failed") });
    expect(report().verdict.broken.map((b) => [b.rule, b.field, b.request])).toEqual([
      ["lifecycle", "status", `#2 GET ${POLL}`],
      ["taskIdentity", "created", `#3 GET ${POLL}`],
    ]);
    expect(report().verdict.broken[0]?.times).toBe(2);
  });

  it("blames the target for answering a poll without a key with the task", () => {
    const { send, report } = checker();
    send({ path: POLL, answer: result("queued") });
    expect(report().verdict.broken.map((b) => [b.by, b.rule])).toEqual([
      ["client", "bearerKey"],
      ["target", "bearerKey"],
    ]);
  });

  it("never blames a correct target for errors in its own shape, null and extra fields, and reports each as drift", () => {
    const { send, report } = checker();
    send({
      path: CREATE,
      headers: AUTH,
      body: { model: "gpt-image-2", prompt: 3 },
      answer: { code: "E400", msg: "参数错误", data: null },
    });
    send({
      path: CREATE,
      headers: { authorization: "Bearer nope" },
      body: minimalRequest("gpt-image-2"),
      status: 401,
      answer: "<html>401</html>",
      answerHeaders: { "content-type": "text/html" },
    });
    send({
      path: CREATE,
      headers: AUTH,
      body: minimalRequest("gpt-image-2"),
      answer: created({ amount: 0.1 }),
    });
    send({
      path: POLL,
      headers: AUTH,
      at: T0 + 3_000,
      answer: result("processing", { image_url: null, error: null, progress: 40 }),
    });
    send({
      path: POLL,
      headers: AUTH,
      at: T0 + 9_000,
      answer: result("completed", { error: null }),
    });
    send({
      path: "/kyyReactApiServer/v1/image2/nope",
      headers: AUTH,
      status: 404,
      answer: { timestamp: "x", status: 404 },
    });
    const { verdict, drift } = report();
    expect(verdict.broken.map((b) => [b.by, b.rule])).toEqual([["client", "prompt"]]);
    const behaviours = drift.differences.map((d) => d.behaviour);
    expect(behaviours).toContain("rejection: invalid_request");
    expect(behaviours).toContain("fields of a create response");
    expect(behaviours).toContain("fields of a processing result");
  });

  it("owes an answer for a task it made, to the key that made it, within a day", () => {
    const { send, report } = checker();
    send({ path: CREATE, headers: AUTH, body: minimalRequest("gpt-image-2"), answer: created() });
    send({
      path: POLL,
      headers: { authorization: "Bearer another" },
      status: 404,
      answer: rejected,
    });
    expect(report().verdict.result).toBe("passed");
    send({ path: POLL, headers: AUTH, status: 404, answer: rejected });
    expect(report().verdict.broken).toMatchObject([
      { by: "target", rule: "resultFields", field: "(status)" },
    ]);
  });
});

describe("the proxy's report", () => {
  it("grades the client's polling per key, as GET /__fake/polling does", () => {
    const { send, report } = checker();
    send({
      path: CREATE,
      headers: AUTH,
      at: T0,
      body: minimalRequest("gpt-image-2"),
      answer: created(),
    });
    send({ path: POLL, headers: AUTH, at: T0 + 100, answer: result("queued") });
    send({ path: POLL, headers: AUTH, at: T0 + 600, answer: result("completed") });
    send({ path: POLL, headers: AUTH, at: T0 + 700, answer: result("completed") });
    const [grade] = report().polling.keys;
    expect(grade).toMatchObject({
      polls: 3,
      shortestPollIntervalMs: 100,
      pollsAfterTerminal: 1,
      firstPollsTooSoon: 1,
    });
    expect(grade?.keyId).toMatch(/^key_[0-9a-f]{12}$/);
  });

  it("says verdict, drift and polling, in that order, in JSON and in markdown", () => {
    const { send, report } = checker();
    send({
      path: CREATE,
      headers: AUTH,
      body: minimalRequest("gpt-image-2"),
      answer: created({ object: "x" }),
    });
    const built = report();
    expect(Object.keys(built)).toEqual(["verdict", "drift", "polling"]);
    expect(Object.keys(built.verdict).slice(0, 2)).toEqual(["result", "broken"]);
    expect(Object.keys(built.verdict.broken[0] ?? {}).slice(0, 3)).toEqual([
      "by",
      "rule",
      "request",
    ]);
    const headings = proxyReportMarkdown(built).match(/^## \w+/gm);
    expect(headings).toEqual(["## Verdict", "## Drift", "## Polling"]);
  });

  it("keeps a key the target echoes out of the log and the report, in any encoding", () => {
    const { send, lines, report } = checker();
    const echo = `${KEY} ${encodeURIComponent(KEY)} ${Buffer.from(KEY).toString("base64")}`;
    send({
      path: CREATE,
      headers: AUTH,
      body: minimalRequest("gpt-image-2"),
      answer: created({ object: echo }),
    });
    send({
      path: CREATE,
      headers: AUTH,
      body: { model: "gpt-image-2" },
      status: 400,
      answer: { code: 1, msg: echo, data: null },
    });
    const written = `${lines.join("\n")}\n${JSON.stringify(report())}`;
    expect(written).toContain("[redacted]");
    for (const form of [
      KEY,
      encodeURIComponent(KEY),
      Buffer.from(KEY).toString("base64"),
      JSON.stringify(KEY).slice(1, -1),
    ]) {
      expect(written).not.toContain(form);
    }
  });

  it("says an API answer too large to copy went unchecked, rather than passing it in silence", () => {
    const { checks, send, report } = checker();
    const huge = `{"id": "${"x".repeat(1024 * 1024)}"}`;
    send({ path: CREATE, headers: AUTH, body: minimalRequest("gpt-image-2"), answer: huge });
    expect(checks.counts.answersUnchecked).toBe(1);
    const written = report();
    expect(verdictLine(written)).toBe(
      "passed: no documented rule broken in 1 exchange, but 1 API answer over 1 MiB was not checked",
    );
    expect(proxyReportMarkdown(written)).toContain("1 API answer over 1 MiB not checked");
  });

  it("logs a check that throws and goes on, never passing it to the client", () => {
    const { checks, send, lines } = checker();
    checks.tasks.add = () => {
      throw new Error(`tracker broken for ${KEY}`);
    };
    expect(() =>
      send({ path: CREATE, headers: AUTH, body: minimalRequest("gpt-image-2"), answer: created() }),
    ).not.toThrow();
    expect(checks.counts.checkErrors).toBe(1);
    expect(lines.join("\n")).toMatch(
      /a check failed on request #1 \(forwarded as it was\): Error: tracker broken for \[redacted\]/,
    );
  });
});
