/**
 * Proof of the proxy as a process between a client and a stand-in production server: the client's
 * answers come through unchanged, a documented rule broken by either side is reported at once and
 * fails the verdict, a correct target that differs where the docs are silent passes, the key
 * reaches no file the proxy writes, a target that is down or hangs gets a JSON 502 or 504 in time,
 * and a stop with keep-alive connections open writes the report and exits within 3 s.
 */
import { once } from "node:events";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { Agent, createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalRequest } from "../contract/request-cases.js";
import { BASE_PATH } from "../contract/routes.js";
import { endToEnd } from "../server/proxy/hop-by-hop.js";
import { expectKeyNowhere, keyForms } from "./key-forms.js";
import { call, endToEndOf, PROXY_KEY, proxyTo, type RawAnswer, waitFor } from "./proxy-support.js";
import { envelopeServer, onRoute, type StandIn, serveWrapped, type Wrapper } from "./stand-ins.js";

let work: string;

/** An origin nothing listens on: a port just freed. */
async function unreachableOrigin(): Promise<string> {
  const closed = createServer();
  closed.listen(0, "127.0.0.1");
  await once(closed, "listening");
  const origin = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
  closed.close();
  return origin;
}
const standIns: StandIn[] = [];
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "image2-kit-proxy-"));
});
afterAll(async () => {
  await Promise.all(standIns.splice(0).map((s) => s.close()));
  await rm(work, { recursive: true, force: true });
});

async function standIn(wrapper: Wrapper): Promise<StandIn> {
  const server = await serveWrapped({
    ...wrapper,
    fake: { apiKeys: [PROXY_KEY], ...wrapper.fake },
  });
  standIns.push(server);
  return server;
}

const auth = { Authorization: `Bearer ${PROXY_KEY}` };
const json = { ...auth, "Content-Type": "application/json" };
const CREATE = `${BASE_PATH}/v1/image2/images`;
const resultPath = (id: string) => `${BASE_PATH}/v1/result/${id}`;
const parse = (answer: RawAnswer) =>
  JSON.parse(answer.body.toString("utf8")) as Record<string, unknown>;

/**
 * A target that answers the same bytes to the same request: the first answer to each `X-Replay`
 * is kept and given again, so a request sent directly and one sent through the proxy get one answer.
 */
function replaying(wrapper: Wrapper): Wrapper {
  const kept = new Map<
    string,
    { status: number; statusText: string; headers: [string, string][]; bytes: Uint8Array }
  >();
  return {
    ...wrapper,
    replace: async (response, exchange) => {
      const key = exchange.headers.get("x-replay");
      const again = key ? kept.get(key) : undefined;
      if (again) return new Response(again.bytes, again);
      if (exchange.url.pathname === "/redirect") {
        return new Response(null, {
          status: 302,
          headers: { Location: "/elsewhere?from=redirect" },
        });
      }
      if (!response || !key) return undefined;
      const bytes = new Uint8Array(await response.arrayBuffer());
      const headers: [string, string][] = [
        ...response.headers,
        ["set-cookie", "a=1; Path=/"],
        ["set-cookie", "b=2; Path=/"],
        ["x-trace", key],
      ];
      kept.set(key, { status: response.status, statusText: response.statusText, headers, bytes });
      return new Response(bytes, { status: response.status, headers });
    },
  };
}

