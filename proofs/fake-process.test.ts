/**
 * The fake as a real process under hostile traffic: slow clients, oversized bodies, a flood of
 * connections, a stop with requests in flight. Loopback only, every loop bounded.
 */
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { minimalRequest } from "../contract/request-cases.js";
import { MAX_BODY_BYTES } from "../server/http/request-input.js";
import { runCli } from "../server/test-support/cli-process.js";
import { statusOf } from "../server/test-support/fake-agent.js";

const KEY = "sk-process-7c1e4a9d3b";
const headers = { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" };

async function started(args: string[] = []) {
  const fake = runCli(["serve", "--port", "0", "--profile", "fast", ...args]);
  return { ...fake, url: await fake.listening };
}

/** Streams `bytes` of body without a Content-Length, as a chunked upload. */
function chunkedPost(url: string, bytes: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/v1/image2/images`, { method: "POST", headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    const chunk = Buffer.alloc(64 * 1024, "x");
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("the fake as a process", () => {
  it("cuts off a client that never finishes its headers, and keeps serving others", async () => {
    const fake = await started(["--headers-timeout-ms", "300"]);
    const { port } = new URL(fake.url);
    const slow = connect(Number(port), "127.0.0.1");
    await once(slow, "connect");
    slow.write("POST /v1/image2/images HTTP/1.1\r\nHost: fake\r\nAuthorization: Bea");
    let answer = "";
    slow.setEncoding("utf8").on("data", (chunk: string) => {
      answer += chunk;
    });
    expect((await fetch(`${fake.url}/__fake/health`)).status).toBe(200);
    await once(slow, "close");
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it("refuses a body over 1 MiB, declared or streamed, and accepts the next request", async () => {
    const fake = await started();
    const declared = await fetch(`${fake.url}/v1/image2/images`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        ...minimalRequest("gpt-image-2"),
        prompt: "x".repeat(MAX_BODY_BYTES),
      }),
    });
    expect(declared.status).toBe(statusOf("payload_too_large"));
    expect(await chunkedPost(fake.url, 2 * MAX_BODY_BYTES)).toBe(statusOf("payload_too_large"));
    const ok = await fetch(`${fake.url}/v1/image2/images`, {
      method: "POST",
      headers,
      body: JSON.stringify(minimalRequest("gpt-image-2")),
    });
    expect(ok.status).toBe(200);
  });

  it("answers a flood of 400 concurrent connections, every one, and keeps serving", async () => {
    const fake = await started();
    const statuses = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        fetch(`${fake.url}/v1/image2/images`, {
          method: "POST",
          headers: { ...headers, Connection: "close" },
          body: JSON.stringify({ ...minimalRequest("gpt-image-2"), prompt: `flood ${i}` }),
        }).then((res) => res.status),
      ),
    );
    expect(statuses.filter((status) => status !== 200)).toEqual([]);
    const health = (await (await fetch(`${fake.url}/__fake/health`)).json()) as { tasks: number };
    expect(health.tasks).toBe(400);
  });

  it("lets every request in flight finish on SIGTERM, then exits 0", async () => {
    const fake = await started();
    await fetch(`${fake.url}/__fake/faults`, {
      method: "POST",
      headers,
      body: JSON.stringify({
        match: { route: "createImageTask" },
        action: { type: "latency", ms: 400 },
      }),
    });
    const inFlight = Array.from({ length: 20 }, () =>
      fetch(`${fake.url}/v1/image2/images`, {
        method: "POST",
        headers,
        body: JSON.stringify(minimalRequest("gpt-image-2")),
      }).then((res) => res.status),
    );
    // All 20 are inside the fake once the latency rule has been applied to each.
    for (let applied = 0; applied < 20; ) {
      const { faults } = (await (await fetch(`${fake.url}/__fake/faults`)).json()) as {
        faults: { applied: number }[];
      };
      applied = faults[0]?.applied ?? 0;
    }
    fake.child.kill("SIGTERM");
    expect(await Promise.all(inFlight)).toEqual(Array(20).fill(200));
    expect(await fake.exited).toBe(0);
  });

  it("never writes a bearer key to its output", async () => {
    const fake = await started(["--api-key", KEY]);
    const post = (auth: string, body: string) =>
      fetch(`${fake.url}/v1/image2/images`, {
        method: "POST",
        headers: { ...headers, Authorization: auth },
        body,
      });
    await post(`Bearer ${KEY}`, JSON.stringify(minimalRequest("gpt-image-2")));
    await post(`Bearer ${KEY}`, "{not json");
    await post(`Bearer ${KEY}x`, JSON.stringify(minimalRequest("gpt-image-2")));
    await fetch(`${fake.url}/__fake/requests`);
    fake.child.kill("SIGTERM");
    await fake.exited;
    const { stdout, stderr } = fake.output();
    expect(stdout + stderr).not.toContain(KEY);
  });
});
