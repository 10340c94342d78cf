/**
 * The control API in a real browser: against a hostile page of another origin sending what a
 * browser sends without asking (simple requests, a form), against a page under a name of its own
 * that resolves to the fake (DNS rebinding), and for its owner, whose inspector page carries the
 * control token.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalRequest } from "../contract/request-cases.js";
import { type RunningFake, start } from "../server/start.js";
import { chromiumSkipNote, hasChromium, launchChromium } from "../server/test-support/chromium.js";

let fake: RunningFake;
let browser: Browser;

async function createTask(url = fake.url) {
  const res = await fetch(`${url}/v1/image2/images`, {
    method: "POST",
    headers: { Authorization: "Bearer sk-browser", "Content-Type": "application/json" },
    body: JSON.stringify(minimalRequest("gpt-image-2")),
  });
  return ((await res.json()) as { id: string }).id;
}

describe.skipIf(!hasChromium)(`the control API in headless Chromium${chromiumSkipNote}`, () => {
  beforeAll(async () => {
    fake = await start({ port: 0, profile: "instant" });
    // rebind.test stands for an attacker's name whose DNS answer turned into 127.0.0.1.
    browser = await launchChromium(["--host-resolver-rules=MAP rebind.test 127.0.0.1"]);
  });

  afterAll(async () => {
    await browser?.close();
    await fake?.close();
  });

  it("cannot be steered by a page of another origin: simple requests and forms change nothing", async () => {
    const before = await createTask();
    const attacker = createServer((_, res) => {
      res.setHeader("Content-Type", "text/html");
      res.end(`<!doctype html><iframe name="sink"></iframe>
<form id="form" method="post" target="sink" action="${fake.url}/__fake/next-tasks"><input name="count" value="9"></form>
<script>
(async () => {
  const target = ${JSON.stringify(fake.url)};
  const plain = { method: "POST", mode: "no-cors", headers: { "Content-Type": "text/plain" } };
  await fetch(target + "/__fake/next-tasks", { ...plain, body: '{"count":9,"outcome":"failed"}' }).catch(() => {});
  await fetch(target + "/__fake/reset", { method: "POST", mode: "no-cors" }).catch(() => {});
  const read = await fetch(target + "/__fake/tasks").then(() => "read", () => "blocked");
  const sink = document.querySelector("iframe");
  await new Promise((resolve) => { sink.onload = resolve; document.getElementById("form").submit(); });
  document.title = "done: " + read;
})();
</script>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = attacker.address() as AddressInfo;
      const page = await browser.newPage();
      await page.goto(`http://localhost:${port}/`);
      await page.waitForFunction('document.title.startsWith("done")');
      expect(await page.title()).toBe("done: blocked");
      await page.close();
    } finally {
      attacker.close();
    }
    const next = (await (await fetch(`${fake.url}/__fake/next-tasks`)).json()) as { next: [] };
    expect(next.next).toEqual([]);
    expect((await fetch(`${fake.url}/__fake/tasks/${before}`)).status).toBe(200);
  });

  it("shows a fake with a control token opened as /__fake/ui#token=…, then drops it from the address", async () => {
    const token = "ui-3b8e1f0a9c7d2e64";
    const guarded = await start({ port: 0, profile: "instant", controlToken: token });
    try {
      const id = await createTask(guarded.url);
      const without = await browser.newPage();
      await without.goto(`${guarded.url}/__fake/ui`);
      await without.getByText("needs its control token").waitFor();
      await without.close();
      const page = await browser.newPage();
      await page.goto(`${guarded.url}/__fake/ui#token=${token}`);
      await page.locator(`#tasks tr[data-id="${id}"]`).waitFor();
      expect(page.url()).toBe(`${guarded.url}/__fake/ui`);
      // The tab keeps the token: a reload still shows the tasks.
      await page.reload();
      await page.locator(`#tasks tr[data-id="${id}"]`).waitFor();
      await page.close();
    } finally {
      await guarded.close();
    }
  });

  it("does not answer /__fake to a page under a name that resolves to it (DNS rebinding)", async () => {
    const { port } = new URL(fake.url);
    const read = (page: Page) => page.evaluate(async () => (await fetch("/__fake/tasks")).status);
    const rebound = await browser.newPage();
    // Any page the fake serves under that name gives the attacker's script that origin.
    await rebound.goto(`http://rebind.test:${port}/nothing-here`);
    expect(await read(rebound)).toBe(403);
    await rebound.close();
    const own = await browser.newPage();
    await own.goto(`http://localhost:${port}/nothing-here`);
    expect(await read(own)).toBe(200);
    await own.close();
  });
});
