import { connect } from "node:net";
import jsyaml from "js-yaml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildOpenApiDocument } from "../../contract/openapi.js";
import { minimalRequest } from "../../contract/request-cases.js";
import { BASE_PATH, PRODUCTION_BASE_URL } from "../../contract/routes.js";
import { type RunningFake, start } from "../start.js";
import { createFakeApp } from "./app.js";

interface Served {
  servers: { url: string; description: string }[];
}

/** One HTTP/1.1 exchange written by hand, so the request line can be what a client chooses. */
function rawExchange(port: number, head: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.end(`${head}\r\n\r\n`));
    let text = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk) => {
      text += chunk;
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const [headers = "", ...rest] = text.split("\r\n\r\n");
      resolve({ status: Number(headers.split(" ")[1]), body: rest.join("\r\n\r\n") });
    });
  });
}

describe("the served OpenAPI document, in-process", () => {
  it("is the generated document with the fake's own base URL first, in JSON and YAML", async () => {
    const app = createFakeApp();
    const expected = buildOpenApiDocument({ fakeBaseUrl: `http://fake.test:8080${BASE_PATH}` });
    const json = await app.request("http://fake.test:8080/openapi.json");
    expect(json.status).toBe(200);
    expect(json.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await json.json()).toEqual(expected);
    const yaml = await app.request("http://fake.test:8080/openapi.yaml");
    expect(yaml.headers.get("content-type")).toMatch(/^application\/yaml/);
    // Read by a YAML 1.1 parser, as Python and older JavaScript tools do.
    expect(jsyaml.safeLoad(await yaml.text())).toEqual(expected);
  });

  it("lists --public-url's base first, and production second, described as billed", async () => {
    const app = createFakeApp({ publicUrl: "https://fake.example.org/" });
    const served = (await (await app.request("/openapi.json")).json()) as Served;
    expect(served.servers.map((server) => server.url)).toEqual([
      `https://fake.example.org${BASE_PATH}`,
      PRODUCTION_BASE_URL,
    ]);
    expect(served.servers[1]?.description).toMatch(/billed/i);
  });
});

describe("the served OpenAPI document, on a port", () => {
  let fake: RunningFake;
  let port: number;
  beforeAll(async () => {
    fake = await start({ port: 0, profile: "instant" });
    port = Number(new URL(fake.url).port);
  });
  afterAll(() => fake?.close());

  it("names the fake as the client reached it, and its first server answers the API", async () => {
    const served = (await (await fetch(`${fake.url}/openapi.json`)).json()) as Served;
    const base = served.servers[0]?.url;
    expect(base).toBe(`${fake.url}${BASE_PATH}`);
    const created = await fetch(`${base}/v1/image2/images`, {
      method: "POST",
      headers: { Authorization: "Bearer sk-docs", "Content-Type": "application/json" },
      body: JSON.stringify(minimalRequest("gpt-image-2")),
    });
    expect(created.status).toBe(200);
  });

  it("takes the origin from the Host header, never from an absolute-form request line", async () => {
    const res = await rawExchange(
      port,
      `GET http://evil.example/openapi.json HTTP/1.1\r\nHost: localhost:${port}\r\nConnection: close`,
    );
    expect(res.status).toBe(200);
    const served = JSON.parse(res.body) as Served;
    expect(served.servers[0]?.url).toBe(`http://localhost:${port}${BASE_PATH}`);
  });

  it("refuses a Host header that is not a host rather than serving a document that links to it", async () => {
    const res = await rawExchange(
      port,
      `GET http://evil.example/openapi.json HTTP/1.1\r\nHost: evil.example/"><script>\r\nConnection: close`,
    );
    expect(res.status).toBe(400);
    expect(res.body).not.toContain("<script>");
  });

  it("hands out image URLs by the same rule", async () => {
    const created = (await (
      await fetch(`${fake.url}/v1/image2/images`, {
        method: "POST",
        headers: { Authorization: "Bearer sk-docs", "Content-Type": "application/json" },
        body: JSON.stringify(minimalRequest("gpt-image-2")),
      })
    ).json()) as { id: string };
    const res = await rawExchange(
      port,
      `GET http://evil.example/v1/result/${created.id} HTTP/1.1\r\nHost: localhost:${port}\r\nAuthorization: Bearer sk-docs\r\nConnection: close`,
    );
    expect(JSON.parse(res.body)).toMatchObject({
      status: "completed",
      image_url: expect.stringMatching(new RegExp(`^http://localhost:${port}/images/[^/]+\\.png$`)),
    });
  });
});
