// Builds dist/: `node scripts/build.mjs`; with `--if-stale`, only when a source is newer than the
// last build, so `npm start` and `npm test` start at once and never run stale code.
// Plain JavaScript on purpose: it runs before anything is compiled, on every `npm start`.
//
// tsc compiles the library (the exports, with their types, and the contract suite the bin runs);
// esbuild bundles the CLI into one file, dist/server/cli-main.cjs. Node then reads one file at start
// instead of resolving, reading and linking some 250 modules, which is half of the fake's start-up.
// Last, code-cache.mjs runs the bundled fake once and keeps V8's compiled code beside the bundle.
import { spawnSync } from "node:child_process";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

// Every path is the checkout's own, whatever the directory it is run from: run elsewhere, a
// relative `dist` would be someone else's folder to delete.
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const STAMP = "dist/.built";
const CONFIG = "tsconfig.build.json";
// Where everything the build compiles lives (its entry points import nothing from elsewhere), and
// what else tsc reads. Watching whole folders may rebuild more than needed, never less.
const WATCHED = [
  "contract",
  "server",
  "fixtures",
  CONFIG,
  "tsconfig.json",
  "package.json",
  // How dist/ is made: a change to either changes what a build writes.
  "scripts/build.mjs",
  "scripts/code-cache.mjs",
];
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
export function isStale(root = ROOT) {
  const built = statSync(join(root, STAMP), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return WATCHED.some((path) => newestIn(join(root, path)) > built);
}

// The fixtures stay files the bundle reads, as the library does: dist/fixtures is one copy. A
// fixture import can rewrite the assumed ones, which the fake checks at start; the examples are
// checked when a document or the suite first reads them.
const fixturesAsFiles = {
  name: "fixtures-as-files",
  setup(build) {
    build.onResolve({ filter: /\.json$/ }, ({ path, resolveDir }) => {
      const built = join("dist", relative(ROOT, resolve(resolveDir, path)));
      return { path: relative(dirname(CLI_BUNDLE), built), namespace: "fixture-file" };
    });
    // A fixture that cannot be read as JSON stops the start naming its file, as Node's own JSON
    // import does for the library.
    build.onLoad({ filter: /.*/, namespace: "fixture-file" }, ({ path }) => ({
      contents: `import { readFileSync } from "node:fs";
let fixture;
try {
  fixture = JSON.parse(readFileSync(new URL(${JSON.stringify(`./${path}`)}, import.meta.url), "utf8"));
} catch (error) {
  throw new Error(${JSON.stringify(`${path.replace(/^(\.\.\/)+/, "")} cannot be read as JSON: `)} + error.message);
}
export default fixture;`,
      loader: "js",
    }));
  },
};

const CLI_BUNDLE = "dist/server/cli-main.cjs";

// zod's API objects re-export its 40-odd locales (390 KiB, a quarter of the bundle, all parsed at
// start) as `z.locales` and `core.locales`. The fake speaks English and reads none of them: in
// the bundle, `locales` holds `en` alone. The library, compiled by tsc, imports zod untouched.
const englishOnlyZod = {
  name: "english-only-zod",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, ({ importer }) =>
      /[\\/]zod[\\/]v4[\\/]/.test(importer)
        ? { path: "zod-locales", namespace: "english-only-zod" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "english-only-zod" }, () => ({
      contents: 'export { default as en } from "zod/v4/locales/en.js";',
      resolveDir: ".",
      loader: "js",
    }));
  },
};

async function bundleCli() {
  const { build: bundle, stop } = await import("esbuild");
  await bundle({
    absWorkingDir: ROOT,
    entryPoints: ["server/cli-main.ts"],
    // Beside bin.js and the suite's config, which it names by relative URL. One file, not chunks
    // loaded on first use: a rebuild while a fake runs (npm test beside npm start) would delete the
    // chunks it has yet to load, and splitting saved no more than the noise (8 ms of 290).
    outfile: CLI_BUNDLE,
    bundle: true,
    platform: "node",
    // A script, not an ES module: only a script can be compiled with a V8 code cache on Node 20
    // (server/node/bundle-loader.ts runs it).
    format: "cjs",
    target: "node20",
    // The contract command runs the suite in vitest, from the compiled suite; nothing else of them.
    external: ["vitest", "supertest"],
    plugins: [fixturesAsFiles, englishOnlyZod],
    define: { "import.meta.url": "__import_meta_url" },
    // A third smaller, and ASCII (comments gone), which Node reads as is: 15 ms of the fake's start.
    // Lines stay short, as Node prints the line of an uncaught error; node --enable-source-maps
    // maps stack frames through cli-main.cjs.map.
    minifyWhitespace: true,
    lineLimit: 160,
    sourcemap: "linked",
    banner: { js: 'var __import_meta_url = require("node:url").pathToFileURL(__filename).href;' },
    logLevel: "warning",
  }).finally(
    // esbuild's service process would otherwise live on beside the fake `npm start` runs.
    stop,
  );
}

