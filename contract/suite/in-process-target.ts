/**
 * The in-process fake as a target: the one module of contract/ that imports server/.
 * It listens on a loopback port inside this process so image URLs can be downloaded like any other.
 */

import { start } from "../../server/start.js";
import { BASE_PATH } from "../routes.js";
import type { Target } from "./target.js";

export async function inProcessTarget(apiKey: string): Promise<Target> {
  const running = await start({ port: 0, clock: "manual", selfCheck: true, apiKeys: [apiKey] });
  return {
    description: "in-process fake",
    baseUrl: running.url + BASE_PATH,
    now: () => running.clock.now(),
    async sleep(ms) {
      running.fake.advance(ms);
    },
    control: running.fake,
    close: () => running.close(),
  };
}
