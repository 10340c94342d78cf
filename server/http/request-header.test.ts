import { once } from "node:events";
import { connect } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeEnv } from "./fake-env.js";
import { requestHeader } from "./request-header.js";

const NAMES = [
  "authorization",
  "host",
  "x-fake-error",
  "x-repeated",
  "content-type",
  "origin",
  "absent",
] as const;

/** What each header reads as, both ways, for the request this app receives. */
const app = new Hono<FakeEnv>().all("*", (c) =>
  c.json(
    NAMES.map((name) => ({ name, scanned: requestHeader(c, name), adapter: c.req.header(name) })),
  ),
);

/** One request written by hand, so its header lines can be repeated, cased and spaced at will. */
async function readAs(port: number, lines: readonly string[]) {
  const socket = connect(port, "127.0.0.1");
  await once(socket, "connect");
  socket.end(`GET / HTTP/1.1\r\n${lines.join("\r\n")}\r\nConnection: close\r\n\r\n`);
  let text = "";
  for await (const chunk of socket) text += chunk;
  return JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)) as {
    name: string;
    scanned: string | undefined;
    adapter: string | undefined;
  }[];
}

describe("a request header read from Node's parsed lines", () => {
  let server: ServerType;
  let port = 0;
  beforeAll(async () => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" });
    await once(server, "listening");
    const address = server.address();
    port = typeof address === "object" && address ? address.port : 0;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it.each([
    ["one line each, lowercase", ["host: fake.local", "authorization: Bearer k"]],
    ["names in any case", ["HOST: fake.local:4010", "Authorization: Bearer k", "X-Fake-Error: x"]],
    ["spaces and tabs around values", ["Host: a", "x-fake-error: \t spaced out \t "]],
    [
      "repeated lines, joined as Fetch joins them",
      [
        "Host: a",
        "Authorization: Bearer one",
        "authorization: Bearer two",
        "X-Repeated: 1",
        "x-repeated: 2",
      ],
    ],
    [
      "repeated Host and Origin lines, which the control API's guard reads",
      ["Host: a", "host: b", "Origin: http://one.test", "origin: http://two.test"],
    ],
    ["an empty value", ["Host: a", "x-fake-error:"]],
    [
      "bytes past ASCII, as Node reads them (latin1)",
      ["Host: a", "x-fake-error: \u00e5\u0086\u0085"],
    ],
  ])("reads as Hono's adapter does: %s", async (_, lines) => {
    const read = await readAs(port, lines);
    expect(read.map(({ name, scanned }) => [name, scanned])).toEqual(
      read.map(({ name, adapter }) => [name, adapter ?? undefined]),
    );
    // Not vacuous: the request's own headers are found.
    expect(read.find(({ name }) => name === "host")?.scanned).toBeDefined();
  });

  it("reads the request's Headers in-process, where there is no Node request", async () => {
    const answer = await app.request("/", {
      headers: { Authorization: "Bearer k", "X-Repeated": "1" },
    });
    const read = (await answer.json()) as { name: string; scanned: string | undefined }[];
    expect(read.find(({ name }) => name === "authorization")?.scanned).toBe("Bearer k");
    expect(read.find(({ name }) => name === "absent")?.scanned).toBeUndefined();
  });
});
