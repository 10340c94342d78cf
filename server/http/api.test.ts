import { describe, expect, it, vi } from "vitest";
import { AssumedEnvelopeError, AssumedSpringError } from "../../contract/assumed-schemas.js";
import { seedFixtures } from "../../contract/fixtures.js";
import {
  invalidCreateRequests,
  minimalRequest,
  validCreateRequests,
} from "../../contract/request-cases.js";
import { BASE_PATH } from "../../contract/routes.js";
import { CreateImageResponse, TaskResult } from "../../contract/schemas.js";
import { AUTH, fakeWithAgent, KEY, statusOf } from "../test-support/fake-agent.js";
import { createFakeApp } from "./app.js";
import { MAX_BODY_BYTES } from "./request-input.js";

describe("create", () => {
  const { create } = fakeWithAgent({ profile: "fast" });

  it.each(validCreateRequests().map((c) => [c.name, c.body] as const))(
    "accepts %s",
    async (_, body) => {
      const res = await create(body);
      expect(res.status).toBe(200);
      expect(CreateImageResponse.parse(res.body).model).toBe((body as { model: string }).model);
    },
  );

  it.each(invalidCreateRequests().map((c) => [c.name, c.field, c.body] as const))(
    "rejects %s with 400 naming '%s'",
    async (_, field, body) => {
      const res = await create(body);
      expect(res.status).toBe(statusOf("invalid_request"));
      expect(AssumedEnvelopeError.parse(res.body).msg).toMatch(/^Invalid request body: /);
      const paths = (res.body.issues as { path: string }[]).map(
        (issue) => issue.path.split(".")[0],
      );
      expect(paths).toContain(field === "" ? "(body)" : field);
    },
  );

  it("answers the seed's own request with a queued task", async () => {
    const res = await create(seedFixtures.createRequest);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      object: "image",
      model: "gpt-image-2",
      status: "queued",
      error: null,
    });
  });

  it("lists every problem of a body at once, saying what is allowed", async () => {
    const res = await create({
      model: "gpt-image-2",
      prompt: "",
      quality: "ultra",
      image_urls: ["x"],
    });
    expect(res.body.issues).toEqual([
      { path: "prompt", code: "too_small", message: "must not be empty" },
      {
        path: "quality",
        code: "invalid_value",
        message: expect.stringContaining('"low"|"medium"|"high"'),
      },
      {
        path: "image_urls.0",
        code: "invalid_format",
        message: expect.stringMatching(/^must be an absolute http:\/\/ or https:\/\/ URL/),
      },
    ]);
  });

  it("ignores fields it does not know (assumed)", async () => {
    const res = await create({ ...minimalRequest("gpt-image-2"), n: 4, style: "vivid" });
    expect(res.status).toBe(200);
  });
});

