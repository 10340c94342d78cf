/**
 * Proof that `npx image2-kit contract` runs from an installed package as a user who cannot write
 * inside node_modules: relative --outputFile, CONTRACT_REPORT and CONTRACT_RECORD_DIR land in the
 * caller's directory, and nothing is written inside the package. The package is laid out as npm
 * installs it (the files `npm pack` would ship, its dependencies beside it), from the build.
 */
import { execFile, execFileSync } from "node:child_process";
import { chmod, cp, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./suite-runner.js";

const NOBODY = 65534;
const runningAsRoot = process.getuid?.() === 0;
const hasSetpriv = (() => {
  try {
    execFileSync("setpriv", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

let work: string;
let app: string;
let pkg: string;

/** Every file under a folder, relative to it. */
async function listing(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.map((entry) => join(entry.parentPath, entry.name).slice(dir.length)).sort();
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "image2-kit-package-"));
  app = join(work, "app");
  pkg = join(app, "node_modules", "image2-kit");
  const packed = JSON.parse(
    execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
      cwd: ROOT,
      encoding: "utf8",
    }),
  ) as { files: { path: string }[] }[];
  for (const { path } of packed[0]?.files ?? []) {
    await mkdir(dirname(join(pkg, path)), { recursive: true });
    await cp(join(ROOT, path), join(pkg, path));
  }
  await chmod(join(pkg, "dist/server/cli.js"), 0o755);
  for (const dependency of await readdir(join(ROOT, "node_modules"))) {
    if (dependency === ".bin" || dependency === "image2-kit") continue;
    await symlink(join(ROOT, "node_modules", dependency), join(app, "node_modules", dependency));
  }
  await mkdir(join(app, "node_modules", ".bin"));
  await symlink(
    "../image2-kit/dist/server/cli.js",
    join(app, "node_modules", ".bin", "image2-kit"),
  );
  await writeFile(
    join(app, "package.json"),
    '{ "name": "app", "private": true, "type": "module" }\n',
  );
  // Nobody may write in the package or beside it; the caller's own folder is theirs.
  execFileSync("chmod", ["-R", "a-w", pkg, join(app, "node_modules")]);
  await chmod(work, 0o755);
  await chmod(app, 0o777);
});

afterAll(async () => {
  if (work) {
    execFileSync("chmod", ["-R", "u+w", work]);
    await rm(work, { recursive: true, force: true });
  }
});

describe("image2-kit contract from an installed package", () => {
  it.skipIf(runningAsRoot && !hasSetpriv)(
    "writes its reports where it is run and nothing inside the package, as a user who cannot write there",
    async () => {
      const before = await listing(pkg);
      const command = [
        "npx",
        "image2-kit",
        "contract",
        "--reporter=default",
        "--reporter=junit",
        "--outputFile.junit=reports/junit.xml",
        "-t",
        "the provider's example request",
      ];
      // Root writes anywhere: the run drops to nobody, who owns nothing here but the app folder.
      const [file, args] = runningAsRoot
        ? ["setpriv", [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, "--clear-groups", ...command]]
        : [command[0] ?? "npx", command.slice(1)];
      const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
        execFile(
          file,
          args,
          {
            cwd: app,
            env: {
              PATH: process.env.PATH ?? "",
              HOME: app,
              npm_config_cache: join(app, ".npm"),
              npm_config_update_notifier: "false",
              NO_COLOR: "1",
              CONTRACT_REPORT: "reports/drift",
              CONTRACT_RECORD_DIR: "reports/recordings",
            },
            maxBuffer: 16 * 1024 * 1024,
          },
          (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
        );
      });
      expect(code, output.slice(-3000)).toBe(0);
      expect(output).not.toMatch(/EACCES|EPERM|read-only/i);
      const reports = await readdir(join(app, "reports"));
      expect(reports.sort()).toEqual(["drift.json", "drift.md", "junit.xml", "recordings"]);
      expect((await readdir(join(app, "reports", "recordings"))).length).toBeGreaterThan(3);
      expect(await listing(pkg)).toEqual(before);
    },
    180_000,
  );
});