describe("a client through the proxy", () => {
  it("gets the very answers it gets directly: status, headers but Date and hop-by-hop, body bytes, images too", async () => {
    const target = await standIn(
      replaying({ name: "replaying", fake: { queuedMs: 0, processingMs: 50 } }),
    );
    const proxy = await proxyTo(target.url);
    let replay = 0;
    const both = async (
      method: string,
      path: string,
      headers: Record<string, string>,
      body?: string,
    ) => {
      replay += 1;
      const sent = {
        headers: { ...headers, "X-Replay": String(replay) },
        ...(body !== undefined && { body }),
      };
      const direct = await call(target.url, method, path, sent);
      const proxied = await call(proxy.url, method, path, sent);
      expect(endToEndOf(proxied), `${method} ${path}`).toEqual(endToEndOf(direct));
      return direct;
    };
    const created = parse(
      await both(
        "POST",
        CREATE,
        json,
        JSON.stringify({ ...minimalRequest("gpt-image-2"), ratio: "16:9" }),
      ),
    );
    const id = String(created.id);
    let polled = parse(await call(target.url, "GET", resultPath(id), { headers: auth }));
    for (let i = 0; polled.status !== "completed" && i < 100; i += 1) {
      polled = parse(await call(target.url, "GET", resultPath(id), { headers: auth }));
    }
    const completed = parse(await both("GET", resultPath(id), auth));
    expect(completed.status).toBe("completed");
    // image_url is left as the target wrote it; the client fetches the image through the proxy here.
    const image = await both("GET", new URL(String(completed.image_url)).pathname, {});
    expect(image.body.subarray(1, 4).toString()).toBe("PNG");
    await both("GET", `${resultPath(id)}?fields=all&x=%20y`, auth);
    await both("POST", CREATE, json, '{"model": "gpt-image-3", "prompt": ""}');
    await both("POST", CREATE, json, '{"model": ');
    await both("GET", `${BASE_PATH}/v1/image2/no-such-route`, auth);
    await both("HEAD", new URL(String(completed.image_url)).pathname, {});
    // Redirects go back to the client, unfollowed.
    const redirect = await both("GET", "/redirect", {});
    expect(redirect.status).toBe(302);
    // The client's Authorization reached the target untouched, or stayed absent.
    const authorizations = new Set(target.seen.requests.map((r) => r.authorization));
    expect(authorizations).toEqual(new Set([`Bearer ${PROXY_KEY}`, null]));
  });

  it("keeps each header's case, order and repeats, and the status text, both ways", async () => {
    // As a raw list: names in their own case, Set-Cookie twice, the target's own Date.
    const RAW_ANSWER_HEADERS = [
      ["X-Mixed-Case", "Kept"],
      ["set-cookie", "a=1"],
      ["Set-Cookie", "b=2"],
      ["Content-Type", "application/json"],
      ["Content-Length", "2"],
      ["Date", "Sun, 01 Jan 2023 00:00:00 GMT"],
      ["X-Last", "z"],
    ].flat();
    const seen: string[][] = [];
    const raw = createServer((req, res) => {
      seen.push(req.rawHeaders);
      res.writeHead(201, "Made It", RAW_ANSWER_HEADERS);
      res.end("{}");
    });
    raw.listen(0, "127.0.0.1");
    await once(raw, "listening");
    const origin = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
    try {
      const proxy = await proxyTo(origin);
      // A raw header list gets neither Host nor framing from node:http, and Node's server refuses
      // an HTTP/1.1 request without Host: the test gives both.
      const headersTo = (to: string) =>
        [
          ["Host", new URL(to).host],
          ["X-Client-Case", "A"],
          ["x-client-case", "B"],
          ["Authorization", "Bearer k"],
          ["Content-Length", String(Buffer.byteLength("raw bytes"))],
        ].flat();
      const direct = await call(origin, "POST", "/anything?q=1", {
        headers: headersTo(origin),
        body: "raw bytes",
      });
      const proxied = await call(proxy.url, "POST", "/anything?q=1", {
        headers: headersTo(proxy.url),
        body: "raw bytes",
      });
      expect(endToEndOf(proxied)).toEqual(endToEndOf(direct));
      // Node adds only hop-by-hop headers after the target's own, which come first, as they were.
      expect(proxied.rawHeaders.slice(0, RAW_ANSWER_HEADERS.length)).toEqual(RAW_ANSWER_HEADERS);
      const [toTarget, throughProxy] = [seen[0] ?? [], seen[1] ?? []];
      expect(endToEnd(throughProxy, ["host"])).toEqual(endToEnd(toTarget, ["host"]));
    } finally {
      raw.closeAllConnections();
      raw.close();
    }
  });
});

