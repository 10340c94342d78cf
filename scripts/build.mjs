// Builds dist/ with tsc: `node scripts/build.mjs`; with `--if-stale`, only when a source is newer
// than the last build, so `npm start` and `npm test` start at once and never run stale code.
// Plain JavaScript on purpose: it runs before anything is compiled, on every `npm start`.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const STAMP = "dist/.built";
const CONFIG = "tsconfig.build.json";
// What tsc reads besides the sources its config includes.
const ALSO_READ = [CONFIG, "tsconfig.json", "package.json"];

// `**/name` patterns of the config's `exclude`, as tests on a file or folder name.
const nameGlob = (pattern) =>
  new RegExp(
    `^${pattern
      .replace(/^\*\*\//, "")
      .replace(/[.]/g, "\\.")
      .replace(/\*/g, ".*")}$`,
  );

function newestIn(path, excluded) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs; // a deleted or renamed file changes its folder's time
  for (const entry of readdirSync(path)) {
    if (excluded.some((glob) => glob.test(entry))) continue;
    newest = Math.max(newest, newestIn(join(path, entry), excluded));
  }
  return newest;
}

/** Whether dist/ in `root` is missing or older than a source, a JSON fixture or a config. */
export function isStale(root = ".") {
  const built = statSync(join(root, STAMP), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const { include, exclude = [] } = JSON.parse(readFileSync(join(root, CONFIG), "utf8"));
  const excluded = exclude.map(nameGlob);
  // `include` holds folders and `folder/**/*.json` globs: their folder part is what to watch.
  const roots = include.map((pattern) => pattern.split("/*")[0]);
  return [...roots, ...ALSO_READ].some((path) => newestIn(join(root, path), excluded) > built);
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
