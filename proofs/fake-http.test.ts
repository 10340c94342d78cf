/**
 * The fake's HTTP done right, over raw sockets against the process: a 413 closes its connection,
 * an aborted upload is journalled and silent, what Node's parser refuses is answered in JSON, the
 * request line never names image_url's host, and SIGTERM or SIGINT drains keep-alive connections
 * without cutting a request or waiting on an idle one.
 */
import { once } from "node:events";
import { Agent, request as httpRequest } from "node:http";
import { connect, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { minimalRequest } from "../contract/request-cases.js";
import { MAX_BODY_BYTES } from "../server/http/request-input.js";
import { runCli } from "../server/test-support/cli-process.js";

const KEY = "sk-http-5e0b7a21c4";
const json = { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" };

async function started(args: string[] = []) {
  const fake = runCli(["serve", "--port", "0", "--profile", "instant", ...args]);
  const url = await fake.listening;
  return { ...fake, url, port: Number(new URL(url).port) };
}

/** A raw connection that collects everything the fake sends until it closes the connection. */
async function rawConnection(port: number) {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  let received = "";
  socket.setEncoding("latin1").on("data", (chunk: string) => {
    received += chunk;
  });
  // A reset after the answer is still the server closing: what matters is what arrived first.
  socket.on("error", () => undefined);
  const closed = new Promise<string>((resolve) => socket.on("close", () => resolve(received)));
  return { socket, closed, received: () => received };
}

/** The status, headers and JSON body of the first answer in raw bytes. */
function parseAnswer(raw: string) {
  const [head = "", body = ""] = raw.split("\r\n\r\n");
  const [statusLine = "", ...lines] = head.split("\r\n");
  const headers = Object.fromEntries(
    lines.map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim()];
    }),
  );
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

async function control(url: string, path: string, body?: unknown) {
  const res = await fetch(`${url}/__fake${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "Content-Type": "application/json" },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return res.json() as Promise<Record<string, unknown>>;
}

/**
 * Resolves once `count` requests are inside the fake, held by its one latency rule (a rule with
 * `times` is gone once used up).
 */
async function heldInside(url: string, count: number) {
  for (;;) {
    const { faults } = (await control(url, "/faults")) as { faults: { applied: number }[] };
    const [rule] = faults;
    if (rule === undefined || rule.applied >= count) return;
  }
}

describe("the fake's HTTP edges", () => {
  it("closes the connection after a 413 on a streamed body, so no next request waits on it", async () => {
    const fake = await started();
    const { socket, closed } = await rawConnection(fake.port);
    socket.write(
      `POST /v1/image2/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
    );
    const chunk = "x".repeat(64 * 1024);
    for (let sent = 0; sent <= 2 * MAX_BODY_BYTES; sent += chunk.length) {
      socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
    }
    socket.write("0\r\n\r\nGET /__fake/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const answer = parseAnswer(await closed);
    expect(answer.status).toBe(413);
    expect(answer.headers.connection).toBe("close");
    expect(JSON.parse(answer.body)).toMatchObject({ code: 413 });
    expect((await fetch(`${fake.url}/__fake/health`)).status).toBe(200);
  });

  it("journals an upload its client abandons as aborted, and prints nothing", async () => {
    const fake = await started();
    for (const framing of ["Content-Length: 1000", "Transfer-Encoding: chunked"]) {
      const { socket } = await rawConnection(fake.port);
      socket.write(
        `POST /v1/image2/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nContent-Type: application/json\r\n${framing}\r\n\r\n`,
      );
      socket.write(framing.startsWith("Content") ? '{"model": "gpt-' : '9\r\n{"model":\r\n');
      // Cut once the fake has read the part sent, and so is waiting on the rest.
      await new Promise((resolve) => setTimeout(resolve, 200));
      socket.destroy();
    }
    let requests: { status: number; aborted?: boolean }[] = [];
    while (requests.length < 2) {
      ({ requests } = (await control(fake.url, "/requests")) as { requests: typeof requests });
    }
    expect(requests).toMatchObject([
      { status: 0, outcome: "aborted" },
      { status: 0, outcome: "aborted" },
    ]);
    expect(await fake.stop()).toBe(0);
    expect(fake.output().stderr).toBe("");
  });

  it.each([
    ["a malformed request line", "GARBAGE\r\n\r\n", 400],
    ["OPTIONS *", "OPTIONS * HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 400],
    ["a bad Host", "GET /__fake/health HTTP/1.1\r\nHost: evil host!\r\n\r\n", 400],
    ["no Host in HTTP/1.1", "GET /__fake/health HTTP/1.1\r\n\r\n", 400],
    [
      "oversized headers",
      `GET /v1/result/x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\nX-Pad: ${"a".repeat(20_000)}\r\n\r\n`,
      431,
    ],
    ["a bad header line", "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n\r\n", 400],
    [
      "an Expect other than 100-continue",
      "POST /v1/image2/images HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: foo\r\nContent-Length: 2\r\n\r\n{}",
      417,
    ],
  ])("answers %s in the fake's JSON error shape", async (_, request, status) => {
    const fake = await started();
    const { socket, closed, received } = await rawConnection(fake.port);
    socket.write(request);
    // Either the fake closes after answering, or it keeps the connection and the answer is whole.
    await Promise.race([closed, once(socket, "data")]);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const answer = parseAnswer(received());
    socket.destroy();
    expect(answer.status).toBe(status);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    expect(JSON.parse(answer.body)).toEqual({ code: status, msg: expect.any(String), data: null });
    expect(received()).not.toContain(KEY);
    expect((await fetch(`${fake.url}/__fake/health`)).status).toBe(200);
  });

  it("takes image_url's host from the Host header, never from the request line", async () => {
    const fake = await started();
    const created = (await (
      await fetch(`${fake.url}/v1/image2/images`, {
        method: "POST",
        headers: json,
        body: JSON.stringify(minimalRequest("gpt-image-2")),
      })
    ).json()) as { id: string };
    const { socket, closed } = await rawConnection(fake.port);
    socket.write(
      `GET http://evil.example/v1/result/${created.id} HTTP/1.1\r\nHost: 127.0.0.1:${fake.port}\r\nAuthorization: Bearer ${KEY}\r\nConnection: close\r\n\r\n`,
    );
    const forged = JSON.parse(parseAnswer(await closed).body) as { image_url: string };
    expect(new URL(forged.image_url).origin).toBe(`http://127.0.0.1:${fake.port}`);
    // And the next client, from any key, is not sent elsewhere either.
    const next = (await (
      await fetch(`${fake.url}/v1/result/${created.id}`, { headers: json })
    ).json()) as { image_url: string };
    expect(new URL(next.image_url).origin).toBe(fake.url);
  });
});

