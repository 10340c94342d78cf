import { describe, expect, it } from "vitest";
import { docsResultFixtures, seedFixtures } from "./fixtures.js";
import {
  invalidCreateRequests,
  limitCreateRequests,
  minimalRequest,
  undocumentedCreateRequests,
  validCreateRequests,
} from "./request-cases.js";
import {
  CreateImageRequest,
  CreateImageResponse,
  MODEL_LIMITS,
  Model,
  SIZE_RESOLUTION,
  sizesFor,
  TaskResult,
} from "./schemas.js";

describe("create request", () => {
  it.each(validCreateRequests().map((c) => [c.name, c.body] as const))("accepts %s", (_, body) => {
    expect(CreateImageRequest.safeParse(body).error?.issues).toBeUndefined();
  });

  it.each(invalidCreateRequests().map((c) => [c.name, c.field, c.body] as const))(
    "rejects %s, naming field '%s'",
    (_, field, body) => {
      const result = CreateImageRequest.safeParse(body);
      expect(result.success).toBe(false);
      const fields = result.error?.issues.map((issue) => String(issue.path[0] ?? "")) ?? [];
      expect(fields).toContain(field);
    },
  );

  it("generates cases for every model on both sides", () => {
    for (const model of Model.options) {
      expect(validCreateRequests().some((c) => c.model === model)).toBe(true);
      expect(invalidCreateRequests().some((c) => c.model === model)).toBe(true);
    }
  });

  it("names each case's model as the model its body asks for", () => {
    const cases = [...validCreateRequests(), ...limitCreateRequests(), ...invalidCreateRequests()];
    for (const c of cases) {
      const asked = (c.body as { model?: unknown } | null)?.model;
      expect(c.model, c.name).toBe(Model.safeParse(asked).success ? asked : undefined);
    }
  });

  it("reaches every documented limit of each model in the combined cases, all of them valid", () => {
    const cases = limitCreateRequests();
    for (const c of cases) expect(CreateImageRequest.safeParse(c.body).success, c.name).toBe(true);
    const bodies = cases.map((c) => CreateImageRequest.parse(c.body));
    for (const model of Model.options) {
      const own = bodies.filter((body) => body.model === model);
      const top = MODEL_LIMITS[model].maxResolution;
      expect(own.some((b) => b.image_urls.length === MODEL_LIMITS[model].maxReferenceImages)).toBe(
        true,
      );
      expect(own.every((b) => b.resolution === top || b === bodies[2])).toBe(true);
      for (const size of sizesFor(model).filter((s) => SIZE_RESOLUTION[s] === top)) {
        expect(
          own.map((b) => b.size),
          `${model} ${size}`,
        ).toContain(size);
      }
      for (const ratio of ["21:9", "9:21"]) expect(own.map((b) => b.ratio)).toContain(ratio);
    }
    expect(bodies[2]).toEqual(CreateImageRequest.parse(seedFixtures.createRequest));
    const firstThree = bodies.slice(0, 3);
    expect(firstThree.map((b) => b.model).sort()).toEqual([
      "gpt-image-2",
      "gpt-image-2",
      "gpt-image-2-r",
    ]);
    expect(firstThree.find((b) => b.model === "gpt-image-2-r")?.quality).not.toBe("low");
  });

  it("keeps requests the documentation leaves open out of both documented lists", () => {
    const documented = [...validCreateRequests(), ...invalidCreateRequests()].map((c) =>
      JSON.stringify(c.body),
    );
    const open = undocumentedCreateRequests();
    expect(open.length).toBeGreaterThan(0);
    for (const c of open) expect(documented, c.name).not.toContain(JSON.stringify(c.body));
  });

  it("fills in the documented defaults", () => {
    expect(CreateImageRequest.parse(minimalRequest("gpt-image-2"))).toMatchObject({
      quality: "low",
      ratio: "1:1",
      image_urls: [],
    });
  });

  it("takes more reference images for gpt-image-2-r than for gpt-image-2", () => {
    const urls = Array.from(
      { length: MODEL_LIMITS["gpt-image-2"].maxReferenceImages + 1 },
      (_, i) => `https://example.com/${i}.png`,
    );
    expect(
      CreateImageRequest.safeParse({ ...minimalRequest("gpt-image-2"), image_urls: urls }).success,
    ).toBe(false);
    expect(
      CreateImageRequest.safeParse({ ...minimalRequest("gpt-image-2-r"), image_urls: urls })
        .success,
    ).toBe(true);
  });

  it("lists every problem of a body at once", () => {
    const result = CreateImageRequest.safeParse({
      model: "gpt-image-2",
      prompt: "",
      quality: "ultra",
      image_urls: ["nope"],
    });
    expect(result.error?.issues.map((issue) => issue.path.join("."))).toEqual([
      "prompt",
      "quality",
      "image_urls.0",
    ]);
  });

  it("says what is allowed when a value is outside a documented set", () => {
    const result = CreateImageRequest.safeParse({
      ...minimalRequest("gpt-image-2-r"),
      resolution: "4k",
    });
    expect(result.error?.issues[0]?.message).toBe('must be "1k" for gpt-image-2-r');
  });

  it("parses the seed's request", () => {
    expect(CreateImageRequest.safeParse(seedFixtures.createRequest).success).toBe(true);
  });
});

