import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The slow proofs: the contract suite against stand-in servers, property runs over the HTTP surface,
// the fake as a process (signals, sockets), and the pages in headless Chromium. `npm run test:proofs`; CI runs it after `npm test`.
export default defineConfig({
  root: fileURLToPath(new URL("..", import.meta.url)),
  test: {
    include: ["proofs/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
