/**
 * `npm run soak -- --seconds N`: a bounded load on the fake (loopback only) that creates and polls
 * tasks for N seconds, printing errors and RSS each second. Once the task cap is reached RSS must
 * stay flat: the run exits 1 when it grows by more than a fifth after that, or on any error.
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { runProcess } from "../scripts/process.js";
import { median } from "./stats.js";

const USAGE = `Usage: npm run soak -- [--seconds N] [--max-tasks N] [--connections N]

  --seconds N       how long the load lasts (default 60, at most 3600)
  --max-tasks N     the fake's task cap (default 10000, the fake's default)
  --connections N   concurrent connections (default 20, at most 500)`;

function options() {
  const { values } = parseArgs({
    options: {
      seconds: { type: "string", default: "60" },
      "max-tasks": { type: "string", default: "10000" },
      connections: { type: "string", default: "20" },
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
  return {
    seconds: number("seconds", values.seconds, 3600),
    maxTasks: number("max-tasks", values["max-tasks"], 10_000_000),
    connections: number("connections", values.connections, 500),
  };
}

const rssMb = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

async function main(): Promise<number> {
  const { seconds, maxTasks, connections } = options();
  const fake = runProcess(
    process.execPath,
    [
      "dist/server/cli.js",
      "serve",
      "--port",
      "0",
      "--profile",
      "fast",
      "--max-tasks",
      String(maxTasks),
    ],
    { stderr: "inherit" },
  );
  const url = await fake.listening;
  const pid = fake.child.pid ?? 0;
  const headers = { authorization: "Bearer sk-soak", "content-type": "application/json" };
  let finish: (result: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve) => {
    finish = resolve;
  });
  const run = autocannon(
    {
      url,
      connections,
      duration: seconds,
      requests: [
        {
          method: "POST",
          path: "/v1/image2/images",
          headers,
          body: JSON.stringify({ model: "gpt-image-2", prompt: "soak", size: "1024x1024" }),
          onResponse: (status, body, context) => {
            if (status === 200)
              (context as { id?: string }).id = (JSON.parse(body) as { id: string }).id;
          },
        },
        {
          method: "GET",
          headers,
          setupRequest: (request, context) => ({
            ...request,
            path: `/v1/result/${String((context as { id?: string }).id)}`,
          }),
        },
      ],
    },
    (error, result) => {
      if (error) throw error;
      finish(result);
    },
  );
  const samples: { second: number; rss: number; tasks: number; errors: number }[] = [];
  let errors = 0;
  run.on("response", (_client: unknown, status: number) => {
    if (status >= 400) errors += 1;
  });
  console.log("second | requests | errors | tasks | RSS MB");
  let requests = 0;
  (run as unknown as import("node:events").EventEmitter).on(
    "tick",
    (counter: { counter: number }) => {
      requests += counter.counter;
    },
  );
  const timer = setInterval(async () => {
    const health = (await (await fetch(`${url}/__fake/health`)).json()) as { tasks: number };
    const sample = { second: samples.length + 1, rss: rssMb(pid), tasks: health.tasks, errors };
    samples.push(sample);
    console.log(
      `${sample.second} | ${requests} | ${errors} | ${sample.tasks} | ${sample.rss.toFixed(1)}`,
    );
  }, 1000);
  const result = await finished;
  clearInterval(timer);
  await fake.stop();

  const cappedAt = samples.findIndex((sample) => sample.tasks >= maxTasks);
  const afterCap = cappedAt < 0 ? [] : samples.slice(cappedAt).map((sample) => sample.rss);
  const failures = result.errors + result.timeouts + result.non2xx;
  console.log(
    `\n${result.requests.total} requests, ${failures} errors (${result.non2xx} non-2xx, ${result.timeouts} timeouts).`,
  );
  if (afterCap.length < 4) {
    console.log(
      `The task cap (${maxTasks}) was reached too late to judge RSS: run longer, or lower --max-tasks.`,
    );
    return failures > 0 ? 1 : 0;
  }
  // Garbage collection makes RSS a sawtooth: compare the medians of the two halves after the cap.
  const half = Math.floor(afterCap.length / 2);
  const early = median(afterCap.slice(0, half));
  const late = median(afterCap.slice(half));
  const growth = (late - early) / early;
  console.log(
    `RSS after the cap was reached (second ${cappedAt + 1}): median ${early.toFixed(1)} MB, then ${late.toFixed(1)} MB (${(growth * 100).toFixed(1)}%).`,
  );
  return failures > 0 || growth > 0.2 ? 1 : 0;
}

process.exitCode = await main();
