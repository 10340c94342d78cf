/**
 * `npm run soak -- [--seconds N | --creates N] [--replicas N]`: a bounded load on the fake (loopback
 * only), run as `npm start` runs it. Every connection creates tasks and, every tenth request, polls
 * the first task of the run, which must stay answered however many tasks follow. With `--replicas`,
 * that many fakes share one seed behind a round-robin balancer in this process, so creates and
 * polls land on different replicas. Prints creates, polls answered, errors and each replica's RSS
 * every second; exits 1 on any error, an unanswered first task, or RSS growing by more than a
 * fifth once the inspector's ring of recent tasks is full.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import type { AddressInfo } from "node:net";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { startFlags } from "../scripts/build.mjs";
import { type RunningProcess, runProcess } from "../scripts/process.js";
import { median } from "./stats.js";

const USAGE = `Usage: npm run soak -- [--seconds N | --creates N] [--replicas N] [--connections N] [--pipelining N] [--max-tasks N]

  --seconds N       how long the load lasts (default 60, at most 3600)
  --creates N       stop after N creates instead (at most 100000000)
  --replicas N      fakes sharing one seed behind a round-robin balancer (default 1, at most 8)
  --connections N   concurrent connections (default 20, at most 500)
  --pipelining N    requests in flight on each connection (default 1, at most 16)
  --max-tasks N     the fakes' --max-tasks, the recent tasks the inspector lists (default 10000)`;

const CREATES_PER_POLL = 9;
const TARGET_RSS_MB = 150;

function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string" },
      creates: { type: "string" },
      replicas: { type: "string", default: "1" },
      connections: { type: "string", default: "20" },
      pipelining: { type: "string", default: "1" },
      "max-tasks": { type: "string", default: "10000" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, text: string, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) {
      console.error(`--${name} must be a whole number from 1 to ${max}, not '${text}'\n\n${USAGE}`);
      process.exit(2);
    }
    return value;
  };
  if (values.seconds !== undefined && values.creates !== undefined) {
    console.error(`give --seconds or --creates, not both\n\n${USAGE}`);
    process.exit(2);
  }
  return {
    seconds: number("seconds", values.seconds ?? "60", 3600),
    creates: values.creates === undefined ? undefined : number("creates", values.creates, 1e8),
    replicas: number("replicas", values.replicas, 8),
    connections: number("connections", values.connections, 500),
    pipelining: number("pipelining", values.pipelining, 16),
    maxTasks: number("max-tasks", values["max-tasks"], 10_000_000),
  };
}

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** A round-robin balancer over the replicas, one request at a time, as any load balancer may. */
async function balancer(upstreams: readonly URL[]): Promise<{ url: string; close(): void }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  let next = 0;
  const server = createServer((req, res) => {
    const upstream = upstreams[next++ % upstreams.length] as URL;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.close();
      server.closeAllConnections();
      agent.destroy();
    },
  };
}

