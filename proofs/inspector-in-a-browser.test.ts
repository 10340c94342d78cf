/**
 * The inspector as a person uses it, in headless Chromium: a manual clock said to be manual, pages
 * of tasks, the journal filtered by a task, a layout that fits the window, a visible "disconnected"
 * state when the fake stops, and a screenshot (reports/inspector.png) to look at.
 */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { minimalRequest } from "../contract/request-cases.js";
import { type RunningFake, start } from "../server/start.js";
import { chromiumSkipNote, hasChromium, launchChromium } from "../server/test-support/chromium.js";
import { createTaskAt } from "../server/test-support/create-task.js";
import { ROOT } from "./suite-runner.js";

const headers = { Authorization: "Bearer sk-inspector", "Content-Type": "application/json" };
const PROMPTS = ["An orange cat on a windowsill at dawn", "A lighthouse at dusk", "Mountains"];
const TASKS = 60;

let fake: RunningFake;
let browser: Browser;
const ids: string[] = [];

const create = (body: object, extra: Record<string, string> = {}) =>
  createTaskAt(fake.url, "sk-inspector", body, extra);

async function openInspector(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  await page.goto(`${fake.url}/__fake/ui`);
  await page.locator("#tasks tbody tr[data-id]").first().waitFor();
  return page;
}

describe.skipIf(!hasChromium)(`the inspector in headless Chromium${chromiumSkipNote}`, () => {
  beforeAll(async () => {
    fake = await start({
      port: 0,
      clock: "manual",
      seed: "inspector",
      queuedMs: 1000,
      processingMs: 2000,
    });
    for (let i = 0; i < TASKS; i += 1) {
      const failing = i % 7 === 3;
      ids.push(
        await create(
          { ...minimalRequest(i % 3 ? "gpt-image-2" : "gpt-image-2-r"), prompt: PROMPTS[i % 3] },
          failing
            ? { "x-fake-outcome": "failed", "x-fake-error": "moderation: blocked by the provider" }
            : {},
        ),
      );
      if (i % 2 === 0) await fetch(`${fake.url}/v1/result/${ids[i]}`, { headers });
      // The first 40 tasks end; the last 20 stay queued on the manual clock.
      if (i === 39) fake.fake.advance(3000);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await fake?.close();
  });

  it("says the clock is manual, pages through tasks newest first, and fits the window", async () => {
    const page = await openInspector();
    expect(await page.locator("#clock").textContent()).toMatch(
      /fake clock \d\d:\d\d:\d\d\.\d{3} .* manual \(moves only through POST \/__fake\/clock\)/,
    );
    const shownIds = () =>
      page
        .locator("#tasks tbody tr")
        .evaluateAll((rows) =>
          rows.map((row) => (row as unknown as { dataset: { id: string } }).dataset.id),
        );
    expect(await shownIds()).toEqual(ids.slice(-25).reverse());
    expect(await page.locator('.pager[data-for="tasks"] .range').textContent()).toBe("1–25 of 60");
    await page.locator('.pager[data-for="tasks"] [data-step="1"]').click();
    await expect.poll(shownIds).toEqual(ids.slice(10, 35).reverse());
    // The failed tasks of this page show their error; the pending one planned to fail says so apart.
    const failedRow = page.locator(`#tasks tr[data-id="${ids[31]}"]`);
    expect(await failedRow.locator(".status").textContent()).toBe("failed");
    expect(await failedRow.locator("td.error").textContent()).toBe(
      "moderation: blocked by the provider",
    );
    // A page a person can read without scrolling sideways.
    const overflow = await page
      .locator("#tasks")
      .evaluate((table) => table.scrollWidth - (table.parentElement?.clientWidth ?? 0));
    expect(overflow).toBeLessThanOrEqual(0);
    await mkdir(join(ROOT, "reports"), { recursive: true });
    await page.screenshot({ path: join(ROOT, "reports/inspector.png"), fullPage: true });
    await page.close();
  });

  it("filters the journal to one task when its id is clicked", async () => {
    const page = await openInspector();
    const id = ids.at(-2) as string;
    await page.locator(`#tasks tr[data-id="${id}"] td.id button`).click();
    await expect
      .poll(() => page.locator("#requests tbody tr td:nth-child(7)").allInnerTexts())
      .toEqual([id, id]);
    expect(await page.locator("#request-count").textContent()).toBe("2 matching");
    await page.close();
  });

  it("shows a visible disconnected state when the fake stops, and recovers when it answers", async () => {
    const own = await start({ port: 0, clock: "manual" });
    const page = await browser.newPage();
    await page.clock.install();
    await page.goto(`${own.url}/__fake/ui`);
    await page.getByText("● live").waitFor();
    await own.close();
    await page.clock.runFor(2000);
    const banner = page.locator("#banner");
    await banner.waitFor();
    expect(await banner.textContent()).toMatch(
      new RegExp(
        `^Disconnected: the fake at ${own.url} does not answer \\(last answer at \\d\\d:\\d\\d:\\d\\d\\)\\. Retrying every 2 s\\.$`,
      ),
    );
    expect(await page.locator("#connection").textContent()).toBe("● disconnected");
    expect(await page.locator("body").getAttribute("class")).toContain("disconnected");
    await page.screenshot({ path: join(ROOT, "reports/inspector-disconnected.png") });
    // The same address answers again (the port was this fake's a moment ago): live once more.
    const again = await start({ port: Number(new URL(own.url).port), clock: "manual" });
    try {
      await page.clock.runFor(2000);
      await page.getByText("● live").waitFor();
      expect(await banner.isVisible()).toBe(false);
    } finally {
      await page.close();
      await again.close();
    }
  });

  it("shows a guarded fake's control API on /docs opened with #token, and sends the token only there", async () => {
    const token = "docs-5c1f9e2a7b3d4e60";
    const guarded = await start({ port: 0, controlToken: token });
    const page = await browser.newPage();
    const sent: { url: string; authorization: string | undefined }[] = [];
    page.on("request", (request) =>
      sent.push({ url: request.url(), authorization: request.headers().authorization }),
    );
    try {
      await page.goto(`${guarded.url}/docs#token=${token}`);
      await page.getByText("Query an image-generation task").waitFor();
      await page
        .locator(".topbar select")
        .selectOption({ label: "image2-kit control API (/__fake)" });
      await page.getByText("The fake's clock, task count, seed and memory").waitFor();
      // The token leaves the address (Swagger UI adds its own query for the chosen document).
      expect(page.url()).not.toContain(token);
      expect(new URL(page.url()).hash).toBe("");
      for (const { url, authorization } of sent) {
        const toControl = new URL(url).pathname.startsWith("/__fake/");
        expect(authorization, url).toBe(toControl ? `Bearer ${token}` : undefined);
      }
      expect(sent.map(({ url }) => url)).toContain(`${guarded.url}/__fake/openapi.json`);
    } finally {
      await page.close();
      await guarded.close();
    }
  });
});
