import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isStale as stale, stampBuild, withBuildLock } from "./build.mjs";

let root: string;

// Times set by hand: the build stamp at t=100 s, sources before or after it.
const at = (path: string, seconds: number) => utimes(join(root, path), seconds, seconds);

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "image2-kit-build-"));
  await mkdir(join(root, "server/test-support"), { recursive: true });
  await mkdir(join(root, "dist"));
  const config = {
    include: ["server", "fixtures/**/*.json"],
    exclude: ["**/*.test.ts", "**/test-support"],
  };
  await writeFile(join(root, "tsconfig.build.json"), JSON.stringify(config));
  for (const file of [
    "tsconfig.json",
    "package.json",
    "server/cli.ts",
    "server/cli.test.ts",
    "server/test-support/x.ts",
    "dist/.built",
  ])
    await writeFile(join(root, file), "");
  for (const path of [
    "tsconfig.build.json",
    "tsconfig.json",
    "package.json",
    "server/cli.ts",
    "server/cli.test.ts",
    "server/test-support/x.ts",
    "server/test-support",
    "server",
  ])
    await at(path, 50);
  await at("dist/.built", 100);
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("the build", () => {
  it("is fresh when every source is older than the last build", () => {
    expect(stale(root)).toBe(false);
  });

  it("is stale when a source, a config or a folder (a deleted file) is newer, or it never ran", async () => {
    for (const path of ["server/cli.ts", "tsconfig.json", "server"]) {
      await at(path, 150);
      expect(stale(root), path).toBe(true);
      await at(path, 50);
    }
    await rm(join(root, "dist/.built"));
    expect(stale(root)).toBe(true);
  });

  it("ignores what the build excludes: tests and test support", async () => {
    await at("server/cli.test.ts", 150);
    await at("server/test-support/x.ts", 150);
    await at("server/test-support", 150);
    expect(stale(root)).toBe(false);
  });
});

describe("the build's stamp", () => {
  it("dates the build from its start: a source saved while it ran makes the next start build again", async () => {
    // The build started at t=100 s; the source was saved at t=120 s, before the build ended.
    await at("server/cli.ts", 120);
    stampBuild(100_000, root);
    expect(stale(root)).toBe(true);
    await at("server/cli.ts", 80);
    expect(stale(root)).toBe(false);
  });
});

describe("the build's lock", () => {
  it("runs one build at a time: a second waits until the first is done", async () => {
    const events: string[] = [];
    const holder = (name: string) => async () => {
      events.push(`${name} in`);
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      events.push(`${name} out`);
    };
    const said: string[] = [];
    const say = (line: string) => said.push(line);
    await Promise.all([
      withBuildLock(holder("a"), { root, pollMs: 1, say }),
      withBuildLock(holder("b"), { root, pollMs: 1, say }),
    ]);
    expect(events).toEqual(["a in", "a out", "b in", "b out"]);
    expect(said).toEqual([
      `build: waiting for another build to finish (${join(root, "dist.lock")})`,
    ]);
    expect(await readdir(root)).not.toContain("dist.lock");
  });

  // A pid no process has (Linux's pids stay below 2^22), and what no build writes: process.kill
  // takes 0 and -1 for groups, which always answer.
  it.each([String(2 ** 30), "0", "-1", "12abc"])(
    "takes over a lock signed %s, and lets go of it when the build fails",
    async (pid) => {
      await mkdir(join(root, "dist.lock"));
      await writeFile(join(root, "dist.lock/pid"), pid);
      await expect(
        withBuildLock(
          () => {
            throw new Error("tsc failed");
          },
          { root, pollMs: 1, say: () => undefined },
        ),
      ).rejects.toThrow("tsc failed");
      expect(await readdir(root)).not.toContain("dist.lock");
    },
  );

  it("is the checkout's, whatever the directory the build is run from", async () => {
    const checkout = fileURLToPath(new URL("..", import.meta.url));
    const elsewhere = await mkdtemp(join(tmpdir(), "image2-kit-cwd-"));
    try {
      // Inside the lock: held in the checkout, nothing made in the directory the script runs in.
      const probe = `const { withBuildLock } = await import(${JSON.stringify(new URL("./build.mjs", import.meta.url).href)});
const { existsSync } = await import("node:fs");
process.exitCode = await withBuildLock(() => existsSync(${JSON.stringify(join(checkout, "dist.lock"))}) && !existsSync("dist.lock") ? 0 : 3);`;
      const run = spawnSync(process.execPath, ["--input-type=module", "-e", probe], {
        cwd: elsewhere,
        encoding: "utf8",
      });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      expect(existsSync(join(elsewhere, "dist.lock"))).toBe(false);
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });
});
