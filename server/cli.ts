#!/usr/bin/env node
/**
 * The `image2-kit` command as `node dist/server/cli.js` runs it (bin.js too, after its Node check):
 * cli-main.ts, bundled by scripts/build.mjs into the one file dist/server/cli-main.cjs and loaded
 * with the code cache the build made for it. The bundle and its cache are what make the fake answer
 * fast after start (README, Start-up).
 */
import { loadBundle } from "./node/bundle-loader.js";

// The bundle's one export, named here and not imported: tsc would compile cli-main.ts for dist/ too.
interface CliMain {
  runCli(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number>;
}

let cli: CliMain | undefined;
try {
  cli = loadBundle<CliMain>(new URL("./cli-main.cjs", import.meta.url)).exports;
} catch (error) {
  // What failed as the bundle's modules started (a fixture that breaks its schema), in its words
  // rather than a stack trace through minified code; the stack where it maps to the sources.
  const { message, stack } = error instanceof Error ? error : { message: String(error), stack: "" };
  console.error(`image2-kit: ${process.sourceMapsEnabled && stack ? stack : message}`);
  process.exitCode = 1;
}
if (cli) process.exitCode = await cli.runCli(process.argv.slice(2), process.env);
