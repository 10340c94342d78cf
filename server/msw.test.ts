// The README's recipe for teams that already mock with MSW: the fake answers what MSW intercepts.
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { PRODUCTION_BASE_URL } from "../contract/routes.js";
import { createFakeApp } from "./http/app.js";

const fake = createFakeApp({ clock: "manual", profile: "fast" });
const server = setupServer(
  http.all(`${new URL(PRODUCTION_BASE_URL).origin}/*`, async ({ request }) => {
    const answer = await fake.fetch(request);
    return new HttpResponse(answer.body, { status: answer.status, headers: answer.headers });
  }),
);

beforeAll(() => server.listen({ onUnhandledRequest: "error" }));
afterAll(() => server.close());

it("serves production's URLs from the fake through MSW", async () => {
  const headers = { Authorization: "Bearer sk-msw", "Content-Type": "application/json" };
  const created = await fetch(`${PRODUCTION_BASE_URL}/v1/image2/images`, {
    method: "POST",
    headers,
    body: JSON.stringify({ model: "gpt-image-2", prompt: "a cat" }),
  });
  const { id } = (await created.json()) as { id: string };
  fake.fake.advance(1000);
  const result = (await (
    await fetch(`${PRODUCTION_BASE_URL}/v1/result/${id}`, { headers })
  ).json()) as { status: string; image_url: string };
  expect(result.status).toBe("completed");
  expect((await fetch(result.image_url)).headers.get("content-type")).toBe("image/png");
});
