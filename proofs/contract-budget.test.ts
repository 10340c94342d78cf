/**
 * Proof that the budget (CONTRACT_MAX_TASKS) is a cap whatever a target answers, counted on the
 * server side, and that a 3-task budget, the nightly setting, still catches a break of each
 * documented limit: the creates it spends cover them all.
 */
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { seedFixtures } from "../contract/fixtures.js";
import { type Json, onRoute, type Wrapper } from "./stand-ins.js";
import { failures, KEY, runAgainst } from "./suite-runner.js";

const BUDGET = { CONTRACT_MAX_TASKS: "3" };

/** Create answers that are neither a task nor a recognisable rejection. */
const GARBAGE: { name: string; answer: () => Response }[] = [
  {
    name: "HTTP 200 and a task whose id is img-<uuid>",
    answer: () =>
      Response.json({
        id: `img-${randomUUID()}`,
        object: "image",
        created: 1774836724,
        model: "gpt-image-2",
        status: "queued",
        error: null,
      }),
  },
  { name: "HTTP 200 and {}", answer: () => Response.json({}) },
  {
    name: "HTTP 200 and an HTML page",
    answer: () =>
      new Response("<!doctype html><title>OK</title>", {
        headers: { "Content-Type": "text/html" },
      }),
  },
  {
    name: "HTTP 200 and a task wrapped in a success envelope",
    answer: () => Response.json({ code: 0, msg: "ok", data: { id: `image_${randomUUID()}` } }),
  },
  { name: "HTTP 502", answer: () => Response.json({ message: "Bad Gateway" }, { status: 502 }) },
];

describe("the budget against a target whose create answers are never recognisable", () => {
  it.concurrent.for(GARBAGE.map((g) => [g.name, g] as const))(
    "sends at most 3 creates to one answering every create with %s, and fails the run",
    async ([, garbage]) => {
      const run = await runAgainst(
        {
          name: garbage.name,
          replace: (r, e) => (r && e.route === "create" ? garbage.answer() : undefined),
        },
        BUDGET,
      );
      expect(run.server.seen.creates, "creates the server received").toBeLessThanOrEqual(3);
      expect(run.exitCode).not.toBe(0);
      expect(run.output).toContain("[contract] FAILED");
      expect(run.output).toMatch(
        /budget: 3 places used of at most 3 .*the target confirmed 0 tasks/,
      );
    },
  );

  it.concurrent.for(GARBAGE.map((g) => [g.name, g] as const))(
    "makes at most 3 tasks on one answering each task it makes with %s, failing the valid creates",
    async ([, garbage]) => {
      const run = await runAgainst(
        {
          name: garbage.name,
          replace: (r, e) =>
            r && e.route === "create" && r.status === 200 ? garbage.answer() : undefined,
        },
        BUDGET,
      );
      expect(run.tasks, "tasks the server made").toBeLessThanOrEqual(3);
      // A create the docs call valid, answered so, fails rather than being skipped for the budget.
      const valid = run.failed.filter((f) => f.title.startsWith("accepts "));
      expect(valid.length, failures(run)).toBe(3);
      for (const f of valid)
        expect(f.messages.join("\n")).toMatch(
          /a valid create is answered HTTP 200|breaks the documented shape/,
        );
    },
  );
});

const isModel = (model: string) => (b: Json) => b.model === model;

/** Each refuses one documented limit (by turning it into an invalid request for the fake). */
const LIMITS: { name: string; when: (b: Json) => boolean; change: (b: Json) => Json }[] = [
  {
    name: "gpt-image-2 refuses 6 reference images",
    when: (b) =>
      isModel("gpt-image-2")(b) && Array.isArray(b.image_urls) && b.image_urls.length === 6,
    change: (b) => ({
      ...b,
      image_urls: [...(b.image_urls as string[]), "https://example.com/x.png"],
    }),
  },
  {
    name: "gpt-image-2-r refuses 16 reference images",
    when: (b) =>
      isModel("gpt-image-2-r")(b) && Array.isArray(b.image_urls) && b.image_urls.length === 16,
    change: (b) => ({ ...b, image_urls: "too many" }),
  },
  {
    name: "gpt-image-2 refuses size 3840x2160",
    when: (b) => b.size === "3840x2160",
    change: (b) => ({ ...b, size: "refused" }),
  },
  {
    name: "gpt-image-2 refuses resolution 4k",
    when: (b) => isModel("gpt-image-2")(b) && b.resolution === "4k",
    change: (b) => ({ ...b, resolution: "refused" }),
  },
  {
    name: "either model refuses ratio 21:9",
    when: (b) => b.ratio === "21:9",
    change: (b) => ({ ...b, ratio: "refused" }),
  },
  {
    name: "either model refuses ratio 9:21",
    when: (b) => b.ratio === "9:21",
    change: (b) => ({ ...b, ratio: "refused" }),
  },
  {
    name: "gpt-image-2-r refuses quality",
    when: (b) => isModel("gpt-image-2-r")(b) && b.quality !== undefined,
    change: (b) => ({ ...b, quality: "refused" }),
  },
  {
    name: "gpt-image-2-r refuses a 1k size",
    when: (b) => isModel("gpt-image-2-r")(b) && b.size !== undefined,
    change: (b) => ({ ...b, size: "refused" }),
  },
  {
    name: "the provider's example request is refused",
    when: (b) => b.prompt === seedFixtures.createRequest.prompt,
    change: (b) => ({ ...b, prompt: "" }),
  },
];

const BROKEN_UNDER_BUDGET: Wrapper[] = [
  ...LIMITS.map(
    (limit): Wrapper => ({
      name: limit.name,
      requestBody: (b) => (limit.when(b) ? limit.change(b) : b),
    }),
  ),
  {
    name: "polls are answered without a bearer key",
    requestHeaders: (h, e) => {
      if (e.route === "result" && !h.has("authorization")) h.set("authorization", `Bearer ${KEY}`);
    },
  },
  {
    name: "the result of a gpt-image-2-r task reports gpt-image-2",
    json: onRoute("result", (b) => ({ ...b, model: "gpt-image-2" })),
  },
];

describe("a 3-task budget spends its creates on the documented limits", () => {
  it.concurrent.for(BROKEN_UNDER_BUDGET.map((w) => [w.name, w] as const))(
    "catches a server where %s",
    async ([, wrapper]) => {
      const run = await runAgainst(wrapper, BUDGET);
      expect(run.exitCode, run.output.slice(-2000)).not.toBe(0);
      expect(run.tasks, "tasks the server made").toBeLessThanOrEqual(3);
      const caught = run.failed.filter((f) =>
        /^accepts (gpt-image-2(-r)? at its documented limits|the provider's example request)/.test(
          f.title,
        ),
      );
      expect(caught, failures(run)).not.toEqual([]);
    },
  );
});
