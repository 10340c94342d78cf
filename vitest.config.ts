import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: [
      "contract/**/*.test.ts",
      "server/**/*.test.ts",
      "fixtures/**/*.test.ts",
      "scripts/**/*.test.ts",
    ],
    exclude: ["contract/suite/**", "node_modules/**", "dist/**"],
  },
});
