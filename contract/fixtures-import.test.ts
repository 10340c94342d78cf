import { describe, expect, it } from "vitest";
import { assumedError } from "./assumed-errors.js";
import { AssumedErrorsFixture } from "./assumed-schemas.js";
import { assumedErrorsFixture } from "./fixtures.js";
import { importErrors } from "./fixtures-import.js";
import type { Recording } from "./recording.js";

let seq = 0;
const recording = (label: string, path: string, status: number, body: unknown): Recording => ({
  seq: ++seq,
  label,
  request: {
    method: "POST",
    url: `https://api.example.com/base${path}`,
    headers: { Authorization: "Bearer [redacted]" },
  },
  response: { status, headers: { "content-type": "application/json" }, body },
  durationMs: 12,
});

describe("importing recorded errors", () => {
  const envelope = { code: "10001", msg: "参数错误", data: null };
  const recordings = [
    recording("invalid_request", "/v1/image2/images", 200, envelope),
    recording("invalid_request", "/v1/image2/images", 200, envelope),
    recording("unauthorized", "/v1/image2/images", 401, {
      code: 401,
      msg: "missing key",
      data: null,
    }),
    recording("unauthorized", "/v1/image2/images", 401, {
      code: 401,
      msg: "unknown key",
      data: null,
    }),
    recording("invalid_request", "/v1/image2/images", 400, { code: 400, msg: "bad", data: null }),
    recording("route_not_found", "/v1/image2/nope", 404, {
      status: 404,
      error: "Not Found",
      message: "No handler",
      path: "/base/v1/image2/nope",
    }),
    // A rejection probe that created a task is no error answer: it is left out.
    recording("malformed_json", "/v1/image2/images", 200, {
      id: "image_fd35ee52-2a98-44a6-b930-29a88ce9b8fd",
      object: "image",
      created: 1774836724,
      model: "gpt-image-2",
      status: "queued",
      error: null,
    }),
    recording("task_not_found", "/v1/result/image_x", 500, "<html>oops</html>"),
  ];
  const outcome = importErrors(recordings, assumedErrorsFixture, "2026-11-28");

  it("takes the answer most exchanges agree on", () => {
    expect(outcome.fixture.errors.invalid_request).toEqual({ status: 200, body: envelope });
    expect(outcome.imported).toContainEqual({
      kind: "invalid_request",
      status: 200,
      seen: 2,
      of: 3,
    });
  });

  it("turns the request's own path back into a placeholder", () => {
    const { body } = assumedError(
      "route_not_found",
      { message: "", path: "/elsewhere" },
      outcome.fixture,
    );
    expect(body).toMatchObject({ path: "/elsewhere", message: "No handler" });
  });

  it("makes a message that differs between answers of one shape the fake's own message", () => {
    expect(outcome.fixture.errors.unauthorized).toEqual({
      status: 401,
      body: { code: 401, msg: "{message}", data: null },
    });
    expect(outcome.imported).toContainEqual({ kind: "unauthorized", status: 401, seen: 2, of: 2 });
  });

  it("keeps the assumption where the recording probed nothing", () => {
    expect(outcome.fixture.errors.payload_too_large).toEqual(
      assumedErrorsFixture.errors.payload_too_large,
    );
    expect(outcome.kept).toEqual(expect.arrayContaining(["payload_too_large", "rate_limited"]));
  });

  it("refuses a body that is no error shape it knows, saying why", () => {
    expect(outcome.unusable).toEqual([
      { kind: "task_not_found", reason: expect.stringContaining("neither") },
    ]);
    expect(outcome.fixture.errors.task_not_found).toEqual(
      assumedErrorsFixture.errors.task_not_found,
    );
  });

  it("writes a fixture the fake can load, saying where it came from", () => {
    expect(AssumedErrorsFixture.parse(outcome.fixture).source).toMatch(
      /^Recorded from api\.example\.com on 2026-11-28/,
    );
  });
});
