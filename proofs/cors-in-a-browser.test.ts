/**
 * A web front-end calling the fake from another origin, in headless Chromium: an origin given with
 * --cors creates a task, polls it, reads its image and a 429's Retry-After; any other origin is
 * refused by the browser and creates nothing; the control API answers no page of another origin.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalRequest } from "../contract/request-cases.js";
import { type RunningFake, start } from "../server/start.js";
import { chromiumSkipNote, hasChromium, launchChromium } from "../server/test-support/chromium.js";

let fake: RunningFake;
let browser: Browser;
const pages: Server[] = [];

/** A page server on its own origin, whose page runs `script` and puts its result in the title. */
async function pageOrigin(): Promise<{ origin: string; serve: (script: string) => void }> {
  let script = "";
  const server = createServer((_, res) => {
    res.setHeader("Content-Type", "text/html");
    res.end(`<!doctype html><script>
(async () => {
  try { document.title = "done: " + JSON.stringify(await (async () => { ${script} })()); }
  catch (error) { document.title = "done: " + JSON.stringify({ threw: error.name }); }
})();
</script>`);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  pages.push(server);
  const { port } = server.address() as AddressInfo;
  return { origin: `http://localhost:${port}`, serve: (text) => (script = text) };
}

async function runPage(origin: string): Promise<unknown> {
  const page = await browser.newPage();
  await page.goto(`${origin}/`);
  await page.waitForFunction('document.title.startsWith("done: ")');
  const title = await page.title();
  await page.close();
  return JSON.parse(title.slice("done: ".length));
}

const recentTasks = async () =>
  ((await (await fetch(`${fake.url}/__fake/health`)).json()) as { tasks: number }).tasks;

let allowed: Awaited<ReturnType<typeof pageOrigin>>;
let refused: Awaited<ReturnType<typeof pageOrigin>>;

describe.skipIf(!hasChromium)(`CORS in headless Chromium${chromiumSkipNote}`, () => {
  beforeAll(async () => {
    allowed = await pageOrigin();
    refused = await pageOrigin();
    fake = await start({ port: 0, profile: "instant", cors: [allowed.origin] });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await fake?.close();
    for (const server of pages) server.close();
  });

  const createScript = () => `
    const base = ${JSON.stringify(`${fake.url}/kyyReactApiServer`)};
    const headers = { Authorization: "Bearer sk-page", "Content-Type": "application/json", "x-fake-queued-ms": "0" };
    const created = await (await fetch(base + "/v1/image2/images", {
      method: "POST", headers, body: ${JSON.stringify(JSON.stringify(minimalRequest("gpt-image-2")))},
    })).json();
    const result = await (await fetch(base + "/v1/result/" + created.id, { headers })).json();
    const image = await (await fetch(result.image_url)).blob();
    const limited = await fetch(base + "/v1/result/image_limited", { headers });
    const control = await fetch(${JSON.stringify(`${fake.url}/__fake/tasks`)}).then((res) => res.status, (error) => error.name);
    return { status: result.status, imageType: image.type, limitedStatus: limited.status, retryAfter: limited.headers.get("Retry-After"), control };`;

  it("lets a page of an allowed origin create, poll, fetch the image and read Retry-After", async () => {
    await fetch(`${fake.url}/__fake/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        match: { path: "/kyyReactApiServer/v1/result/image_limited" },
        action: { type: "status", status: 429, headers: { "Retry-After": "3" } },
      }),
    });
    allowed.serve(createScript());
    const before = await recentTasks();
    const seen = (await runPage(allowed.origin)) as Record<string, unknown>;
    expect(seen).toMatchObject({
      status: "completed",
      imageType: "image/png",
      limitedStatus: 429,
      retryAfter: "3",
    });
    // The control API is not the page's to read, allowed origin or not.
    expect(seen.control).toBe("TypeError");
    expect(await recentTasks()).toBe(before + 1);
  });

  it("refuses a page of any other origin: the browser blocks it and no task is made", async () => {
    refused.serve(createScript());
    const before = await recentTasks();
    expect(await runPage(refused.origin)).toEqual({ threw: "TypeError" });
    expect(await recentTasks()).toBe(before);
    const journal = (await (
      await fetch(`${fake.url}/__fake/requests?order=newest&limit=1`)
    ).json()) as {
      requests: { method: string; status: number }[];
    };
    // Its preflight was answered 403, saying which origins are allowed, and went no further.
    expect(journal.requests[0]).toMatchObject({ method: "OPTIONS", status: 403 });
  });
});
