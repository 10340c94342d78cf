/**
 * Runs a CommonJS bundle as Node would, but compiled with the V8 code cache the build wrote beside
 * it: V8 then deserializes what start-up runs instead of compiling it, a tenth of the fake's first
 * answer. Node 20 has no compile cache of its own (22 has `module.enableCompileCache`) and none for
 * ES modules, hence a script.
 *
 * The cache is written by the build only (scripts/code-cache.mjs), never at run time, so nothing
 * outside the package can plant one. It starts with two CRC-32s: of the bundle it was made
 * from, since V8 compares only the source's length and a same-length edit would run stale compiled
 * code; and of the cache itself, since V8 checks its own header but not the code that follows, and a
 * damaged byte there crashes Node. V8 takes a cache only under the Node flags it was made with, so
 * each set of flags has its own file (the build makes one for none and one for `npm start`'s); one
 * made by another Node V8 refuses itself. Either way the bundle is then compiled from its source, as
 * it would be with no cache.
 */
import { isAscii } from "node:buffer";
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { constants, Script } from "node:vm";
import { crc32 } from "node:zlib";

// A check against accidents (an edit, a damaged disk), not attacks: only the build writes a cache.
// CRC-32 reads the 1.5 MB in 0.3 ms where SHA-1 took 3.
const digestOf = (data: Uint8Array | string) => crc32(data).toString(16).padStart(8, "0");
const HEADER_LENGTH = 16; // two digests, in hex

export interface LoadedBundle<Exports> {
  readonly exports: Exports;
  /** Whether V8 took the cache: false when there was none, or it was for other code or another V8. */
  readonly cached: boolean;
  /** Writes V8's cache of every function the bundle has run so far; the build calls it once warm. */
  saveCodeCache(): void;
}

/**
 * The cache file of `bundle` for a Node started with `flags`.
 *
 * @example codeCacheFileOf("/app/cli-main.cjs", []) // "/app/cli-main.cjs.cache"
 */
export function codeCacheFileOf(bundle: string, flags: readonly string[]): string {
  if (flags.length === 0) return `${bundle}.cache`;
  return `${bundle}.${digestOf(flags.join("\0"))}.cache`;
}

function readCache(path: string, bundleDigest: string): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = readFileSync(path);
  } catch {
    return undefined;
  }
  const data = cache.subarray(HEADER_LENGTH);
  const header = cache.toString("latin1", 0, HEADER_LENGTH);
  return header === bundleDigest + digestOf(data) ? data : undefined;
}

/** This process's Node flags, NODE_OPTIONS' included: V8 reads both. */
const nodeFlags = (): string[] => [
  ...(process.env.NODE_OPTIONS ?? "").split(/\s+/).filter(Boolean),
  ...process.execArgv,
];

// The cache made under this process's flags; else the flagless one, which V8 takes under flags that
// leave compiled code alone (--cpu-prof, --inspect) and refuses under others.
function cacheFor(file: string, digest: string): Buffer | undefined {
  const flags = nodeFlags();
  return (
    readCache(codeCacheFileOf(file, flags), digest) ??
    (flags.length > 0 ? readCache(codeCacheFileOf(file, []), digest) : undefined)
  );
}

/**
 * Loads and runs the CommonJS bundle at `url`, with its code cache when `useCache` and the cache is
 * the bundle's own. Under `--enable-source-maps` Node's own loader runs it, uncached: Node 20 maps
 * no stack frame of a `vm` script.
 *
 * @example const cli = loadBundle<{ runCli(argv: string[]): Promise<number> }>(new URL("./cli-main.cjs", import.meta.url));
 */
export function loadBundle<Exports>(url: URL, { useCache = true } = {}): LoadedBundle<Exports> {
  const file = fileURLToPath(url);
  const require = createRequire(file);
  if (process.sourceMapsEnabled) {
    return {
      exports: require(file) as Exports,
      cached: false,
      saveCodeCache() {
        throw new Error("no code cache is made under --enable-source-maps");
      },
    };
  }
  const source = readFileSync(file);
  const digest = digestOf(source);
  const cachedData = useCache ? cacheFor(file, digest) : undefined;
  // ASCII, as the build makes it, is copied as it is; UTF-8 would be decoded, at twice the cost.
  const text = source.toString(isAscii(source) ? "latin1" : "utf8");
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname) {${text}\n})`,
    {
      filename: file,
      cachedData,
      importModuleDynamically: constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    },
  );
  const module = { exports: {} as Exports };
  script.runInThisContext()(module.exports, require, module, file, dirname(file));
  return {
    exports: module.exports,
    cached: cachedData !== undefined && !script.cachedDataRejected,
    saveCodeCache() {
      const data = script.createCachedData();
      const path = codeCacheFileOf(file, nodeFlags());
      // Whole or not at all: a start that reads it meanwhile sees the old cache or the new one.
      const partial = `${path}.${process.pid}.partial`;
      writeFileSync(partial, Buffer.concat([Buffer.from(digest + digestOf(data)), data]));
      renameSync(partial, path);
    },
  };
}
