/**
 * Replicas: fakes started with the same seed answer each other's task ids, with no shared store,
 * so any load balancer in front of them serves one logical fake. Real processes on loopback.
 */
import { describe, expect, it } from "vitest";
import { imageInfo } from "../contract/image-size.js";
import { minimalRequest } from "../contract/request-cases.js";
import { TaskResult } from "../contract/schemas.js";
import { DEFAULT_FAILURE_ERROR } from "../server/core/task-planner.js";
import { runCli } from "../server/test-support/cli-process.js";
import { statusOf } from "../server/test-support/fake-agent.js";

const KEY = "sk-replica-5d2f";
const headers = { Authorization: `Bearer ${KEY}`, "Content-Type": "application/json" };
const DAY_MS = 24 * 60 * 60 * 1000;

async function replica(seed: string) {
  const fake = runCli(["serve", "--port", "0", "--clock", "manual", "--seed", seed]);
  const url = await fake.listening;
  const control = async (path: string, body?: unknown) =>
    (await fetch(`${url}/__fake${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers,
      ...(body !== undefined && { body: JSON.stringify(body) }),
    }).then((res) => res.json())) as Record<string, unknown>;
  return {
    url,
    now: async () => ((await control("/clock")) as { now: number }).now,
    /** Moves this replica's manual clock to `at` (never backwards). */
    async moveTo(at: number) {
      const now = await this.now();
      if (at > now) await control("/clock", { advanceMs: at - now });
    },
    create: (extra: Record<string, string> = {}, body: unknown = minimalRequest("gpt-image-2")) =>
      fetch(`${url}/v1/image2/images`, {
        method: "POST",
        headers: { ...headers, ...extra },
        body: JSON.stringify(body),
      }).then(async (res) => ({ status: res.status, body: (await res.json()) as { id: string } })),
    poll: (id: string, key = KEY) =>
      fetch(`${url}/v1/result/${id}`, { headers: { Authorization: `Bearer ${key}` } }).then(
        async (res) => ({
          status: res.status,
          body: (await res.json()) as Record<string, unknown>,
        }),
      ),
    createdMs: async (id: string) =>
      ((await control(`/tasks/${id}`)) as { createdMs: number }).createdMs,
  };
}

describe("replicas with the same seed", () => {
  it("answer each other's ids: status, image_url, the image, and its expiry", async () => {
    // The reader starts first, so its manual clock is behind the creator's and can be moved to
    // exactly the moments that matter.
    const reader = await replica("shared-seed");
    const creator = await replica("shared-seed");
    const { id } = (
      await creator.create({}, { ...minimalRequest("gpt-image-2"), size: "2048x1152" })
    ).body;
    const createdMs = await creator.createdMs(id);

    await reader.moveTo(createdMs + 60_000);
    const done = await reader.poll(id);
    expect(done.status).toBe(200);
    const result = TaskResult.parse(done.body);
    if (result.status !== "completed") throw new Error(`expected completed, got ${result.status}`);
    expect(result.id).toBe(id);
    expect(new URL(result.image_url).origin).toBe(reader.url);
    const image = await fetch(result.image_url);
    expect(imageInfo(new Uint8Array(await image.arrayBuffer()))).toMatchObject({
      width: 2048,
      height: 1152,
    });
    // The same image from the creator, once its own clock has moved past completion.
    await creator.moveTo(createdMs + 60_000);
    const fromCreator = await fetch(result.image_url.replace(reader.url, creator.url));
    expect(fromCreator.status).toBe(200);

    await reader.moveTo(createdMs + 60_000 + DAY_MS);
    const expired = await fetch(result.image_url);
    expect(expired.status).toBe(404);
    expect(((await expired.json()) as { message: string }).message).toMatch(/expired/);
    expect((await reader.poll(id)).body).toMatchObject({ status: "completed", id });
    expect((await reader.poll(id, "sk-someone-else")).status).toBe(statusOf("task_not_found"));
  });

  it("follow the x-fake headers a task was created with, to the rounding the id holds", async () => {
    const reader = await replica("steered");
    const creator = await replica("steered");
    const { id } = (
      await creator.create({
        "x-fake-queued-ms": "0",
        "x-fake-processing-ms": "1234",
        "x-fake-outcome": "failed",
        "x-fake-error": "moderation: blocked",
      })
    ).body;
    const createdMs = await creator.createdMs(id);
    await reader.moveTo(createdMs + 1229);
    expect((await reader.poll(id)).body.status).toBe("processing");
    await reader.moveTo(createdMs + 1230);
    // The error text stays with the process that was given it: the reader has never seen it.
    expect((await reader.poll(id)).body).toMatchObject({
      status: "failed",
      error: DEFAULT_FAILURE_ERROR,
    });
    await creator.moveTo(createdMs + 1230);
    expect((await creator.poll(id)).body).toMatchObject({
      status: "failed",
      error: "moderation: blocked",
    });
  });
});

describe("fakes with different seeds", () => {
  it("answer each other's ids as unknown", async () => {
    const creator = await replica("one seed");
    const other = await replica("another seed");
    const { id } = (await creator.create()).body;
    await other.moveTo((await creator.now()) + 60_000);
    expect((await other.poll(id)).status).toBe(statusOf("task_not_found"));
    expect((await creator.poll(id)).status).toBe(200);
  });
});
