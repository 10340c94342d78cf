import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The contract suite itself (contract/suite/*.contract.ts) runs with `npm run contract`.
    include: ["contract/**/*.test.ts", "server/**/*.test.ts", "fixtures/**/*.test.ts"],
    exclude: ["node_modules/**", "dist/**"],
  },
});
