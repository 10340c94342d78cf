import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { readSuiteConfig } from "./config.js";

const config = readSuiteConfig();

export default defineConfig({
  // The folder holding contract/: the checkout when run from source, dist/ when run from the package.
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["contract/suite/**/*.contract.{ts,js}"],
    // One task may take CONTRACT_TIMEOUT_MS on production; a test polls at most two.
    testTimeout: 2 * config.timeoutMs + 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
