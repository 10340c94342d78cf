/**
 * `npm run bench:log`: what the request log costs. The fake (the built CLI) serves creates and
 * polls at 50 connections with `--log off`, and with `--log pretty` and `--log json` written to a
 * file (/dev/null: a synchronous write per batch) and to a pipe this script reads and discards
 * (asynchronous, as under a log collector), in interleaved rounds, servers on core 0 and load on
 * core 1 where `taskset` exists. Then the cost of a line in-process, formatting and gathering only.
 * `--quick` shortens every measurement, for a smoke run.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { closeSync, openSync } from "node:fs";
import { createServer } from "node:net";
import { createRequestLog, type LoggedRequest } from "../server/core/request-log.js";
import { createTask, load } from "./fake-load.js";
import { median } from "./stats.js";

const quick = process.argv.includes("--quick");
const SECONDS = quick ? 1 : 5;
const ROUNDS = quick ? 1 : 3;
const TASKSET = spawnSync("taskset", ["--version"]).status === 0;

const MODES = [
  { name: "--log off", log: "off", to: "file" },
  { name: "--log pretty, to a file", log: "pretty", to: "file" },
  { name: "--log pretty, to a pipe", log: "pretty", to: "pipe" },
  { name: "--log json, to a pipe", log: "json", to: "pipe" },
] as const;
type Mode = (typeof MODES)[number];

interface Running {
  readonly url: string;
  readonly child: ChildProcess;
  readonly close: () => void;
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function startFake(mode: Mode): Promise<Running> {
  const port = await freePort();
  const command = [process.execPath, "dist/server/cli.js", "serve", "--port", String(port)];
  const args = [...command, "--profile", "fast", "--log", mode.log];
  const [file = "", ...rest] = TASKSET ? ["taskset", "-c", "0", ...args] : args;
  const sink = mode.to === "file" ? openSync("/dev/null", "w") : "pipe";
  const child = spawn(file, rest, { stdio: ["ignore", sink, "inherit"] });
  // A reader that keeps up and keeps nothing, as a log collector would.
  child.stdout?.resume();
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    const res = await fetch(`${url}/__fake/health`).catch(() => undefined);
    if (res?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    url,
    child,
    close: () => {
      if (typeof sink === "number") closeSync(sink);
    },
  };
}

/** Nanoseconds to format and gather one line, with a sink that takes everything at once. */
function nanosecondsPerLine(format: "pretty" | "json"): number {
  const log = createRequestLog(format, { write: () => true });
  const entry: LoggedRequest = {
    at: Date.now(),
    durationMs: 0.42,
    method: "GET",
    path: "/v1/result/image_fd35ee52-2a98-44a6-b930-29a88ce9b8fd",
    status: 200,
    route: "getTaskResult",
    taskId: "image_fd35ee52-2a98-44a6-b930-29a88ce9b8fd",
    taskStatus: "processing",
    keyId: "key_0123456789ab",
  };
  const lines = quick ? 200_000 : 2_000_000;
  const started = process.hrtime.bigint();
  for (let i = 0; i < lines; i += 1) log?.write({ ...entry, at: entry.at + i });
  log?.flush();
  return Number(process.hrtime.bigint() - started) / lines;
}

async function main() {
  const figures = new Map<string, { rps: number[]; p99: number[] }>();
  for (let round = 0; round < ROUNDS; round += 1) {
    // A different order each round, so no mode always runs on a warmer machine.
    const order = MODES.map((_, i) => MODES[(i + round) % MODES.length] as Mode);
    for (const mode of order) {
      const fake = await startFake(mode);
      try {
        await load(fake.url, "create", 50, "", 1); // warm-up: the JIT, not the log
        const pollId = await createTask(fake.url);
        for (const scenario of ["create", "poll"] as const) {
          const key = `${mode.name}|${scenario}`;
          const entry = figures.get(key) ?? { rps: [], p99: [] };
          const result = await load(fake.url, scenario, 50, pollId, SECONDS);
          entry.rps.push(result.rps);
          entry.p99.push(result.p99);
          figures.set(key, entry);
        }
      } finally {
        fake.child.kill("SIGTERM");
        await once(fake.child, "exit");
        fake.close();
      }
      process.stderr.write(".");
    }
  }
  process.stderr.write("\n");
  const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
  const off = (scenario: string) => median(figures.get(`--log off|${scenario}`)?.rps ?? []);
  console.log(
    `The request log's cost: 50 connections, median of ${ROUNDS} interleaved ${SECONDS}-second rounds${
      TASKSET ? ", server on core 0 and load on core 1" : ", not pinned (no taskset)"
    }.\n`,
  );
  console.log(
    "| mode | create req/s | vs off | create p99 ms | poll req/s | vs off | poll p99 ms |",
  );
  console.log("|---|---|---|---|---|---|---|");
  for (const mode of MODES) {
    const cells = (["create", "poll"] as const).flatMap((scenario) => {
      const entry = figures.get(`${mode.name}|${scenario}`) ?? { rps: [], p99: [] };
      const rps = median(entry.rps);
      return [fmt(rps), (rps / off(scenario)).toFixed(2), String(median(entry.p99))];
    });
    console.log(`| ${mode.name} | ${cells.join(" | ")} |`);
  }
  console.log(
    `\nOne line, formatted and gathered in-process: ${nanosecondsPerLine("pretty").toFixed(0)} ns (pretty), ${nanosecondsPerLine("json").toFixed(0)} ns (json).`,
  );
}

if (TASKSET && !process.env.BENCH_PINNED) {
  // Re-run this script on core 1, leaving core 0 to the server.
  const child = spawn(
    "taskset",
    ["-c", "1", process.execPath, ...process.execArgv, ...process.argv.slice(1)],
    { stdio: "inherit", env: { ...process.env, BENCH_PINNED: "1" } },
  );
  child.on("exit", (code) => process.exit(code ?? 1));
} else {
  await main();
}
