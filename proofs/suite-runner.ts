/**
 * Runs the built contract suite (dist/contract/suite, from `npm run build`) in a child process, as a
 * user would against a base URL: no TypeScript transform, and, when a proof targets one test,
 * only that test (vitest's name filter), so each proof costs a second or two.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { BASE_PATH } from "../contract/routes.js";
import { type StandIn, serveWrapped, type Wrapper } from "./stand-ins.js";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
export const VITEST = join(ROOT, "node_modules/vitest/vitest.mjs");
const SUITE_CONFIG = join(ROOT, "dist/contract/suite/vitest.config.js");
/** The key every stand-in accepts; it must never show in any output. */
export const KEY = "sk-contract-proof-5f0c/9e2b+7d==";

interface SuiteRun {
  readonly exitCode: number;
  readonly output: string;
  readonly failed: { title: string; messages: string[] }[];
  readonly passed: string[];
  readonly skipped: string[];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Runs the built suite with these CONTRACT_* settings; `only` names the one test to run.
 *
 * @example const run = await runBuiltSuite({ CONTRACT_BASE_URL: url }, { only: "rejects an empty prompt" });
 */
async function runBuiltSuite(
  env: Record<string, string>,
  options: { only?: string; args?: string[]; cwd?: string } = {},
): Promise<SuiteRun> {
  const work = await mkdtemp(join(tmpdir(), "image2-kit-suite-"));
  const results = join(work, "results.json");
  const args = [
    VITEST,
    "run",
    "--config",
    SUITE_CONFIG,
    "--configLoader",
    "native",
    "--reporter=json",
    "--reporter=default",
    `--outputFile.json=${results}`,
    ...(options.only ? ["-t", escapeRegExp(options.only)] : []),
    ...(options.args ?? []),
  ];
  const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        args,
        {
          cwd: options.cwd ?? work,
          env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
          maxBuffer: 64 * 1024 * 1024,
        },
        (error, stdout, stderr) =>
          resolve({ exitCode: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    },
  );
  const text = await readFile(results, "utf8").catch(() => '{"testResults":[]}');
  await rm(work, { recursive: true, force: true });
  const report = JSON.parse(text) as {
    testResults: {
      assertionResults: { title: string; status: string; failureMessages: string[] }[];
    }[];
  };
  const assertions = report.testResults.flatMap((file) => file.assertionResults);
  const titles = (status: string) =>
    assertions.filter((a) => a.status === status).map((a) => a.title);
  return {
    exitCode,
    output,
    passed: titles("passed"),
    skipped: [...titles("skipped"), ...titles("pending")],
    failed: assertions
      .filter((a) => a.status === "failed")
      .map((a) => ({ title: a.title, messages: a.failureMessages })),
  };
}

/** The settings a run against a stand-in starts from: fast polling, a generous budget. */
const standInEnv = (server: StandIn, env: Record<string, string> = {}) => ({
  CONTRACT_BASE_URL: server.url + BASE_PATH,
  CONTRACT_API_KEY: KEY,
  CONTRACT_MAX_TASKS: "1000",
  CONTRACT_POLL_MS: "20",
  CONTRACT_TIMEOUT_MS: "5000",
  CONTRACT_REQUEST_TIMEOUT_MS: "5000",
  ...env,
});

/**
 * Serves a stand-in, runs the built suite against it, and stops it; answers the run and what the
 * stand-in saw.
 */
export async function runAgainst(
  wrapper: Wrapper,
  env: Record<string, string> = {},
  options: { only?: string; args?: string[] } = {},
): Promise<SuiteRun & { server: StandIn; tasks: number }> {
  const server = await serveWrapped({ ...wrapper, fake: { apiKeys: [KEY], ...wrapper.fake } });
  try {
    const run = await runBuiltSuite(standInEnv(server, env), options);
    return { ...run, server, tasks: await server.tasks() };
  } finally {
    await server.close();
  }
}

/** A failure's title and messages, for an assertion message. */
export const failures = (run: SuiteRun) =>
  run.failed.map((f) => `${f.title}: ${f.messages.join(" ").slice(0, 400)}`).join("\n");
