import { fileURLToPath } from "node:url";
import { defineConfig, mergeConfig } from "vitest/config";
import suite from "../contract/suite/vitest.config.js";

// The same extension as this file: .ts from source, .js from the package. Each named in full, so
// the package check (.ci/unreached-files.mjs) sees the compiled config reach the compiled target.
const target = fileURLToPath(import.meta.url).endsWith(".ts")
  ? new URL("./contract-target.ts", import.meta.url)
  : new URL("./contract-target.js", import.meta.url);

/**
 * The contract suite as `npm run contract` and `image2-kit contract` run it: against
 * CONTRACT_BASE_URL, or, when that is unset, against the in-process fake this config starts.
 */
export default mergeConfig(
  suite,
  defineConfig({
    test: {
      globalSetup: [fileURLToPath(target)],
    },
  }),
);
