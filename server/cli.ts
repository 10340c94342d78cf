#!/usr/bin/env node
/**
 * The `image2-kit` command. `serve` runs the fake; every flag is also an environment variable.
 * The flag table below drives parsing, the environment and `--help`, so the help cannot lie.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { z } from "zod";
import { FakeOptions } from "./core/options.js";
import { isLoopback, ListenOptions, start } from "./start.js";

interface Flag {
  readonly name: string;
  readonly env: string;
  /** The option it sets; `control` is set false by --no-control. */
  readonly option: keyof z.input<typeof ServeOptions>;
  readonly kind: "string" | "boolean" | "list";
  readonly value?: string;
  readonly help: string;
}

const ServeOptions = FakeOptions.extend(ListenOptions.shape);

const FLAGS: readonly Flag[] = [
  {
    name: "port",
    env: "PORT",
    option: "port",
    kind: "string",
    value: "N",
    help: "port to listen on; 0 picks a free one (default 4010)",
  },
  {
    name: "host",
    env: "HOST",
    option: "host",
    kind: "string",
    value: "HOST",
    help: "address to listen on (default 127.0.0.1)",
  },
  {
    name: "profile",
    env: "FAKE_PROFILE",
    option: "profile",
    kind: "string",
    value: "NAME",
    help: "task timings: realistic (seconds), fast or instant (default realistic)",
  },
  {
    name: "queued-ms",
    env: "FAKE_QUEUED_MS",
    option: "queuedMs",
    kind: "string",
    value: "MS",
    help: "time every task spends queued (default: from the profile)",
  },
  {
    name: "processing-ms",
    env: "FAKE_PROCESSING_MS",
    option: "processingMs",
    kind: "string",
    value: "MS",
    help: "time every task spends processing (default: from the profile)",
  },
  {
    name: "failure-rate",
    env: "FAKE_FAILURE_RATE",
    option: "failureRate",
    kind: "string",
    value: "0..1",
    help: "share of tasks that end failed (default 0)",
  },
  {
    name: "seed",
    env: "FAKE_SEED",
    option: "seed",
    kind: "string",
    value: "TEXT",
    help: "makes ids, outcomes and pictures reproducible (default random)",
  },
  {
    name: "api-key",
    env: "FAKE_API_KEYS",
    option: "apiKeys",
    kind: "list",
    value: "KEY",
    help: "an accepted bearer key; repeat it, or comma-separate in the env (default: any non-empty key)",
  },
  {
    name: "public-url",
    env: "FAKE_PUBLIC_URL",
    option: "publicUrl",
    kind: "string",
    value: "URL",
    help: "origin used in image_url (default: the origin of the request)",
  },
  {
    name: "clock",
    env: "FAKE_CLOCK",
    option: "clock",
    kind: "string",
    value: "KIND",
    help: "system, or manual: moves only through POST /__fake/clock (default system)",
  },
  {
    name: "rate-limit",
    env: "FAKE_RATE_LIMIT",
    option: "rateLimit",
    kind: "string",
    value: "N/UNIT",
    help: "per-key limit such as 5/s, 100/m or 1000/h; past it 429 with Retry-After (default none)",
  },
  {
    name: "max-tasks",
    env: "FAKE_MAX_TASKS",
    option: "maxTasks",
    kind: "string",
    value: "N",
    help: "tasks kept before the oldest is forgotten (default 10000)",
  },
  {
    name: "journal-size",
    env: "FAKE_JOURNAL_SIZE",
    option: "journalSize",
    kind: "string",
    value: "N",
    help: "requests kept in the journal at /__fake/requests (default 1000)",
  },
  {
    name: "headers-timeout-ms",
    env: "FAKE_HEADERS_TIMEOUT_MS",
    option: "headersTimeoutMs",
    kind: "string",
    value: "MS",
    help: "cuts off a client that has not sent its headers by then (default 10000)",
  },
  {
    name: "request-timeout-ms",
    env: "FAKE_REQUEST_TIMEOUT_MS",
    option: "requestTimeoutMs",
    kind: "string",
    value: "MS",
    help: "cuts off a client that has not sent its whole request by then (default 30000)",
  },
  {
    name: "no-control",
    env: "FAKE_NO_CONTROL",
    option: "control",
    kind: "boolean",
    help: "turns the /__fake control API off (env: 1 or true)",
  },
];

const USAGE = `Usage: image2-kit serve [flags]     (npm start -- [flags])

Runs a fake of the GPT Image 2 task API. The API answers under / and under /kyyReactApiServer,
so a client only swaps the origin of the production base URL.

Flags (each also read from the environment variable in brackets; a flag wins):
${FLAGS.map((flag) => {
  const name = `--${flag.name}${flag.value ? ` ${flag.value}` : ""}`;
  return `  ${name.padEnd(24)} ${flag.help} [${flag.env}]`;
}).join("\n")}
  --help, -h               shows this text

Exit status: 0 after a clean stop (SIGINT or SIGTERM), 1 when it cannot listen, 2 for invalid flags.`;

class UsageError extends Error {}

