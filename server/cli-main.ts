/**
 * The `image2-kit` command: `serve` runs the fake (its flags are in serve-flags.ts), `contract` runs
 * the contract suite, `proxy` checks a client against a real server (its flags are in
 * proxy-flags.ts).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { BASE_PATH } from "../contract/routes.js";
import { FakeOptionsError } from "./core/options.js";
import { UsageError } from "./flag-table.js";
import { INSPECTOR_PATH } from "./http/inspector-page.js";
import { missingPeers, missingPeersMessage } from "./peer-dependencies.js";
import { readServeOptions, SERVE_USAGE } from "./serve-flags.js";
import { type RunningFake, start } from "./start.js";
import { packageVersion } from "./version.js";

/**
 * What the fake prints once it listens: the listening line first (scripts wait for it), then where
 * a person finds the API, its reference and the inspector. Never the control token.
 */
function startLines(
  fake: RunningFake,
  options: { control?: boolean | undefined; controlToken?: string | undefined },
) {
  const { url } = fake;
  const control = options.control !== false;
  return [
    `image2-kit fake listening on ${url}`,
    `  base URL:  ${url}${BASE_PATH} (the API answers at the root too)`,
    `  docs:      ${url}/docs${control && options.controlToken !== undefined ? "#token=<your control token>" : ""}`,
    control
      ? `  inspector: ${url}${INSPECTOR_PATH}${options.controlToken === undefined ? "" : "#token=<your control token>"}`
      : "  inspector: off (--no-control)",
  ].join("\n");
}

async function serveCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(SERVE_USAGE);
    return 0;
  }
  if (argv.includes("--version")) {
    console.log(packageVersion());
    return 0;
  }
  const options = readServeOptions(argv, env);
  const fake = await start(options);
  const stopped = onStopSignal(() => fake.close().catch(() => undefined));
  console.log(startLines(fake, options));
  await stopped;
  return 0;
}

/**
 * Resolves with what `stop` answers once SIGINT or SIGTERM arrives; a second signal exits at once.
 * Call it before printing the listening line: until a listener exists, SIGTERM kills the process,
 * and a script that signals as soon as it reads that line would lose the drain.
 */
function onStopSignal<T>(stop: () => Promise<T>): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const handle = () => {
      process.off("SIGINT", handle).off("SIGTERM", handle);
      process.once("SIGINT", () => process.exit(1)).once("SIGTERM", () => process.exit(1));
      stop().then(resolve, reject);
    };
    process.on("SIGINT", handle).on("SIGTERM", handle);
  });
}

async function proxyCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  // Loaded by the command that needs it: `serve` starts without the proxy's modules.
  const [{ PROXY_USAGE, readProxyOptions }, { startProxy }, { verdictLine }] = await Promise.all([
    import("./proxy-flags.js"),
    import("./proxy/start-proxy.js"),
    import("./proxy/proxy-report.js"),
  ]);
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(PROXY_USAGE);
    return 0;
  }
  const proxy = await startProxy(readProxyOptions(argv, env));
  const stopped = onStopSignal(() => proxy.close());
  console.log(`image2-kit proxy listening on ${proxy.url}`);
  console.log(`forwarding to ${proxy.target}; the report: ${proxy.url}/__proxy/report`);
  const { report, files, writeError } = await stopped;
  const written = files.length > 0 ? `; report: ${files.join(", ")}` : "";
  console.error(`image2-kit proxy: ${verdictLine(report)}${written}`);
  if (writeError !== undefined) {
    console.error(`image2-kit proxy: the report could not be written: ${writeError}`);
    return 1;
  }
  return report.verdict.result === "passed" ? 0 : 1;
}

/**
 * Runs the contract suite shipped in this package, as `npm run contract` runs it, from wherever the
 * caller is: paths are resolved against the caller's directory and nothing is written inside the
 * package, so it runs from a read-only `node_modules`.
 */
async function contractCommand(
  argv: readonly string[],
  callerEnv: NodeJS.ProcessEnv,
): Promise<number> {
  const missing = argv.some((arg) => arg === "--help" || arg === "-h")
    ? []
    : missingPeers(["vitest", "supertest"]);
  if (missing.length > 0) {
    console.error(`image2-kit: ${missingPeersMessage("image2-kit contract", missing)}`);
    return 1;
  }
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
  const env = { ...callerEnv };
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

async function main(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "serve":
      return serveCommand(rest, env);
    case "contract":
      return contractCommand(rest, env);
    case "proxy":
      return proxyCommand(rest, env);
    case "--version":
    case "-v":
      console.log(packageVersion());
      return 0;
    case undefined:
    case "help":
    case "--help":
    case "-h":
      // Asked for, on stdout; with no command it answers a mistake, on stderr.
      (command === undefined ? console.error : console.log)(`Usage: image2-kit <command>

Commands:
  serve      runs the fake of the GPT Image 2 task API (image2-kit serve --help)
  contract   runs the contract suite against the fake or a URL (image2-kit contract --help)
  proxy      forwards a client to a real server, checking every exchange (image2-kit proxy --help)
  help       shows this text

  --version  prints the version (${packageVersion()})`);
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command '${command}'; try 'image2-kit help'`);
  }
}

/**
 * Runs one command line, with settings from `env` as the flags' tables name them, and resolves to
 * the exit status; a usage error is status 2, with a hint of where the flags are described, and any
 * other error is status 1, in one line.
 */
export async function runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  try {
    return await main(argv, env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof FakeOptionsError) {
      // The flags' hint for a command that has them; an unknown command's error names `help`.
      const command = argv[0];
      const hint =
        command === "serve" || command === "proxy"
          ? `\nRun 'image2-kit ${command} --help' for the flags.`
          : "";
      console.error(`image2-kit: ${error.message}${hint}`);
      return 2;
    }
    console.error(`image2-kit: ${(error as Error).message}`);
    return 1;
  }
}
