import { mkdir, mkdtemp, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isStale as stale } from "./build.mjs";

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
