import { describe, expect, it } from "vitest";
import { FakeOptions } from "../core/options.js";
import { AUTH, fakeWithAgent } from "../test-support/fake-agent.js";

const PAGE = "http://localhost:5173";

describe("CORS for browser front-ends", () => {
  it("answers a preflight of an allowed origin on both base paths and images", async () => {
    const { agent } = fakeWithAgent({ cors: [PAGE] });
    for (const [path, method] of [
      ["/v1/image2/images", "POST"],
      ["/kyyReactApiServer/v1/image2/images", "POST"],
      ["/kyyReactApiServer/v1/result/image_x", "GET"],
      ["/images/abc.png", "GET"],
    ] as const) {
      const res = await agent
        .options(path)
        .set("Origin", PAGE)
        .set("Access-Control-Request-Method", method)
        .set("Access-Control-Request-Headers", "authorization, content-type, x-request-id");
      expect(res.status, path).toBe(204);
      expect(res.headers).toMatchObject({
        "access-control-allow-origin": PAGE,
        "access-control-allow-credentials": "true",
        "access-control-allow-methods": method,
        "access-control-max-age": "600",
        vary: "Origin",
      });
      expect(res.headers["access-control-allow-headers"]).toMatch(
        /^Authorization, Content-Type, x-fake-outcome, .*x-request-id$/,
      );
    }
  });

  it("adds the CORS headers to answers, errors and faults included, and exposes Retry-After", async () => {
    const { agent, create } = fakeWithAgent({ cors: [PAGE] });
    const ok = await create(undefined, { Origin: PAGE });
    expect(ok.headers["access-control-allow-origin"]).toBe(PAGE);
    expect(ok.headers["access-control-expose-headers"]).toBe("Retry-After, WWW-Authenticate");
    const unauthorized = await agent.get("/v1/result/image_x").set("Origin", PAGE);
    expect(unauthorized.headers["access-control-allow-origin"]).toBe(PAGE);
    await agent.post("/__fake/faults").send({ action: { type: "status", status: 429 }, times: 1 });
    const limited = await agent.get("/v1/result/image_x").set(AUTH).set("Origin", PAGE);
    expect(limited.status).toBe(429);
    expect(limited.headers["access-control-allow-origin"]).toBe(PAGE);
  });

  it("answers a preflight whatever the fault rules: they take the page's requests, not the browser's question", async () => {
    const { agent } = fakeWithAgent({ cors: [PAGE] });
    await agent.post("/__fake/faults").send({ action: { type: "status", status: 503 }, times: 1 });
    const preflight = await agent
      .options("/v1/result/image_x")
      .set("Origin", PAGE)
      .set("Access-Control-Request-Method", "GET");
    expect(preflight.status).toBe(204);
    // The rule is still there, for the request the preflight allowed.
    const faulted = await agent.get("/v1/result/image_x").set(AUTH).set("Origin", PAGE);
    expect(faulted.status).toBe(503);
    expect(faulted.headers["access-control-allow-origin"]).toBe(PAGE);
  });

  it("refuses another origin's preflight, saying which are allowed, and never allows it on answers", async () => {
    const { agent, create } = fakeWithAgent({ cors: [PAGE, "https://app.example"] });
    const res = await agent
      .options("/v1/image2/images")
      .set("Origin", "http://evil.example")
      .set("Access-Control-Request-Method", "POST");
    expect(res.status).toBe(403);
    expect(res.body.msg).toBe(
      'Origin "http://evil.example" is not allowed: this fake allows http://localhost:5173, https://app.example (--cors)',
    );
    expect(res.headers["access-control-allow-origin"]).toBeUndefined();
    const answer = await create(undefined, { Origin: "http://evil.example" });
    expect(answer.headers["access-control-allow-origin"]).toBeUndefined();
    expect(answer.headers.vary).toBe("Origin");
  });

  it("with *, allows any origin without credentials", async () => {
    const { agent, create } = fakeWithAgent({ cors: ["*"] });
    const res = await agent
      .options("/v1/image2/images")
      .set("Origin", "http://any.example:8080")
      .set("Access-Control-Request-Method", "POST");
    expect(res.status).toBe(204);
    expect(res.headers["access-control-allow-origin"]).toBe("*");
    expect(res.headers["access-control-allow-credentials"]).toBeUndefined();
    expect((await create(undefined, { Origin: "http://x.example" })).headers).toMatchObject({
      "access-control-allow-origin": "*",
    });
  });

  it("never answers CORS on the control API or the fake's pages, whatever the setting", async () => {
    const { agent } = fakeWithAgent({ cors: ["*"] });
    const preflight = await agent
      .options("/__fake/tasks")
      .set("Origin", PAGE)
      .set("Access-Control-Request-Method", "GET");
    expect(preflight.headers["access-control-allow-origin"]).toBeUndefined();
    expect((await agent.get("/__fake/health").set("Origin", PAGE)).status).toBe(403);
    for (const page of ["/", "/openapi.json", "/docs"]) {
      const res = await agent.get(page).set("Origin", PAGE);
      expect(res.headers["access-control-allow-origin"], page).toBeUndefined();
    }
  });

  it("refuses preflights when off, saying how to allow a page, and leaves other OPTIONS alone", async () => {
    const { agent } = fakeWithAgent();
    const res = await agent
      .options("/v1/image2/images")
      .set("Origin", PAGE)
      .set("Access-Control-Request-Method", "POST");
    expect(res.status).toBe(403);
    expect(res.body.msg).toMatch(/start it with --cors <the page's origin> \(or FAKE_CORS\)/);
    expect((await agent.options("/v1/image2/images")).status).toBe(405);
  });
});

describe("--cors origins", () => {
  const parse = (cors: string[]) => FakeOptions.safeParse({ cors });

  it("takes origins as browsers send them, lower case and without a default port", () => {
    expect(
      parse(["HTTP://LocalHost:5173", "https://app.example:443", "http://[::1]:8080"]).data?.cors,
    ).toEqual(["http://localhost:5173", "https://app.example", "http://[::1]:8080"]);
    expect(parse(["*"]).data?.cors).toEqual(["*"]);
  });

  it.each([
    "http://localhost:5173/",
    "http://localhost:5173/app",
    "localhost:5173",
    "http://user@localhost",
    "http://localhost:99999",
    "http://localhost?x=1",
    "",
  ])("refuses %j, saying what an origin is", (origin) => {
    const result = parse([origin]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(
      /^must be \* or an origin as a browser sends it/,
    );
  });

  it("refuses * beside other origins", () => {
    expect(parse(["*", PAGE]).error?.issues[0]?.message).toBe(
      "* already allows every origin: give it alone",
    );
  });
});