function readOptions(argv: readonly string[], env: NodeJS.ProcessEnv) {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: Object.fromEntries(
        FLAGS.map((flag) => [
          flag.name,
          { type: flag.kind === "boolean" ? "boolean" : "string", multiple: flag.kind === "list" },
        ]),
      ),
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const raw: Record<string, unknown> = {};
  for (const flag of FLAGS) {
    const fromFlag = values[flag.name];
    const fromEnv = env[flag.env];
    if (flag.kind === "boolean") {
      const on = fromFlag === true || (fromEnv !== undefined && /^(1|true|yes)$/i.test(fromEnv));
      if (on) raw[flag.option] = false;
    } else if (flag.kind === "list") {
      const list = Array.isArray(fromFlag)
        ? fromFlag.map(String)
        : fromEnv?.split(",").map((key) => key.trim());
      if (list) raw[flag.option] = list;
    } else if (fromFlag !== undefined || fromEnv !== undefined) {
      raw[flag.option] = fromFlag ?? fromEnv;
    }
  }
  const parsed = ServeOptions.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const flag = FLAGS.find((candidate) => candidate.option === issue.path[0]);
      const got = flag ? raw[flag.option] : undefined;
      return `invalid --${flag?.name ?? issue.path.join(".")}${flag ? ` (or ${flag.env})` : ""}: ${issue.message}${got === undefined ? "" : ` (got ${JSON.stringify(got)})`}`;
    });
    throw new UsageError(lines.join("\n"));
  }
  // The raw strings, not the parsed values: start() parses them once more, with the same schema.
  return raw as z.input<typeof ServeOptions>;
}

async function serveCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const options = readOptions(argv, process.env);
  const fake = await start(options);
  const host = String(options.host ?? "127.0.0.1");
  if (options.control !== false && !isLoopback(host)) {
    console.error(
      `warning: the control API (${fake.url}/__fake) is reachable on ${host}: anyone who can reach it can steer the fake; pass --no-control to turn it off`,
    );
  }
  console.log(`image2-kit fake listening on ${fake.url}`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop).off("SIGTERM", stop);
      // A second signal while draining stops at once.
      process.once("SIGINT", () => process.exit(1)).once("SIGTERM", () => process.exit(1));
      fake.close().then(resolve, resolve);
    };
    process.on("SIGINT", stop).on("SIGTERM", stop);
  });
  return 0;
}

/**
 * Runs the contract suite shipped in this package, as `npm run contract` runs it, from wherever the
 * caller is: paths are resolved against the caller's directory and nothing is written inside the
 * package, so it runs from a read-only `node_modules`.
 */
async function contractCommand(argv: readonly string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(`Usage: image2-kit contract [vitest flags]

Runs the contract suite against the in-process fake, or against CONTRACT_BASE_URL with
CONTRACT_API_KEY. Settings: CONTRACT_MAX_TASKS, CONTRACT_POLL_MS, CONTRACT_TIMEOUT_MS,
CONTRACT_REQUEST_TIMEOUT_MS, CONTRACT_STRICT, CONTRACT_REPORT, CONTRACT_RECORD_DIR, CONTRACT_CONTROL,
CONTRACT_CONTROL_TOKEN (see the README).
Flags are passed to vitest, e.g. --reporter=junit --outputFile.junit=contract.xml.
CONTRACT_REPORT, CONTRACT_RECORD_DIR and --outputFile paths are relative to the current directory.
Exit status: 0 when every documented rule holds.`);
    return 0;
  }
  const cwd = process.cwd();
  // vitest resolves --outputFile against its root, which is inside the package: make it the caller's.
  const args = argv.map((arg, index) => {
    const inline = /^(--outputFile(?:\.[\w-]+)?=)(.+)$/.exec(arg);
    if (inline?.[1] && inline[2]) return inline[1] + resolve(cwd, inline[2]);
    const previous = argv[index - 1];
    return previous && /^--outputFile(\.[\w-]+)?$/.test(previous) && !arg.startsWith("-")
      ? resolve(cwd, arg)
      : arg;
  });
  const env = { ...process.env };
  for (const name of ["CONTRACT_REPORT", "CONTRACT_RECORD_DIR"] as const) {
    const value = env[name];
    if (value) env[name] = resolve(cwd, value);
  }
  const vitest = join(
    dirname(createRequire(import.meta.url).resolve("vitest/package.json")),
    "vitest.mjs",
  );
  const config = fileURLToPath(new URL("./contract-vitest.config.js", import.meta.url));
  // The native loader imports the compiled config as it is; bundling it would write a temporary
  // file beside it, inside the package.
  const child = spawn(
    process.execPath,
    [vitest, "run", "--config", config, "--configLoader", "native", ...args],
    { stdio: "inherit", env },
  );
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward).on("SIGTERM", forward);
  const [code] = (await once(child, "exit")) as [number | null];
  return code ?? 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "serve":
      return serveCommand(rest);
    case "contract":
      return contractCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      console.log(`Usage: image2-kit <command>

Commands:
  serve      runs the fake of the GPT Image 2 task API (image2-kit serve --help)
  contract   runs the contract suite against the fake or a URL (image2-kit contract --help)
  help       shows this text`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'; try 'image2-kit help'`);
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`image2-kit: ${error.message}\nRun 'image2-kit serve --help' for the flags.`);
    process.exitCode = 2;
  } else {
    console.error(`image2-kit: ${(error as Error).message}`);
    process.exitCode = 1;
  }
}