/** Requests over one keep-alive agent, each resolving to its status and Connection header. */
function keepAliveClient(url: string, sockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: sockets });
  const get = (path: string) =>
    new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
      httpRequest(`${url}${path}`, { agent, headers: json }, (res) => {
        res.resume();
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, connection: res.headers.connection }),
        );
      })
        .on("error", reject)
        .end();
    });
  return { agent, get };
}

describe.each(["SIGTERM", "SIGINT"] as const)("on %s", (signal) => {
  it("answers every request in flight with Connection: close, closes idle connections, and exits 0", async () => {
    const fake = await started();
    const clients = 20;
    const { agent, get } = keepAliveClient(fake.url, clients);
    // Open every connection first, so the requests in flight ride on reused keep-alive sockets.
    await Promise.all(Array.from({ length: clients }, () => get("/__fake/health")));
    await control(fake.url, "/faults", {
      match: { route: "getTaskResult" },
      action: { type: "latency", ms: 1500 },
    });
    const inFlight = Array.from({ length: clients }, () => get("/v1/result/image_x"));
    // Beside them: a keep-alive connection gone idle, and one that never sent a request.
    const idle = keepAliveClient(fake.url, 1);
    await idle.get("/__fake/health");
    const bare = await rawConnection(fake.port);
    await heldInside(fake.url, clients);

    fake.child.kill(signal);
    const answers = await Promise.all(inFlight);
    const lastAnswered = performance.now();
    expect(answers).toEqual(Array(clients).fill({ status: 404, connection: "close" }));
    await bare.closed;
    expect(await fake.exited).toBe(0);
    // Once nothing is in flight, neither idle connection holds the exit.
    expect(performance.now() - lastAnswered).toBeLessThan(2000);
    // Nothing after the signal is served: a new request finds nobody listening.
    await expect(get("/v1/result/image_x")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    agent.destroy();
    idle.agent.destroy();
  });

  it("answers every pipelined request it has received before closing the connection", async () => {
    const fake = await started();
    await control(fake.url, "/faults", {
      match: { route: "getTaskResult" },
      action: { type: "latency", ms: 1000 },
      times: 1,
    });
    const { socket, closed } = await rawConnection(fake.port);
    const poll = `GET /v1/result/image_x HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${KEY}\r\n\r\n`;
    socket.write(poll + poll + poll);
    await heldInside(fake.url, 1);
    const signalled = performance.now();
    fake.child.kill(signal);
    // Answers follow each other with no line between: a body ends where the next status begins.
    expect((await closed).match(/HTTP\/1\.1 404 /g)).toHaveLength(3);
    // Closed once its last answer is out (the held one takes 1 s), not when a grace period ends.
    expect(performance.now() - signalled).toBeLessThan(3000);
    expect(await fake.exited).toBe(0);
  });
});

describe("on SIGTERM with nothing in flight", () => {
  it("exits within 2 s although a keep-alive connection and an unused one are open", async () => {
    const fake = await started();
    const idle = keepAliveClient(fake.url, 1);
    await idle.get("/__fake/health");
    const bare: Socket = (await rawConnection(fake.port)).socket;
    const signalled = performance.now();
    fake.child.kill("SIGTERM");
    expect(await fake.exited).toBe(0);
    expect(performance.now() - signalled).toBeLessThan(2000);
    idle.agent.destroy();
    bare.destroy();
  });
});