// Statuses and bodies come from fixtures/assumed/errors.json (the fake's assumption, or production's
// answers once imported), so these tests hold whatever that file says.
describe("request-level errors", () => {
  const { agent, create, result } = fakeWithAgent();

  it("rejects a request without a bearer key, with a wrong scheme, or with an empty key", async () => {
    for (const authorization of [undefined, `Basic ${KEY}`, "Bearer ", KEY]) {
      const req = agent.post("/v1/image2/images").send(minimalRequest("gpt-image-2"));
      const res = await (authorization === undefined
        ? req
        : req.set("Authorization", authorization));
      expect(res.status, String(authorization)).toBe(statusOf("unauthorized"));
      expect(res.headers["www-authenticate"]).toBe("Bearer");
      expect(AssumedEnvelopeError.parse(res.body).msg).toMatch(/Authorization|Bearer/);
    }
  });

  it("rejects a key it was not told to accept, asking for a bearer key", async () => {
    const only = fakeWithAgent({ apiKeys: ["sk-right"] });
    const wrong = await only.create();
    expect(wrong.status).toBe(statusOf("unauthorized"));
    expect(wrong.headers["www-authenticate"]).toBe("Bearer");
    expect(
      (await only.result("image_fd35ee52-2a98-44a6-b930-29a88ce9b8fd")).headers["www-authenticate"],
    ).toBe("Bearer");
    expect((await only.create(undefined, { Authorization: "Bearer sk-right" })).status).toBe(200);
  });

  it("checks a key against each fake's own keys, whichever fake read it last", async () => {
    const strict = fakeWithAgent({ apiKeys: ["sk-right"] });
    const open = fakeWithAgent();
    const asKey = (fake: typeof open, key: string) =>
      fake.create(undefined, { Authorization: `Bearer ${key}` });
    for (const key of ["sk-wrong", "sk-right", "sk-wrong"]) {
      expect((await asKey(open, key)).status, `any fake, ${key}`).toBe(200);
      const strictStatus = key === "sk-right" ? 200 : statusOf("unauthorized");
      expect((await asKey(strict, key)).status, `strict fake, ${key}`).toBe(strictStatus);
      expect((await asKey(strict, key)).status, `strict fake again, ${key}`).toBe(strictStatus);
      expect((await asKey(open, key)).status, `any fake again, ${key}`).toBe(200);
    }
  });

  it("rejects malformed JSON, with the parser's reason", async () => {
    const res = await agent
      .post("/v1/image2/images")
      .set(AUTH)
      .set("Content-Type", "application/json")
      .send('{"model": ');
    expect(res.status).toBe(statusOf("malformed_json"));
    expect(res.body.msg).toMatch(/^The body is not valid JSON: /);
  });

  it("rejects an empty body and a body that is not UTF-8", async () => {
    for (const body of ["", Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]) {
      const res = await agent
        .post("/v1/image2/images")
        .set(AUTH)
        .set("Content-Type", "application/json")
        .send(body);
      expect(res.status).toBe(statusOf("malformed_json"));
    }
  });

  it("rejects a content type other than JSON, and accepts a charset", async () => {
    const body = JSON.stringify(minimalRequest("gpt-image-2"));
    const post = (type: string) =>
      agent.post("/v1/image2/images").set(AUTH).set("Content-Type", type).send(body);
    expect((await post("text/plain")).status).toBe(statusOf("unsupported_media_type"));
    expect((await post("application/x-www-form-urlencoded")).status).toBe(
      statusOf("unsupported_media_type"),
    );
    expect((await post("application/json;charset=UTF-8")).status).toBe(200);
  });

  it("rejects a body over 1 MiB, closing the connection, and accepts one of exactly 1 MiB", async () => {
    const padded = (bytes: number) => {
      const base = JSON.stringify({ ...minimalRequest("gpt-image-2"), prompt: "" });
      return JSON.stringify({
        ...minimalRequest("gpt-image-2"),
        prompt: "x".repeat(bytes - base.length),
      });
    };
    const post = (body: string) =>
      agent.post("/v1/image2/images").set(AUTH).set("Content-Type", "application/json").send(body);
    const tooLarge = await post(padded(MAX_BODY_BYTES + 1));
    expect(tooLarge.status).toBe(statusOf("payload_too_large"));
    // The unread rest of the body must not be taken for the next request on the connection.
    expect(tooLarge.headers.connection).toBe("close");
    expect((await post(padded(MAX_BODY_BYTES))).status).toBe(200);
  });

  it("reads a create's declared body through app.fetch alone, with no Node bindings", async () => {
    const app = createFakeApp({ clock: "manual" });
    const body = JSON.stringify(minimalRequest("gpt-image-2"));
    // As a wrapper that copies a Node request's headers sends it on: Content-Length included.
    const res = await app.fetch(
      new Request("http://fake.test/v1/image2/images", {
        method: "POST",
        headers: {
          ...AUTH,
          "Content-Type": "application/json",
          "Content-Length": String(body.length),
        },
        body,
      }),
    );
    expect(res.status).toBe(200);
    expect(app.fake.requests()).toMatchObject([{ status: 200, route: "createImageTask" }]);
  });

  it("journals a body its client stopped sending as aborted, quietly", async () => {
    const app = createFakeApp({ clock: "manual" });
    const errors = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"model": "gpt-'));
        controller.error(new Error("socket hang up"));
      },
    });
    await app.request("/v1/image2/images", {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    expect(app.fake.requests()).toMatchObject([
      { method: "POST", route: "createImageTask", status: 0, outcome: "aborted" },
    ]);
  });

  it("answers an unknown task id, and another key's task, as not found", async () => {
    expect((await result("image_00000000-0000-4000-8000-000000000000")).status).toBe(
      statusOf("task_not_found"),
    );
    expect((await result("not-an-id")).status).toBe(statusOf("task_not_found"));
    const { id } = (await create()).body;
    const asOther = () =>
      agent.get(`/v1/result/${id}`).set("Authorization", "Bearer sk-someone-else");
    // Keys taking turns: the key read from one request is never the next request's.
    expect((await asOther()).status).toBe(statusOf("task_not_found"));
    expect((await result(id)).status).toBe(200);
    expect((await asOther()).status).toBe(statusOf("task_not_found"));
    expect((await result(id)).status).toBe(200);
  });

  it("answers an unknown route as not found", async () => {
    const res = await agent.get("/v1/image2/edits").set(AUTH);
    expect(res.status).toBe(statusOf("route_not_found"));
    expect(AssumedSpringError.parse(res.body).message).toBe(
      "No handler found for GET /v1/image2/edits",
    );
  });

  it("answers a known route with a wrong method as not allowed, with Allow", async () => {
    const wrong = await agent.get("/v1/image2/images").set(AUTH);
    expect(wrong.status).toBe(statusOf("method_not_allowed"));
    expect(wrong.headers.allow).toBe("POST");
    const wrongResult = await agent
      .delete("/v1/result/image_00000000-0000-4000-8000-000000000000")
      .set(AUTH);
    expect(wrongResult.status).toBe(statusOf("method_not_allowed"));
    expect(wrongResult.headers.allow).toBe("GET");
  });
});

describe("base path", () => {
  it("serves the API under production's base path as well as at the root", async () => {
    const { agent } = fakeWithAgent();
    const created = await agent
      .post(`${BASE_PATH}/v1/image2/images`)
      .set(AUTH)
      .send(minimalRequest("gpt-image-2-r"));
    expect(created.status).toBe(200);
    const viaRoot = await agent.get(`/v1/result/${created.body.id}`).set(AUTH);
    const viaBase = await agent.get(`${BASE_PATH}/v1/result/${created.body.id}`).set(AUTH);
    expect(TaskResult.parse(viaBase.body)).toEqual(TaskResult.parse(viaRoot.body));
  });
});