describe("create response", () => {
  const seed = seedFixtures.createResponse;

  it("parses the seed's response", () => {
    expect(CreateImageResponse.parse(seed)).toEqual(seed);
  });

  it("accepts a task that is already processing, and extra fields", () => {
    expect(CreateImageResponse.safeParse({ ...seed, status: "processing", extra: 1 }).success).toBe(
      true,
    );
  });

  it.each([
    ["the result's object value", { object: "image.generation" }],
    ["a terminal status", { status: "completed" }],
    ["an error that is not null", { error: "boom" }],
    ["created in milliseconds", { created: seed.created * 1000 }],
    ["an id without the image_ prefix", { id: seed.id.replace("image_", "video_") }],
    ["an unknown model", { model: "gpt-image-1" }],
  ])("rejects %s", (_, change) => {
    expect(CreateImageResponse.safeParse({ ...seed, ...change }).success).toBe(false);
  });
});

describe("task result", () => {
  it.each(Object.entries(docsResultFixtures))("parses the documented %s body", (status, body) => {
    expect(TaskResult.parse(body).status).toBe(status);
  });

  it.each([
    ["a completed task without image_url", "completed", { image_url: undefined }],
    ["a completed task with a null image_url", "completed", { image_url: null }],
    ["a completed task with a relative image_url", "completed", { image_url: "/images/a.png" }],
    [
      "a completed task with an ftp image_url",
      "completed",
      { image_url: "ftp://example.com/a.png" },
    ],
    ["a failed task without error", "failed", { error: undefined }],
    ["a failed task whose error is not a string", "failed", { error: { code: 1 } }],
    ["a queued task with an image_url", "queued", { image_url: "https://example.com/a.png" }],
    ["a processing task with an error", "processing", { error: "boom" }],
    ["the create response's object value", "queued", { object: "image" }],
    ["an unknown status", "queued", { status: "running" }],
  ] as const)("rejects %s", (_, status, change) => {
    expect(TaskResult.safeParse({ ...docsResultFixtures[status], ...change }).success).toBe(false);
  });

  // The docs promise an image URL a client can fetch, not RFC 3986 characters: a provider's signed
  // URL with raw characters must not fail a run.
  it.each([
    "https://cdn.example/images/a|b.png?sig=x+y/z==",
    "https://cdn.example/images/a b.png",
    "http://127.0.0.1:4010/images/a.png",
  ])("accepts a completed task whose image_url is %s", (image_url) => {
    const body = { ...docsResultFixtures.completed, image_url };
    expect(TaskResult.safeParse(body).success).toBe(true);
  });

  it("accepts an image_url on another host with a signed query string", () => {
    const signed = "https://cdn.example.net/a/b.png?X-Amz-Signature=abc&X-Amz-Expires=86400";
    expect(
      TaskResult.safeParse({ ...docsResultFixtures.completed, image_url: signed }).success,
    ).toBe(true);
  });
});
