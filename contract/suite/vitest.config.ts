import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { readSuiteConfig } from "./config.js";

const config = readSuiteConfig();

/**
 * The contract suite against CONTRACT_BASE_URL. `npm run contract` and `image2-kit contract` use the
 * fake's config (server/contract-vitest.config.ts), which adds the in-process fake as the target
 * when no URL is set.
 */
export default defineConfig({
  // The folder holding contract/: the checkout when run from source, dist/ when run from the package.
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["contract/suite/**/*.contract.{ts,js}"],
    // A test follows one task (CONTRACT_TIMEOUT_MS) and sends a handful of other requests.
    testTimeout: config.timeoutMs + 8 * config.requestTimeoutMs + 10_000,
    hookTimeout: 4 * config.requestTimeoutMs + 10_000,
    fileParallelism: false,
    // The suite prints its own short lines (status changes, the summary), without vitest's headers.
    disableConsoleIntercept: true,
    // Nothing to remember between runs; run from the package, there may be nowhere to write it.
    cache: false,
  },
});
