import { defineConfig } from "vitest/config";
import { readSuiteConfig } from "./config.js";

const config = readSuiteConfig();

export default defineConfig({
  test: {
    include: ["contract/suite/**/*.contract.ts"],
    // One task may take CONTRACT_TIMEOUT_MS on production; a test polls at most two.
    testTimeout: 2 * config.timeoutMs + 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