/** Polls a task through the proxy every `everyMs`, the first time after `everyMs`, until it ends. */
async function pollToEnd(origin: string, id: string, everyMs: number) {
  for (let i = 0; i < 200; i += 1) {
    await sleep(everyMs);
    const polled = parse(await call(origin, "GET", resultPath(id), { headers: auth }));
    if (polled.status === "completed" || polled.status === "failed") return polled;
  }
  throw new Error(`task ${id} never ended`);
}

interface ReportJson {
  verdict: {
    result: string;
    broken: { by: string; rule: string; request: string; field: string; times: number }[];
  };
  drift: { differences: { behaviour: string; subject: string }[]; matched: unknown[] };
  polling: { keys: { keyId: string; shortestPollIntervalMs: number | null; problems: string[] }[] };
}

describe("the proxy's checks", () => {
  it("reports a documented rule broken by the target or the client at once on stderr, naming the field, and fails the verdict", async () => {
    const target = await standIn({
      name: "create's object is the result's",
      fake: { queuedMs: 0, processingMs: 400 },
      json: onRoute("create", (b) => ({ ...b, object: "image.generation" })),
    });
    const report = join(work, "broken");
    const proxy = await proxyTo(target.url, ["--report", report]);
    const created = await call(proxy.url, "POST", CREATE, {
      headers: json,
      body: JSON.stringify(minimalRequest("gpt-image-2")),
    });
    expect(parse(created).object).toBe("image.generation");
    await waitFor(() => /field object/.test(proxy.output().stderr), "the line about the target");
    expect(proxy.output().stderr).toMatch(
      /^image2-kit proxy: the target broke the documented rule "createResponse" \(field object\) in request #1 POST \/kyyReactApiServer\/v1\/image2\/images: /m,
    );
    await call(proxy.url, "POST", CREATE, {
      headers: json,
      body: '{"model": "gpt-image-3", "prompt": "a cat"}',
    });
    await waitFor(() => /field model/.test(proxy.output().stderr), "the line about the client");
    expect(proxy.output().stderr).toMatch(
      /the client broke the documented rule "model" \(field model\) in request #2 POST/,
    );
    // Polled too fast: graded as GET /__fake/polling grades it.
    await pollToEnd(proxy.url, String(parse(created).id), 50);
    const live = JSON.parse(
      (await call(proxy.url, "GET", "/__proxy/report")).body.toString(),
    ) as ReportJson;
    expect(Object.keys(live)).toEqual(["verdict", "drift", "polling"]);
    expect(live.polling.keys[0]?.shortestPollIntervalMs).toBeLessThan(2000);
    expect(live.polling.keys[0]?.problems.join(" ")).toMatch(
      /the provider asks for 2000 ms or more/,
    );

    expect(await proxy.stop("SIGTERM")).toBe(1);
    const written = JSON.parse(await readFile(`${report}.json`, "utf8")) as ReportJson;
    expect(written.verdict.result).toBe("failed");
    expect(written.verdict.broken.map((b) => [b.by, b.rule, b.field])).toEqual([
      ["target", "createResponse", "object"],
      ["client", "model", "model"],
    ]);
    const markdown = await readFile(`${report}.md`, "utf8");
    expect(markdown.match(/^## \w+/gm)).toEqual(["## Verdict", "## Drift", "## Polling"]);
    expect(markdown).toMatch(
      /^# Proxy report: FAILED: 2 documented rules broken \(1 by the client, 1 by the target\)/,
    );
  });

  it("passes a correct target that differs where the docs are silent, and writes the key in no file, in no encoding", async () => {
    const forms = keyForms(PROXY_KEY);
    const echo = Object.values(forms).join(" | ");
    const envelope = envelopeServer(PROXY_KEY);
    const target = await standIn({
      ...envelope,
      // Echoes the key: base64 in a header of every JSON answer, every form in the body of errors.
      json: (answer, exchange) => {
        const out: { status: number; body: unknown; headers?: Record<string, string> } =
          envelope.json?.(answer, exchange) ?? answer;
        const headers = { ...out.headers, "X-Echo": forms.base64 };
        if (answer.status < 400) return { ...out, headers };
        return {
          ...out,
          headers,
          body: { ...(out.body as object), msg: `bad request from ${echo}` },
        };
      },
    });
    const report = join(work, "correct");
    const recordings = join(work, "correct-recordings");
    const proxy = await proxyTo(target.url, ["--report", report, "--record", recordings]);
    const created = parse(
      await call(proxy.url, "POST", CREATE, {
        headers: json,
        body: JSON.stringify(minimalRequest("gpt-image-2")),
      }),
    );
    const done = await pollToEnd(proxy.url, String(created.id), 2000);
    expect(done.status).toBe("completed");
    await call(proxy.url, "POST", CREATE, {
      headers: json,
      body: '{"model": "gpt-image-2", "prompt": 42}',
    });
    await call(proxy.url, "GET", resultPath("image_00000000-0000-4000-8000-000000000000"), {
      headers: auth,
    });
    await call(proxy.url, "GET", resultPath(String(created.id)), {
      headers: { Authorization: `Basic ${forms.base64}` },
    });
    await call(proxy.url, "GET", `${BASE_PATH}/v1/image2/no-such-route?key=${forms.percent}`, {
      headers: auth,
    });

    expect(await proxy.stop("SIGTERM")).toBe(1);
    const written = JSON.parse(await readFile(`${report}.json`, "utf8")) as ReportJson;
    // Only the client broke rules (a prompt that is no string, a poll without a bearer key).
    expect(written.verdict.broken.map((b) => [b.by, b.rule])).toEqual([
      ["client", "prompt"],
      ["client", "bearerKey"],
    ]);
    const behaviours = written.drift.differences.map((d) => d.behaviour);
    expect(behaviours).toEqual(
      expect.arrayContaining([
        "rejection: invalid_request",
        "fields of a completed result",
        "status at create",
      ]),
    );
    expect(written.polling.keys[0]?.problems).toEqual([]);
    const files = [
      `${report}.json`,
      `${report}.md`,
      ...(await readdir(recordings)).map((f) => join(recordings, f)),
    ];
    expect(files.length).toBeGreaterThan(6);
    expectKeyNowhere(PROXY_KEY, [
      ["stdout and stderr", JSON.stringify(proxy.output())],
      ...(await Promise.all(files.map(async (f) => [f, await readFile(f, "utf8")] as const))),
    ]);
    expect(
      await readFile(files.find((f) => f.endsWith("-invalid_request.json")) ?? "", "utf8"),
    ).toContain("[redacted]");
  });
});

describe("a target that is down, hangs, or holds connections open", () => {
  it("gives the client a JSON 502 when the target cannot be reached", async () => {
    const origin = await unreachableOrigin();
    const proxy = await proxyTo(origin, ["--timeout-ms", "2000"]);
    const started = Date.now();
    const answer = await call(proxy.url, "POST", CREATE, {
      headers: json,
      body: JSON.stringify(minimalRequest("gpt-image-2")),
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(answer.status).toBe(502);
    expect(parse(answer)).toMatchObject({
      error: "target_unreachable",
      target: origin,
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("answers its report only to requests addressed to this machine, not to a name rebound to it", async () => {
    const origin = await unreachableOrigin();
    const proxy = await proxyTo(origin);
    const report = (host: string) =>
      call(proxy.url, "GET", "/__proxy/report", { headers: { Host: host } });
    expect((await report(new URL(proxy.url).host)).status).toBe(200);
    expect((await report(`localhost:${new URL(proxy.url).port}`)).status).toBe(200);
    const rebound = await report(`evil.example:${new URL(proxy.url).port}`);
    expect(rebound.status).toBe(403);
    expect(parse(rebound)).toMatchObject({ error: "forbidden" });
    expect(parse(rebound)).not.toHaveProperty("verdict");
  });

  it("still says its verdict when the report cannot be written, and exits 1 saying why", async () => {
    const origin = await unreachableOrigin();
    // A file where the report's folder should be: no user can write there, root included.
    const blocker = join(work, "a-file");
    await writeFile(blocker, "");
    const proxy = await proxyTo(origin, ["--report", join(blocker, "report")]);
    expect(await proxy.stop("SIGTERM")).toBe(1);
    const { stderr } = proxy.output();
    expect(stderr).toMatch(/^image2-kit proxy: passed/m);
    expect(stderr).toMatch(/^image2-kit proxy: the report could not be written: .*a-file/m);
  });

  it("gives the client a JSON 504 when the target does not answer within --timeout-ms", async () => {
    const target = await standIn({
      name: "hangs on creates",
      replace: (response, exchange) =>
        response || exchange.route !== "create"
          ? undefined
          : new Promise<undefined>(() => undefined),
    });
    const proxy = await proxyTo(target.url, ["--timeout-ms", "600"]);
    const started = Date.now();
    const answer = await call(proxy.url, "POST", CREATE, {
      headers: json,
      body: JSON.stringify(minimalRequest("gpt-image-2")),
    });
    const took = Date.now() - started;
    expect(answer.status).toBe(504);
    expect(parse(answer)).toMatchObject({
      error: "target_timeout",
      message: expect.stringContaining("600 ms"),
    });
    expect(took).toBeGreaterThanOrEqual(550);
    expect(took).toBeLessThan(600 + 1500);
    // The exchange is checked once it has ended, just after the client has its answer.
    const timedOut = async () =>
      (
        JSON.parse((await call(proxy.url, "GET", "/__proxy/report")).body.toString()) as {
          verdict: { exchanges: { targetTimedOut: number } };
        }
      ).verdict.exchanges.targetTimedOut;
    const deadline = Date.now() + 5_000;
    while ((await timedOut()) === 0 && Date.now() < deadline) await sleep(20);
    expect(await timedOut()).toBe(1);
  });

  it("on SIGTERM with keep-alive connections open both ways and a request in flight, writes its report and exits within 3 s", async () => {
    const target = await standIn({
      name: "hangs on one path",
      fake: { queuedMs: 0, processingMs: 50 },
      replace: (response, exchange) =>
        !response && exchange.url.pathname === "/hang"
          ? new Promise<undefined>(() => undefined)
          : undefined,
    });
    const report = join(work, "stopped");
    const proxy = await proxyTo(target.url, ["--report", report, "--timeout-ms", "60000"]);
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      // Several keep-alive connections to the proxy, and so from the proxy to the target.
      await Promise.all(
        Array.from({ length: 4 }, () =>
          call(proxy.url, "POST", CREATE, {
            headers: json,
            body: JSON.stringify(minimalRequest("gpt-image-2")),
            agent,
          }),
        ),
      );
      expect(Object.values(agent.freeSockets).flat().length).toBeGreaterThan(0);
      const hanging = call(proxy.url, "GET", "/hang", {
        agent: new Agent({ keepAlive: true }),
      }).catch((error: Error) => error);
      await waitFor(
        () => target.seen.requests.some((r) => r.path === "/hang"),
        "the hanging request to reach the target",
      );
      const started = Date.now();
      proxy.child.kill("SIGTERM");
      const code = await proxy.exited;
      const took = Date.now() - started;
      expect(code).toBe(0);
      expect(took).toBeLessThan(3000);
      expect(await hanging).toBeInstanceOf(Error);
      const written = JSON.parse(await readFile(`${report}.json`, "utf8")) as {
        verdict: { result: string; exchanges: { forwarded: number } };
      };
      expect(written.verdict).toMatchObject({ result: "passed", exchanges: { forwarded: 5 } });
      expect(await readFile(`${report}.md`, "utf8")).toMatch(/^# Proxy report: passed/);
      console.log(
        `proxy: SIGTERM to exit ${took} ms, 4 keep-alive connections and 1 request in flight`,
      );
    } finally {
      agent.destroy();
    }
  });
});
