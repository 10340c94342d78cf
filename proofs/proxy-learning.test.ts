/**
 * Proof that the fake learns from a client's traffic through the proxy: a stand-in production keeps
 * tasks queued and processing for times of its own, draws 4:3 at 1k at a size of its own and
 * refuses a broken create in its own way; the proxy records a client's tasks; `npm run
 * fixtures:import` turns the recording into the fake's timings, pixel sizes and error answers; a
 * fake built with them times, draws and refuses that request as production did.
 */
import { execFile } from "node:child_process";
import { cp, mkdtemp, readdir, readFile, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AssumedTimingsFixture } from "../contract/assumed-schemas.js";
import { assumedPixelSizesFixture, assumedTimingsFixture } from "../contract/fixtures.js";
import { imageInfo } from "../contract/image-size.js";
import { BASE_PATH } from "../contract/routes.js";
import { runProcess } from "../scripts/process.js";
import { roundMs } from "../server/core/task-id.js";
import { renderPicture } from "../server/images/picture.js";
import { call, PROXY_KEY, proxyTo } from "./proxy-support.js";
import { type StandIn, serveWrapped } from "./stand-ins.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const REQUEST = {
  model: "gpt-image-2",
  prompt: "a harbour at dawn",
  quality: "medium",
  ratio: "4:3",
  resolution: "1k",
};
/** What production does here, and the fake assumes otherwise. */
const PRODUCTION = { queuedMs: 600, processingMs: 900, width: 1200, height: 900 };
/** How production refuses a create that breaks a rule: HTTP 422 and an envelope of its own. */
const REFUSAL = { code: "E1001", msg: "参数错误", data: null };

let work: string;
let target: StandIn;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "image2-kit-learning-"));
  target = await serveWrapped({
    name: "production with timings, a 4:3 size and a refusal of its own",
    json: (answer, exchange) =>
      exchange.route === "create" && answer.status === 400
        ? { status: 422, body: REFUSAL }
        : answer,
    fake: {
      apiKeys: [PROXY_KEY],
      queuedMs: PRODUCTION.queuedMs,
      processingMs: PRODUCTION.processingMs,
    },
    replace: (response, exchange) =>
      response && exchange.route === "image"
        ? new Response(
            new Uint8Array(
              renderPicture({
                width: PRODUCTION.width,
                height: PRODUCTION.height,
                seed: "production",
              }),
            ),
            {
              headers: { "Content-Type": "image/png" },
            },
          )
        : undefined,
  });
});
afterAll(async () => {
  await target.close();
  await rm(work, { recursive: true, force: true });
});

const headers = { Authorization: `Bearer ${PROXY_KEY}`, "Content-Type": "application/json" };
const json = (body: Buffer) => JSON.parse(body.toString("utf8")) as Record<string, unknown>;

/** A client through the proxy: creates, polls every 100 ms to the end, downloads the image. */
async function generate(proxy: string): Promise<void> {
  const created = json(
    (
      await call(proxy, "POST", `${BASE_PATH}/v1/image2/images`, {
        headers,
        body: JSON.stringify(REQUEST),
      })
    ).body,
  );
  for (let i = 0; i < 100; i += 1) {
    await sleep(100);
    const polled = json(
      (await call(proxy, "GET", `${BASE_PATH}/v1/result/${created.id}`, { headers })).body,
    );
    if (polled.status === "completed") {
      const image = await call(proxy, "GET", new URL(String(polled.image_url)).pathname);
      expect(imageInfo(image.body)).toMatchObject({
        width: PRODUCTION.width,
        height: PRODUCTION.height,
      });
      return;
    }
  }
  throw new Error(`task ${created.id} never completed`);
}

const run = (args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: ROOT }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });

