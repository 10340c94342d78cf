/**
 * The in-process fake as the contract suite's target: a vitest global setup that starts the fake on
 * a loopback port with a manual clock and hands its URL and key to the suite (`inject`). The suite
 * never imports server/: it steers this fake through its control API, as it would the fake on a
 * port. With CONTRACT_BASE_URL set there is nothing to start.
 */
import type { TestProject } from "vitest/node";
import { BASE_PATH } from "../contract/routes.js";
import { readSuiteConfig } from "../contract/suite/config.js";
import { start } from "./start.js";

/**
 * Starts the fake when the run has no URL; answers the function that stops it.
 *
 * @example export default defineConfig({ test: { globalSetup: ["server/contract-target.ts"] } });
 */
export async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  const config = readSuiteConfig();
  if (config.baseUrl) return undefined;
  const running = await start({
    port: 0,
    clock: "manual",
    selfCheck: true,
    apiKeys: [config.apiKey],
  });
  project.provide("contractTarget", {
    baseUrl: running.url + BASE_PATH,
    apiKey: config.apiKey,
    description: "in-process fake",
  });
  return () => running.close();
}
