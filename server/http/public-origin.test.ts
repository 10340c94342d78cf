import { describe, expect, it } from "vitest";
import { minimalRequest } from "../../contract/request-cases.js";
import { AUTH, statusOf } from "../test-support/fake-agent.js";
import { createFakeApp } from "./app.js";
import { parseHost } from "./public-origin.js";

describe("parseHost", () => {
  it.each([
    ["fake.example", "fake.example", "fake.example"],
    ["Fake.Example:4010", "fake.example", "fake.example:4010"],
    ["127.0.0.1:80", "127.0.0.1", "127.0.0.1:80"],
    ["[::1]:4010", "::1", "[::1]:4010"],
    ["my_service", "my_service", "my_service"],
  ])("reads %s as a host", (value, hostname, authority) => {
    expect(parseHost(value)).toEqual({ hostname, authority });
  });

  it.each([
    "",
    "a b",
    "evil.example/path",
    "user@evil.example",
    "evil.example:99999",
    "evil.example:",
    "[::1",
    "[not-ipv6]:80",
    "evil.example:4010/x",
    'evil.example"><script>',
    "-leading.example",
    "x".repeat(300),
  ])("refuses %j", (value) => {
    expect(parseHost(value)).toBeUndefined();
  });
});

describe("image_url", () => {
  async function completedTask(app: ReturnType<typeof createFakeApp>) {
    const created = await app.request("/v1/image2/images", {
      method: "POST",
      headers: { ...AUTH, "Content-Type": "application/json" },
      body: JSON.stringify(minimalRequest("gpt-image-2")),
    });
    return ((await created.json()) as { id: string }).id;
  }
  const poll = async (app: ReturnType<typeof createFakeApp>, url: string, host?: string) => {
    const res = await app.request(url, { headers: { ...AUTH, ...(host && { Host: host }) } });
    return { status: res.status, body: (await res.json()) as { image_url?: string } };
  };

  it("follows the Host header, never the request's URL, and no earlier request", async () => {
    const app = createFakeApp({ clock: "manual", profile: "instant" });
    const id = await completedTask(app);
    // A request line in absolute form names any host it likes; the Host header is what was reached.
    const originOf = (url: string | undefined) => new URL(String(url)).origin;
    const forged = await poll(app, `http://evil.example/v1/result/${id}`, "127.0.0.1:4010");
    expect(originOf(forged.body.image_url)).toBe("http://127.0.0.1:4010");
    const other = await poll(app, `http://127.0.0.1:4010/v1/result/${id}`, "fake.test:8080");
    expect(originOf(other.body.image_url)).toBe("http://fake.test:8080");
    const again = await poll(app, `http://evil.example/v1/result/${id}`, "127.0.0.1:4010");
    expect(again.body.image_url).toBe(forged.body.image_url);
  });

  it("refuses a Host that is not a host rather than linking to it", async () => {
    const app = createFakeApp({ clock: "manual", profile: "instant" });
    const id = await completedTask(app);
    const res = await poll(app, `/v1/result/${id}`, "evil.example/phish?");
    expect(res.status).toBe(statusOf("invalid_request"));
    expect(JSON.stringify(res.body)).not.toContain("evil.example");
    // Each Host is judged on its own, whichever came before it.
    expect((await poll(app, `/v1/result/${id}`, "fake.test:8080")).status).toBe(200);
    expect((await poll(app, `/v1/result/${id}`, "evil.example/phish?")).status).toBe(
      statusOf("invalid_request"),
    );
  });

  it("uses --public-url whatever the request says", async () => {
    const app = createFakeApp({
      clock: "manual",
      profile: "instant",
      publicUrl: "https://cdn.test/",
    });
    const id = await completedTask(app);
    const res = await poll(app, `http://evil.example/v1/result/${id}`, "evil.example");
    expect(res.body.image_url).toMatch(/^https:\/\/cdn\.test\/images\/[^/]+\.png$/);
  });
});