/** The Node flags `npm start` runs with, as package.json's `start` script gives them. */
export function startFlags() {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  const [node, ...words] = scripts.start.split(/\s+/);
  const script = words.indexOf("scripts/start.mjs");
  const flags = words.slice(0, script);
  if (node !== "node" || script < 0 || flags.some((flag) => !flag.startsWith("--"))) {
    throw new Error(
      "package.json's start script: write it as node --flag=value … scripts/start.mjs",
    );
  }
  return flags;
}

// Beside dist/, which a build deletes: only one build runs at a time (see withBuildLock).
const LOCK = "dist.lock";
const LOCK_WAIT_MS = 10 * 60_000;
// Between making the lock and signing it with a pid, a build only writes a file.
const UNSIGNED_GRACE_MS = 10_000;

/** The pid `lock` is signed with: undefined while unsigned, NaN when not a pid. */
function signerOf(lock) {
  let text;
  try {
    text = readFileSync(join(lock, "pid"), "utf8");
  } catch {
    return undefined;
  }
  return text === "" ? undefined : /^[1-9][0-9]*$/.test(text) ? Number(text) : Number.NaN;
}

/** Whether the process that made `lock` may still be building. */
function isHeld(lock) {
  const pid = signerOf(lock);
  if (pid === undefined) {
    // Made but not yet signed: held, unless its maker died before signing it long ago.
    const made = statSync(lock, { throwIfNoEntry: false });
    return made !== undefined && Date.now() - made.mtimeMs < UNSIGNED_GRACE_MS;
  }
  if (Number.isNaN(pid)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}

/**
 * Runs `work` holding the build's lock, a folder only one process can create: two builds at once
 * (`npm test` started beside a stale `npm start`) would delete dist/ under each other. A lock whose
 * process is gone is taken over; one held longer than ten minutes stops the wait with an error.
 */
export async function withBuildLock(work, { root = ROOT, pollMs = 200, say = console.error } = {}) {
  const lock = join(root, LOCK);
  const giveUpAt = Date.now() + LOCK_WAIT_MS;
  let said = false;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
    }
    if (!isHeld(lock)) rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > giveUpAt) {
      throw new Error(
        `build: another build has held ${lock} for ten minutes; stop it, or delete ${lock} if none runs`,
      );
    } else {
      if (!said) say(`build: waiting for another build to finish (${lock})`);
      said = true;
      await sleep(pollMs);
    }
  }
  try {
    writeFileSync(join(lock, "pid"), String(process.pid));
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Marks dist/ as built from the sources as they were at `startedMs`: a source saved while the build
 * ran is newer than the stamp, so the next start builds again instead of serving the old code.
 */
export function stampBuild(startedMs, root = ROOT) {
  const stamp = join(root, STAMP);
  writeFileSync(stamp, `${new Date(startedMs).toISOString()}\n`);
  utimesSync(stamp, startedMs / 1000, startedMs / 1000);
}

async function buildHoldingLock() {
  const startedMs = Date.now();
  rmSync(join(ROOT, "dist"), { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "-p", CONFIG], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (tsc.status !== 0) return tsc.status ?? 1;
  await bundleCli();
  // Only faster, never needed: without a cache the CLI compiles its bundle from source. V8 takes a
  // cache only under the flags it was made with: one for none, one for `npm start`'s.
  for (const flags of [[], startFlags()]) {
    const warm = spawnSync(process.execPath, [...flags, "scripts/code-cache.mjs"], {
      cwd: ROOT,
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 60_000,
    });
    if (warm.status !== 0) {
      console.warn(`build: no code cache for the CLI under [${flags}]; it starts a little slower`);
    }
  }
  stampBuild(startedMs);
  return 0;
}

/** Builds dist/ from scratch; resolves to the exit status (tsc's when it fails). */
export const build = () => withBuildLock(buildHoldingLock);

/** Builds dist/ if a source is newer than the last build, saying so first; else resolves to 0. */
export const buildIfStale = () =>
  withBuildLock(async () => {
    // A build that held the lock meanwhile may have done it already.
    if (!isStale()) return 0;
    console.error("build: a source is newer than dist/; building it first (about 15 s)");
    return buildHoldingLock();
  });

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes("--if-stale");
  process.exitCode = !ifStale ? await build() : isStale() ? await buildIfStale() : 0;
}