describe("the fake learning from a client's traffic through the proxy", () => {
  it("takes production's timings, pixel size and refusal from the proxy's recording, and then behaves so", async () => {
    const recordings = join(work, "recordings");
    const proxy = await proxyTo(target.url, ["--record", recordings]);
    await Promise.all([generate(proxy.url), generate(proxy.url), generate(proxy.url)]);
    const refused = await call(proxy.url, "POST", `${BASE_PATH}/v1/image2/images`, {
      headers,
      body: JSON.stringify({ ...REQUEST, quality: "ultra" }),
    });
    expect(refused.status).toBe(422);
    // The client broke a documented rule (quality "ultra"): the verdict failed.
    expect(await proxy.stop("SIGTERM")).toBe(1);
    expect((await readdir(recordings)).length).toBeGreaterThan(9);

    // A copy of the built package, so the import rewrites its fixtures and not the project's.
    const app = join(work, "app");
    await cp(join(ROOT, "dist"), join(app, "dist"), { recursive: true });
    await cp(join(ROOT, "package.json"), join(app, "package.json"));
    await symlink(join(ROOT, "node_modules"), join(app, "node_modules"), "dir");
    const fixtures = join(app, "dist/fixtures/assumed");
    const imported = await run([
      join(ROOT, "node_modules/tsx/dist/cli.mjs"),
      join(ROOT, "contract/fixtures-import-cli.ts"),
      recordings,
      "--fixtures",
      fixtures,
    ]);
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toContain("error invalid_request: HTTP 422 (1 of 1 exchanges agree)");
    expect(imported.stdout).toContain(
      `pixel size 4:3 at 1k: ${assumedPixelSizesFixture.sizes["4:3"]["1k"]} → 1200x900 (3 images)`,
    );
    expect(imported.stdout).toMatch(
      /time queued, medium at 1k: 2000 → \d+ ms \(median of 3 tasks\)/,
    );
    expect(imported.stdout).toMatch(
      /time processing, medium at 1k: 20000 → \d+ ms \(median of 3 tasks\)/,
    );
    const learned = AssumedTimingsFixture.parse(
      JSON.parse(await readFile(join(fixtures, "timings.json"), "utf8")),
    ).timings.medium["1k"];
    // Polled every 100 ms: each change is placed within a poll of where it happened.
    expect(Math.abs(learned.queued_ms - PRODUCTION.queuedMs)).toBeLessThan(300);
    expect(Math.abs(learned.processing_ms - PRODUCTION.processingMs)).toBeLessThan(300);
    expect(learned.median_of_tasks).toEqual({ queued_ms: 3, processing_ms: 3 });
    expect(assumedTimingsFixture.timings.medium["1k"]).toMatchObject({
      queued_ms: 2000,
      processing_ms: 20000,
    });

    // The fake built with those fixtures, on its realistic profile.
    const fake = runProcess(process.execPath, [
      join(app, "dist/server/bin.js"),
      "serve",
      "--port",
      "0",
      "--clock",
      "manual",
    ]);
    try {
      const url = await fake.listening;
      const created = json(
        (await call(url, "POST", "/v1/image2/images", { headers, body: JSON.stringify(REQUEST) }))
          .body,
      );
      const task = json((await call(url, "GET", `/__fake/tasks/${created.id}`)).body);
      // As every duration a task id holds: to two or three significant digits.
      expect(task).toMatchObject({
        queuedMs: roundMs(learned.queued_ms),
        processingMs: roundMs(learned.processing_ms),
      });
      const advance = JSON.stringify({
        advanceMs: roundMs(learned.queued_ms) + roundMs(learned.processing_ms),
      });
      await call(url, "POST", "/__fake/clock", {
        headers: { "Content-Type": "application/json" },
        body: advance,
      });
      const done = json((await call(url, "GET", `/v1/result/${created.id}`, { headers })).body);
      expect(done.status).toBe("completed");
      const image = await call(url, "GET", new URL(String(done.image_url)).pathname);
      expect(imageInfo(image.body)).toMatchObject({ format: "png", width: 1200, height: 900 });
      const invalid = await call(url, "POST", "/v1/image2/images", {
        headers,
        body: JSON.stringify({ ...REQUEST, quality: "ultra" }),
      });
      expect(invalid.status).toBe(422);
      expect(json(invalid.body)).toMatchObject(REFUSAL);
    } finally {
      await fake.stop("SIGTERM");
    }
  });
});
