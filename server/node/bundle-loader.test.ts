import { execFile } from "node:child_process";
import { copyFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFlags } from "../../scripts/build.mjs";
import { codeCacheFileOf } from "./bundle-loader.js";

// Each case runs Node as the CLI does, in processes of their own: V8 keeps what one process
// compiled, so a cache taken or refused shows only in a fresh one. The built loader is the one the
// CLI runs (npm test builds first).
const LOADER = new URL("../../dist/server/node/bundle-loader.js", import.meta.url).href;
const run = promisify(execFile);

let dir: string;
let bundle: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "image2-kit-bundle-"));
  bundle = join(dir, "bundle.cjs");
  // Loads the bundle; "save" writes its cache after it ran, as the build does once warm.
  await writeFile(
    join(dir, "load.mjs"),
    `import { loadBundle } from ${JSON.stringify(LOADER)};
import { pathToFileURL } from "node:url";
const loaded = loadBundle(pathToFileURL(process.argv[2]), { useCache: process.argv[3] !== "save" });
const answer = loaded.exports.answer?.() ?? null;
if (process.argv[3] === "save") loaded.saveCodeCache();
console.log(JSON.stringify({ answer, cached: loaded.cached }));`,
  );
});
afterEach(() => rm(dir, { recursive: true, force: true }));

// A bundle as esbuild writes one: CommonJS, requiring Node's modules, with a function run at start.
const source = (answer: number) => `"use strict";
const { basename } = require("node:path");
function answer() { return [${answer}, basename(__filename), typeof module.exports].join(" "); }
module.exports = { answer };
`;

async function load(
  mode: "save" | "load",
  flags: readonly string[] = [],
  file = bundle,
  env: NodeJS.ProcessEnv = process.env,
) {
  const args = [...flags, join(dir, "load.mjs"), file, mode];
  const { stdout } = await run(process.execPath, args, { env });
  return JSON.parse(stdout) as { answer: string | null; cached: boolean };
}

const BUILT = new URL("../../dist/", import.meta.url);

/** The built CLI, its loader and the fixtures it reads, copied into `dir` as dist/ lays them out. */
async function copyBuiltCli(): Promise<{ cli: string; cliMain: string }> {
  await mkdir(join(dir, "server/node"), { recursive: true });
  await writeFile(join(dir, "package.json"), '{ "type": "module" }');
  for (const file of ["server/cli.js", "server/node/bundle-loader.js", "server/cli-main.cjs"]) {
    await copyFile(new URL(file, BUILT), join(dir, file));
  }
  await cp(new URL("fixtures", BUILT), join(dir, "fixtures"), { recursive: true });
  return { cli: join(dir, "server/cli.js"), cliMain: join(dir, "server/cli-main.cjs") };
}