async function main(): Promise<number> {
  const { seconds, creates, replicas, connections, pipelining, maxTasks } = options();
  // One seed for every replica, so each answers the others' ids.
  const seed = randomUUID();
  const fakes: RunningProcess[] = Array.from({ length: replicas }, () =>
    runProcess(
      process.execPath,
      [
        // With the Node flags `npm start` runs it with.
        ...startFlags(),
        "dist/server/cli.js",
        "serve",
        "--port",
        "0",
        "--profile",
        "fast",
        "--seed",
        seed,
        "--max-tasks",
        String(maxTasks),
        // Millions of request lines would only fill this process's memory.
        "--log",
        "off",
      ],
      { stderr: "inherit" },
    ),
  );
  const urls = await Promise.all(fakes.map((fake) => fake.listening));
  const front = replicas > 1 ? await balancer(urls.map((url) => new URL(url))) : undefined;
  const url = front?.url ?? (urls[0] as string);
  const headers = { authorization: "Bearer sk-soak", "content-type": "application/json" };
  const body = JSON.stringify({ model: "gpt-image-2", prompt: "soak", size: "1024x1024" });
  const first = (await (
    await fetch(`${url}/v1/image2/images`, { method: "POST", headers, body })
  ).json()) as { id: string };

  const counts = { creates: 1, polls: 0, errors: 0 };
  const create = {
    method: "POST" as const,
    path: "/v1/image2/images",
    headers,
    body,
    onResponse: (status: number) => {
      if (status === 200) counts.creates += 1;
      else counts.errors += 1;
    },
  };
  const poll = {
    method: "GET" as const,
    path: `/v1/result/${first.id}`,
    headers,
    onResponse: (status: number) => {
      if (status === 200) counts.polls += 1;
      else counts.errors += 1;
    },
  };
  const requests = [...Array<typeof create>(CREATES_PER_POLL).fill(create), poll];
  let finish: (result: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve) => {
    finish = resolve;
  });
  autocannon(
    {
      url,
      connections,
      pipelining,
      requests,
      ...(creates === undefined
        ? { duration: seconds }
        : { amount: Math.ceil(creates / CREATES_PER_POLL) * requests.length }),
    },
    (error, result) => {
      if (error) throw error;
      finish(result);
    },
  );

  const pids = fakes.map((fake) => fake.child.pid ?? 0);
  const samples: { rss: number[]; listed: number }[] = [];
  console.log(
    `${replicas} replica(s), seed ${seed}, ${connections} connections; the first task is ${first.id}\n`,
  );
  console.log(
    `second | creates | polls answered | errors | RSS MB (${replicas > 1 ? "each replica" : "fake"})`,
  );
  const timer = setInterval(async () => {
    const health = (await (await fetch(`${urls[0]}/__fake/health`)).json()) as { tasks: number };
    const sample = { rss: pids.map(rssMb), listed: health.tasks };
    samples.push(sample);
    console.log(
      `${samples.length} | ${counts.creates} | ${counts.polls} | ${counts.errors} | ${sample.rss.map((mb) => mb.toFixed(1)).join(" / ")}`,
    );
  }, 1000);
  const result = await finished;
  clearInterval(timer);
  front?.close();

  // The first task, asked of every replica directly: answered, completed, and its image served.
  const answers: string[] = [];
  for (const replica of urls) {
    const res = await fetch(`${replica}/v1/result/${first.id}`, { headers });
    const task = (await res.json()) as { status?: string; image_url?: string };
    const image = task.image_url ? (await fetch(task.image_url)).status : 0;
    answers.push(`${res.status} ${task.status ?? "—"}, image ${image || "—"}`);
  }
  await Promise.all(fakes.map((fake) => fake.stop()));

  const finalRss = samples.at(-1)?.rss ?? [];
  const failures = counts.errors + result.errors + result.timeouts;
  console.log(
    `\n${counts.creates} creates and ${counts.polls} polls of the first task answered in ${samples.length} s, ${failures} errors (${result.non2xx} non-2xx, ${result.timeouts} timeouts).`,
  );
  console.log(`The first task, asked of each replica at the end: ${answers.join("; ")}.`);
  console.log(
    `RSS at the end: ${finalRss.map((mb) => `${mb.toFixed(1)} MB`).join(" / ")} (target ≤ ${TARGET_RSS_MB} MB: ${finalRss.every((mb) => mb <= TARGET_RSS_MB) ? "met" : "**missed**"}).`,
  );
  const firstAnswered = answers.every((answer) => answer.startsWith("200 completed, image 200"));
  const full = samples.findIndex((sample) => sample.listed >= maxTasks);
  if (full < 0 || samples.length - full < 4) {
    console.log(`The ring of ${maxTasks} recent tasks filled too late to judge RSS: run longer.`);
    return failures > 0 || !firstAnswered ? 1 : 0;
  }
  // Garbage collection makes RSS a sawtooth: compare the medians of the two halves once full.
  const afterFull = samples.slice(full).map((sample) => Math.max(...sample.rss));
  const half = Math.floor(afterFull.length / 2);
  const early = median(afterFull.slice(0, half));
  const late = median(afterFull.slice(half));
  const growth = (late - early) / early;
  console.log(
    `RSS once the ring was full (second ${full + 1}): median ${early.toFixed(1)} MB, then ${late.toFixed(1)} MB (${(growth * 100).toFixed(1)}%).`,
  );
  return failures > 0 || !firstAnswered || growth > 0.2 ? 1 : 0;
}

process.exitCode = await main();
