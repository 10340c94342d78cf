#!/usr/bin/env node
// Lists the files of an installed package that nothing reaches: not an export, not the bin, and
// not imported (or opened with `new URL(…, import.meta.url)`) by a file that is reached. The
// contract suite's *.contract.js files count as reached: the `contract` command's vitest config
// runs them by glob. Exits 1 when any file under dist/ is unreached.
// Usage: node .ci/unreached-files.mjs <package dir>
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(process.argv[2] ?? ".");
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

const targetsOf = (value) =>
  typeof value === "string"
    ? [value]
    : Object.values(value ?? {}).flatMap((inner) => targetsOf(inner));

const shipped = [...walk(join(root, "dist"))];
const roots = [
  ...targetsOf(manifest.exports),
  ...targetsOf(typeof manifest.bin === "string" ? { bin: manifest.bin } : manifest.bin),
]
  .map((target) => join(root, target))
  .concat(shipped.filter((path) => path.endsWith(".contract.js")));

const SPECIFIERS = /(?:from\s*|import\s*\(\s*|import\s+|new URL\(\s*)["'](\.{1,2}\/[^"']+)["']/g;

const reached = new Set();
const queue = [...roots];
while (queue.length > 0) {
  const file = queue.pop();
  if (reached.has(file) || !existsSync(file)) continue;
  reached.add(file);
  // A module's declarations travel with it, and hold type-only imports its JavaScript drops.
  if (file.endsWith(".js")) queue.push(file.replace(/\.js$/, ".d.ts"));
  if (!/\.(c?js|d\.ts)$/.test(file)) continue;
  for (const [, specifier] of readFileSync(file, "utf8").matchAll(SPECIFIERS)) {
    const target = resolve(dirname(file), specifier);
    queue.push(target, target.replace(/\.js$/, ".d.ts"));
  }
}

const unreached = shipped.filter((path) => !reached.has(path)).map((path) => relative(root, path));
if (unreached.length > 0) {
  console.error(
    `unreached-files: nothing exported reaches these shipped files:\n  ${unreached.join("\n  ")}`,
  );
  process.exit(1);
}
console.log(`unreached-files: all ${shipped.length} files under dist/ are reached`);
