/**
 * `npm run bench:proxy`: what the proxy costs a client, as figures. The fake (the built CLI, instant
 * timings) is the target; each figure is taken directly and through the proxy (the built CLI, with
 * every check on), in interleaved rounds: the latency of one request at a time over a keep-alive
 * connection (a poll, a create, a 4K image), and the throughput of polls over 10 connections.
 * `--quick` shortens every measurement, for a smoke run.
 */
import { Agent, request } from "node:http";
import autocannon from "autocannon";
import { runProcess } from "../scripts/process.js";
import { median } from "./stats.js";

const quick = process.argv.includes("--quick");
const REQUESTS = quick ? 200 : 2000;
const ROUNDS = quick ? 1 : 3;
const SECONDS = quick ? 1 : 5;
const KEY = "sk-bench-proxy";
const AUTH = { authorization: `Bearer ${KEY}`, "content-type": "application/json" };
const CREATE = JSON.stringify({ model: "gpt-image-2", prompt: "A lighthouse at dusk" });

async function started(args: string[]) {
  const running = runProcess(process.execPath, ["dist/server/cli.js", ...args], {
    env: { ...(process.env as Record<string, string>) },
  });
  return { url: await running.listening, stop: () => running.stop() };
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

function send(url: string, method: string, body?: string): Promise<{ ms: number; text: string }> {
  const begun = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: AUTH, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ ms: performance.now() - begun, text: Buffer.concat(chunks).toString("latin1") }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

async function latencies(url: string, method: string, body?: string, count = REQUESTS) {
  const times: number[] = [];
  for (let i = 0; i < count; i += 1) times.push((await send(url, method, body)).ms);
  times.sort((a, b) => a - b);
  return { p50: median(times), p99: times[Math.floor(times.length * 0.99)] ?? 0 };
}

async function pollsPerSecond(url: string): Promise<number> {
  const result = await autocannon({ url, connections: 10, duration: SECONDS, headers: AUTH });
  return result.requests.average;
}

const fake = await started(["serve", "--port", "0", "--profile", "instant", "--api-key", KEY]);
const proxy = await started(["proxy", "--target", fake.url, "--port", "0"]);
try {
  const created = JSON.parse((await send(`${fake.url}/v1/image2/images`, "POST", CREATE)).text) as {
    id: string;
  };
  const poll = `/v1/result/${created.id}`;
  const big = JSON.parse(
    (
      await send(
        `${fake.url}/v1/image2/images`,
        "POST",
        JSON.stringify({ model: "gpt-image-2", prompt: "x", size: "3840x2160" }),
      )
    ).text,
  ) as { id: string };
  const imageUrl = (
    JSON.parse((await send(`${fake.url}/v1/result/${big.id}`, "GET")).text) as { image_url: string }
  ).image_url;
  const image = new URL(imageUrl).pathname;
  await send(`${fake.url}${image}`, "GET"); // cached from now on, in both paths
  const cases = [
    { name: "poll", method: "GET", path: poll, body: undefined, count: REQUESTS },
    { name: "create", method: "POST", path: "/v1/image2/images", body: CREATE, count: REQUESTS },
    {
      name: "4K image (PNG)",
      method: "GET",
      path: image,
      body: undefined,
      count: Math.ceil(REQUESTS / 10),
    },
  ];
  console.log(
    `one request at a time over a keep-alive connection, ${ROUNDS} round(s), medians of rounds:`,
  );
  console.log(
    "| request | direct p50 / p99 ms | through the proxy p50 / p99 ms | overhead p50 ms |",
  );
  console.log("|---|---|---|---|");
  for (const c of cases) {
    const direct: { p50: number; p99: number }[] = [];
    const proxied: { p50: number; p99: number }[] = [];
    for (let round = 0; round < ROUNDS; round += 1) {
      direct.push(await latencies(fake.url + c.path, c.method, c.body, c.count));
      proxied.push(await latencies(proxy.url + c.path, c.method, c.body, c.count));
    }
    const d = { p50: median(direct.map((x) => x.p50)), p99: median(direct.map((x) => x.p99)) };
    const p = { p50: median(proxied.map((x) => x.p50)), p99: median(proxied.map((x) => x.p99)) };
    console.log(
      `| ${c.name} | ${d.p50.toFixed(2)} / ${d.p99.toFixed(2)} | ${p.p50.toFixed(2)} / ${p.p99.toFixed(2)} | ${(p.p50 - d.p50).toFixed(2)} |`,
    );
  }
  const direct: number[] = [];
  const proxied: number[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    direct.push(await pollsPerSecond(fake.url + poll));
    proxied.push(await pollsPerSecond(proxy.url + poll));
  }
  console.log(
    `polls, 10 connections, ${SECONDS} s × ${ROUNDS}: ${Math.round(median(direct))} req/s direct, ${Math.round(median(proxied))} req/s through the proxy (${(median(proxied) / median(direct)).toFixed(2)} of direct)`,
  );
} finally {
  agent.destroy();
  await proxy.stop();
  await fake.stop();
}
