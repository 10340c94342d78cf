// Builds dist/ with tsc: `node scripts/build.mjs`; with `--if-stale`, only when a source is newer
// than the last build, so `npm start` and `npm test` start at once and never run stale code.
// Plain JavaScript on purpose: it runs before anything is compiled, on every `npm start`.
import { spawnSync } from "node:child_process";
import { readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const STAMP = "dist/.built";
const CONFIG = "tsconfig.build.json";
// Where everything the build compiles lives (its entry points import nothing from elsewhere), and
// what else tsc reads. Watching whole folders may rebuild more than needed, never less.
const WATCHED = ["contract", "server", "fixtures", CONFIG, "tsconfig.json", "package.json"];
// What the build leaves out (tsconfig.build.json's `exclude`): editing a test needs no rebuild.
const UNBUILT = [/\.test\.ts$/, /^test-support$/];

function newestIn(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const entry of readdirSync(path)) {
    if (UNBUILT.some((name) => name.test(entry))) continue;
    newest = Math.max(newest, newestIn(join(path, entry)));
  }
  return newest;
}

/** Whether dist/ in `root` is missing or older than a source, a JSON fixture or a config. */
export function isStale(root = ".") {
  const built = statSync(join(root, STAMP), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return WATCHED.some((path) => newestIn(join(root, path)) > built);
}

function build() {
  rmSync("dist", { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", CONFIG], {
    stdio: "inherit",
  });
  if (tsc.status !== 0) return tsc.status ?? 1;
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
  return 0;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  process.exitCode = process.argv.includes("--if-stale") && !isStale() ? 0 : build();
}
