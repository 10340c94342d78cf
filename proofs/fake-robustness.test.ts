/**
 * Property-based tests over the fake's whole HTTP surface: whatever arrives, the fake answers
 * below 500 with a JSON error body, and still serves afterwards.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { minimalRequest } from "../contract/request-cases.js";
import { Model, Quality, Ratio, Resolution, Size } from "../contract/schemas.js";
import { createFakeApp } from "../server/http/app.js";
import { MAX_BODY_BYTES } from "../server/http/request-input.js";

const RUNS = 10_000;
const ORIGIN = "http://fake.test";

const anyValue = fc.oneof(
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 20 }),
  fc.jsonValue({ maxDepth: 3 }),
);
const documented = [
  ...Model.options,
  ...Quality.options,
  ...Ratio.options,
  ...Resolution.options,
  ...Size.options,
];
const fieldValue = fc.oneof(fc.constantFrom(...documented), anyValue);

/** Bodies near the create request: documented fields with documented values, or anything. */
const createLike = fc.record(
  {
    model: fieldValue,
    prompt: fc.oneof(fc.string(), anyValue),
    quality: fieldValue,
    ratio: fieldValue,
    resolution: fieldValue,
    size: fieldValue,
    image_urls: fc.oneof(fc.array(fc.webUrl(), { maxLength: 20 }), anyValue),
    extra: anyValue,
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  { weight: 5, arbitrary: createLike.map((value) => JSON.stringify(value)) },
  { weight: 2, arbitrary: fc.jsonValue().map((value) => JSON.stringify(value)) },
  { weight: 1, arbitrary: fc.string() },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
  // Invalid UTF-8 inside otherwise valid JSON punctuation.
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 50 })
      .map((bytes) =>
        Buffer.concat([
          Buffer.from('{"prompt":"'),
          Buffer.from([0xc3, 0x28, ...bytes]),
          Buffer.from('"}'),
        ]),
      ),
  },
  // Deep nesting, up to 100,000 levels.
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: 100_000 })
      .map((depth) => `${"[".repeat(depth)}${"]".repeat(depth)}`),
  },
  // Huge fields, around the 1 MiB limit.
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: MAX_BODY_BYTES - 1000, max: MAX_BODY_BYTES + 1000 })
      .map((size) =>
        JSON.stringify({ ...minimalRequest("gpt-image-2"), prompt: "x".repeat(size) }),
      ),
  },
);

const segment = fc.oneof(
  fc.constantFrom(
    "v1",
    "image2",
    "images",
    "result",
    "__fake",
    "tasks",
    "kyyReactApiServer",
    "image_00000000-0000-4000-8000-000000000000",
    "..",
    "%00",
    "%ZZ",
  ),
  fc.webSegment(),
);
const path = fc.oneof(
  fc.constantFrom(
    "/v1/image2/images",
    "/kyyReactApiServer/v1/image2/images",
    "/v1/result/",
    "/__fake/next-tasks",
    "/__fake/faults",
    "/__fake/clock",
    "/__fake/reset",
    "/images/",
  ),
  fc.array(segment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join("/")}`),
  fc
    .tuple(fc.constantFrom("/v1/result/", "/images/", "/__fake/tasks/"), fc.webSegment())
    .map(([prefix, tail]) => prefix + tail),
);

const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/);
const headerValue = fc.stringMatching(/^[\x20-\x7e]{0,80}$/).map((value) => value.trim());
const headers = fc.record(
  {
    authorization: fc.oneof(fc.constant("Bearer sk-robust"), fc.constant("Bearer "), headerValue),
    "content-type": fc.oneof(
      fc.constantFrom(
        "application/json",
        "application/json; charset=UTF-8",
        "text/plain",
        "multipart/form-data",
      ),
      headerValue,
    ),
    "x-fake-outcome": fc.oneof(fc.constantFrom("completed", "failed"), headerValue),
    "x-fake-queued-ms": fc.oneof(fc.nat().map(String), headerValue),
    extra: fc.tuple(token, headerValue),
  },
  { requiredKeys: [] },
);

const method = fc
  .oneof(
    fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"),
    fc.stringMatching(/^[A-Z]{1,8}$/),
  )
  .filter((name) => !["CONNECT", "TRACE", "TRACK"].includes(name));

describe("the fake under arbitrary requests", () => {
  it(`answers ${RUNS} arbitrary requests below 500, errors always in JSON, and still serves`, async () => {
    const app = createFakeApp({
      clock: "manual",
      profile: "instant",
      seed: "robust",
      selfCheck: true,
    });
    await fc.assert(
      fc.asyncProperty(method, path, headers, body, async (verb, target, headerSet, payload) => {
        const { extra, ...named } = headerSet;
        const init: RequestInit = {
          method: verb,
          headers: { ...named, ...(extra && { [`x-${extra[0]}`]: extra[1] }) },
          ...(verb !== "GET" && verb !== "HEAD" && { body: payload }),
        };
        const res = await app.fetch(new Request(ORIGIN + target, init));
        const text = await res.text();
        expect(res.status, `${verb} ${target} -> ${res.status} ${text.slice(0, 200)}`).toBeLessThan(
          500,
        );
        if (res.status >= 400 && verb !== "HEAD") {
          expect(res.headers.get("content-type"), `${verb} ${target}`).toMatch(/json/);
          expect(typeof JSON.parse(text), `${verb} ${target}: ${text.slice(0, 200)}`).toBe(
            "object",
          );
        }
      }),
      { numRuns: RUNS, seed: 20261128 },
    );
    const created = await app.request("/v1/image2/images", {
      method: "POST",
      headers: { Authorization: "Bearer sk-after", "Content-Type": "application/json" },
      body: JSON.stringify(minimalRequest("gpt-image-2")),
    });
    expect(created.status).toBe(200);
  }, 120_000);
});