/** Runs `node <args>`, resolving to its exit code and output whether it failed or not. */
const runNode = (args: readonly string[], env: NodeJS.ProcessEnv = process.env) =>
  run(process.execPath, args, { env }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe("loadBundle", { timeout: 30_000 }, () => {
  it("runs a CommonJS bundle as Node would, compiled from source when it has no cache", async () => {
    await writeFile(bundle, source(1));
    expect(await load("load")).toEqual({ answer: "1 bundle.cjs object", cached: false });
  });

  it("takes the cache saved for its bundle; under other V8 flags, only one saved under them", async () => {
    await writeFile(bundle, source(1));
    await load("save");
    expect(await load("load")).toEqual({ answer: "1 bundle.cjs object", cached: true });
    // A flag that leaves compiled code alone, with no cache of its own: the flagless one serves.
    expect(await load("load", ["--no-warnings"])).toEqual({
      answer: "1 bundle.cjs object",
      cached: true,
    });
    // V8 refuses a cache made under other V8 flags: each set of flags has its own file.
    const flags = ["--max-semi-space-size=4"];
    expect(codeCacheFileOf(bundle, flags)).not.toBe(codeCacheFileOf(bundle, []));
    expect(await load("load", flags)).toEqual({ answer: "1 bundle.cjs object", cached: false });
    await load("save", flags);
    expect(await load("load", flags)).toEqual({ answer: "1 bundle.cjs object", cached: true });
  });

  it("refuses the cache of other code, even of the same length, and runs the code it has", async () => {
    await writeFile(bundle, source(1));
    await load("save");
    await writeFile(bundle, source(2));
    expect(source(2).length).toBe(source(1).length);
    expect(await load("load")).toEqual({ answer: "2 bundle.cjs object", cached: false });
  });

  it("refuses a cache damaged anywhere, or truncated, and still runs", async () => {
    await writeFile(bundle, source(1));
    await load("save");
    const cacheFile = codeCacheFileOf(bundle, []);
    const saved = await readFile(cacheFile);
    // One flipped bit in V8's header, in the compiled code deep inside, or in the last byte: V8
    // checks only its header, and a damaged byte past it would crash Node or run wrong code.
    const flipped = (at: number) => {
      const copy = Buffer.from(saved);
      copy[at] = (copy[at] ?? 0) ^ 1;
      return copy;
    };
    const damaged = [100, Math.floor(saved.length / 2), saved.length - 1].map(flipped);
    for (const cache of [...damaged, saved.subarray(0, 20), Buffer.alloc(0)]) {
      await writeFile(cacheFile, cache);
      expect(await load("load")).toEqual({ answer: "1 bundle.cjs object", cached: false });
    }
  });

  it("is compiled by Node's own loader under --enable-source-maps, so stack frames map", async () => {
    const { transformSync } = await import("esbuild");
    const typescript = `export function answer(): string {
  return String(new Error("where").stack).split("\\n")[1] ?? "";
}`;
    const { code } = transformSync(typescript, {
      loader: "ts",
      format: "cjs",
      sourcemap: "inline",
      sourcefile: "original.ts",
    });
    await writeFile(bundle, code);
    await load("save");
    const mapped = await load("load", ["--enable-source-maps"]);
    expect(mapped).toMatchObject({
      answer: expect.stringContaining("original.ts:2:"),
      cached: false,
    });
    expect((await load("load")).answer).toContain("bundle.cjs:");
  });

  it("keys a cache by NODE_OPTIONS too, which V8 reads as it reads flags", async () => {
    await writeFile(bundle, source(1));
    const env = { ...process.env, NODE_OPTIONS: "--max-semi-space-size=4" };
    await load("save", [], bundle, env);
    const file = codeCacheFileOf(bundle, ["--max-semi-space-size=4"]);
    expect(await readFile(file).then((cache) => cache.length)).toBeGreaterThan(16);
    expect(await load("load", [], bundle, env)).toEqual({
      answer: "1 bundle.cjs object",
      cached: true,
    });
  });

  it("takes the caches the build made for the CLI, with no flags and with npm start's", async () => {
    const cli = fileURLToPath(new URL("../../dist/server/cli-main.cjs", import.meta.url));
    for (const flags of [[], startFlags()]) {
      expect(await load("load", flags, cli)).toEqual({ answer: null, cached: true });
    }
  });

  it("makes the CLI's cache with a loopback fake whatever the caller's HOST, PORT or FAKE_*", async () => {
    const { cliMain } = await copyBuiltCli();
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const env = { ...process.env, HOST: "0.0.0.0", PORT: "1", FAKE_PROFILE: "bogus" };
    const warmed = await runNode([join(root, "scripts/code-cache.mjs"), cliMain], env);
    expect(warmed).toMatchObject({ code: 0, stderr: "" });
    expect(await load("load", [], cliMain)).toEqual({ answer: null, cached: true });
  });
});

describe("the CLI's launcher, dist/server/cli.js", { timeout: 30_000 }, () => {
  it("names a fixture that breaks its schema, in short lines, and exits 1", async () => {
    const { cli } = await copyBuiltCli();
    const timings = join(dir, "fixtures/assumed/timings.json");
    const fixture = JSON.parse(await readFile(timings, "utf8"));
    fixture.timings.low["1k"].queued_ms = -5;
    await writeFile(timings, JSON.stringify(fixture));
    const started = await runNode([cli, "serve", "--port", "0"]);
    expect(started.code).toBe(1);
    expect(started.stderr).toMatch(
      /^image2-kit: fixtures\/assumed\/timings\.json breaks its schema:\n/,
    );
    expect(started.stderr).toContain("timings.low.1k.queued_ms");
    expect(Math.max(...started.stderr.split("\n").map((line) => line.length))).toBeLessThan(200);
  });

  it("names a fixture that is not JSON, and exits 1", async () => {
    const { cli } = await copyBuiltCli();
    await writeFile(join(dir, "fixtures/docs/result-queued.json"), '{"status":');
    const started = await runNode([cli, "--version"]);
    expect(started).toMatchObject({ code: 1, stdout: "" });
    expect(started.stderr).toMatch(
      /^image2-kit: fixtures\/docs\/result-queued\.json cannot be read as JSON: .+\n$/,
    );
  });
});
