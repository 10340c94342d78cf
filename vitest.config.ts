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
    // Sized for a 2-core machine that something else keeps busy: a test fails on what it asserts,
    // never because a loaded machine ran it slowly.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
