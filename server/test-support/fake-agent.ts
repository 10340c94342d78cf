import { getRequestListener } from "@hono/node-server";
import request from "supertest";
import type { ErrorKind } from "../../contract/assumed-schemas.js";
import { assumedErrorsFixture } from "../../contract/fixtures.js";
import { minimalRequest } from "../../contract/request-cases.js";
import type { Model } from "../../contract/schemas.js";
import type { FakeOptionsInput } from "../core/options.js";
import { createFakeApp, type FakeApp } from "../http/app.js";

/** The status the fake answers for an error kind: whatever fixtures/assumed/errors.json says. */
export const statusOf = (kind: ErrorKind) => assumedErrorsFixture.errors[kind].status;

export const KEY = "sk-test-0123456789abcdef";
export const AUTH = { Authorization: `Bearer ${KEY}` };

/** A fake on a manual clock with supertest driving it through Node's HTTP stack. */
export function fakeWithAgent(options: FakeOptionsInput = {}) {
  const app: FakeApp = createFakeApp({
    clock: "manual",
    seed: "test",
    selfCheck: true,
    ...options,
  });
  const agent = request(getRequestListener(app.fetch));
  const create = (
    body: unknown = minimalRequest("gpt-image-2"),
    headers: Record<string, string> = {},
  ) =>
    agent
      .post("/v1/image2/images")
      .set(AUTH)
      .set("Content-Type", "application/json")
      .set(headers)
      .send(JSON.stringify(body));
  const result = (id: string) => agent.get(`/v1/result/${id}`).set(AUTH);
  return { app, fake: app.fake, agent, create, result };
}

export const requestFor = (model: Model, extra: Record<string, unknown> = {}) => ({
  ...minimalRequest(model),
  ...extra,
});
