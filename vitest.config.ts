import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The contract suite itself (contract/suite/*.contract.ts) runs with `npm run contract`.
    include: [
      "contract/**/*.test.ts",
      "server/**/*.test.ts",
      "fixtures/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    exclude: ["node_modules/**", "dist/**"],
    // One module graph per worker, not per file: importing zod, hono and the fake afresh for each
    // of ~40 files was most of the run (77 s against 29 s here). No test relies on a fresh module.
    isolate: false,
    // Sized for a 2-core machine that something else keeps busy: a test fails on what it asserts,
    // never because a loaded machine ran it slowly.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
