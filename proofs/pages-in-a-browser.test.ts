/** The pages as a person sees them, in headless Chromium. */
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { seedFixtures } from "../contract/fixtures.js";
import { minimalRequest } from "../contract/request-cases.js";
import { BASE_PATH, PRODUCTION_BASE_URL } from "../contract/routes.js";
import { type RunningFake, start } from "../server/start.js";
import { chromiumSkipNote, hasChromium, launchChromium } from "../server/test-support/chromium.js";
import { createTaskAt } from "../server/test-support/create-task.js";

let fake: RunningFake;
let browser: Browser;

const create = (body: object, extra: Record<string, string> = {}) =>
  createTaskAt(fake.url, "sk-pages", body, extra);

/** A page that records every URL it asks for, to prove nothing comes from elsewhere. */
async function openPage(path: string): Promise<{ page: Page; requested: string[] }> {
  const page = await browser.newPage();
  const requested: string[] = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.clock.install();
  await page.goto(fake.url + path);
  return { page, requested };
}

describe.skipIf(!hasChromium)(
  `pages in headless Chromium${chromiumSkipNote}`,
  { timeout: 30_000 },
  () => {
    beforeAll(async () => {
      fake = await start({ port: 0, profile: "instant", seed: "pages" });
      browser = await launchChromium();
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await fake?.close();
    });

    it("renders the API reference at /docs from the fake's own assets", async () => {
      const { page, requested } = await openPage("/docs");
      await page.getByText("Query an image-generation task").waitFor();
      expect(await page.getByText("Create an image-generation task").count()).toBe(1);
      expect(await page.locator(".opblock-summary-path").allInnerTexts()).toEqual([
        "/v1/image2/images",
        "/v1/result/{id}",
      ]);
      expect(requested.filter((url) => !url.startsWith(fake.url))).toEqual([]);
      // The control API is the second definition, from its own document.
      const definitions = page.locator(".topbar select");
      expect(await definitions.locator("option").allInnerTexts()).toEqual([
        "GPT Image 2 task API",
        "image2-kit control API (/__fake)",
      ]);
      await definitions.selectOption({ label: "image2-kit control API (/__fake)" });
      await page.getByText("The fake's clock, task count, seed and memory").waitFor();
      expect(await page.locator(".opblock-summary-path").allInnerTexts()).toContain(
        "/tasks/{id}/image",
      );
      expect(requested).toContain(`${fake.url}/__fake/openapi.json`);
      expect(requested.filter((url) => !url.startsWith(fake.url))).toEqual([]);
      await page.close();
    });

    it("selects the fake, not production, for Try it out, and its requests reach the fake", async () => {
      const { page, requested } = await openPage("/docs");
      const servers = page.locator(".servers select");
      await servers.waitFor();
      expect(await servers.inputValue()).toBe(`${fake.url}${BASE_PATH}`);
      expect(await servers.locator("option").allInnerTexts()).toEqual([
        expect.stringContaining(`${fake.url}${BASE_PATH}`),
        expect.stringMatching(new RegExp(`^${PRODUCTION_BASE_URL}.*billed`, "i")),
      ]);
      await page
        .getByRole("button", { name: /Authorize/ })
        .first()
        .click();
      await page.locator(".modal-ux input").fill("sk-docs-page");
      await page.locator(".modal-ux button.authorize").click();
      await page.locator(".modal-ux button.btn-done").click();
      const create = page.locator("#operations-default-createImageTask");
      await create.locator(".opblock-summary").click();
      await create.getByRole("button", { name: "Try it out" }).click();
      await create.getByRole("button", { name: "Execute" }).click();
      const status = create.locator(".live-responses-table tbody .response-col_status");
      await status.waitFor();
      expect((await status.textContent())?.trim()).toBe("200");
      expect(requested).toContain(`${fake.url}${BASE_PATH}/v1/image2/images`);
      expect(requested.filter((url) => !url.startsWith(fake.url))).toEqual([]);
      // The id parameter comes filled with its documented example.
      const poll = page.locator("#operations-default-getTaskResult");
      await poll.locator(".opblock-summary").click();
      await poll.getByRole("button", { name: "Try it out" }).click();
      expect(await poll.locator("input[placeholder='id']").inputValue()).toBe(
        seedFixtures.createResponse.id,
      );
      await page.close();
      // Swagger UI is heavy: a dozen seconds on two busy cores.
    }, 90_000);

    it("lists tasks with their status, error and thumbnail, and the request journal, at /__fake/ui", async () => {
      const completed = await create({
        ...minimalRequest("gpt-image-2"),
        prompt: "<b>bold</b> cat",
        size: "1536x1024",
      });
      const failed = await create(minimalRequest("gpt-image-2-r"), {
        "x-fake-outcome": "failed",
        "x-fake-error": "moderation: blocked",
      });
      const { page, requested } = await openPage("/__fake/ui");
      const row = page.locator(`#tasks tr[data-id="${completed}"]`);
      await row.waitFor();
      const column = async (name: string) =>
        (await page.locator("#tasks th").allInnerTexts()).indexOf(name);
      const cellText = async (of: Locator, name: string) =>
        of
          .locator("td")
          .nth(await column(name))
          .textContent();
      expect(await row.locator(".status").textContent()).toBe("completed");
      // A prompt is shown as text: the markup a client sent is never rendered.
      expect(await cellText(row, "prompt")).toBe("<b>bold</b> cat");
      expect(await row.locator("b").count()).toBe(0);
      const thumbnail = row.locator("img");
      await expect
        .poll(() =>
          thumbnail.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth),
        )
        .toBe(1536);
      const failedRow = page.locator(`#tasks tr[data-id="${failed}"]`);
      expect(await failedRow.locator(".status").textContent()).toBe("failed");
      expect(await cellText(failedRow, "error")).toBe("moderation: blocked");
      expect(await failedRow.locator("img").count()).toBe(0);
      // The journal: time, path, status, duration and task; the thumbnail came through /__fake.
      const journal = page.locator("#requests tbody tr").filter({ hasText: completed }).first();
      expect(await journal.locator("td").nth(1).textContent()).toMatch(/^\d\d:\d\d:\d\d\.\d{3}$/);
      expect(await journal.textContent()).toContain("/v1/image2/images");
      expect(requested).toContain(`${fake.url}/__fake/tasks/${completed}/image`);
      expect((await page.locator("#clock").textContent()) ?? "").toMatch(
        /fake clock \d\d:\d\d.* system$/,
      );
      await page.close();
    });

    it("keeps a row of a long prompt and error to a few lines, the whole text a hover away", async () => {
      const prompt = "W".repeat(3000);
      const error = "E".repeat(1000);
      const id = await create(
        { ...minimalRequest("gpt-image-2"), prompt },
        { "x-fake-outcome": "failed", "x-fake-error": error },
      );
      const { page } = await openPage("/__fake/ui");
      const row = page.locator(`#tasks tr[data-id="${id}"]`);
      await row.waitFor();
      const box = await row.boundingBox();
      // 13px text: a few lines, not the 40 a 1,000-character error wraps to in 26rem.
      expect(box?.height).toBeLessThan(100);
      const clamped = await row
        .locator(".clamp")
        .evaluateAll((cells) =>
          cells.map((cell) => [cell.getAttribute("title"), cell.textContent] as const),
        );
      // The fake keeps the start of a prompt (its own cut); the error, up to 1,000 characters, whole.
      expect(clamped.map(([title, text]) => [title === text, text?.length])).toEqual([
        [true, error.length],
        [true, expect.any(Number)],
      ]);
      expect(clamped[1]?.[1]).toMatch(/^W+/);
      await page.close();
    });

    it("refreshes by itself: a task created later appears when its timer fires", async () => {
      const { page } = await openPage("/__fake/ui");
      await page.locator("#tasks tbody tr").first().waitFor();
      const later = await create(minimalRequest("gpt-image-2"));
      expect(await page.locator(`#tasks tr[data-id="${later}"]`).count()).toBe(0);
      await page.clock.runFor(2000);
      await page.locator(`#tasks tr[data-id="${later}"]`).waitFor();
      await page.close();
    });
  },
);
