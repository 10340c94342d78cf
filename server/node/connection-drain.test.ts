import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect } from "node:net";
import { describe, expect, it } from "vitest";
import { ConnectionDrain, type LingerOptions } from "./connection-drain.js";

/** A server whose answers the test releases one by one, by request path. */
async function heldServer() {
  const drain = new ConnectionDrain();
  const held = new Map<string, ServerResponse>();
  let arrived: () => void = () => {};
  const server = createServer(
    { ServerResponse: drain.ServerResponse },
    (req: IncomingMessage, res: ServerResponse) => {
      held.set(req.url ?? "", res);
      arrived();
    },
  );
  drain.attach(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  const arrivedAll = (count: number) =>
    new Promise<void>((resolve) => {
      arrived = () => held.size >= count && resolve();
      arrived();
    });
  const release = (path: string) => held.get(path)?.end(path);
  return { drain, server, port, arrivedAll, release };
}

describe("a drain", () => {
  it("says Connection: close on the answer to a connection's last request, whatever order they finish in", async () => {
    const { drain, server, port, arrivedAll, release } = await heldServer();
    const socket = connect(port, "127.0.0.1");
    let received = "";
    socket.on("data", (chunk) => {
      received += chunk;
    });
    const ended = new Promise((resolve) => socket.on("close", resolve));
    // Three requests pipelined on one connection.
    socket.write(
      ["/1", "/2", "/3"].map((path) => `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`).join(""),
    );
    await arrivedAll(3);
    const closed = drain.close(server, 10_000);
    // The last request's answer is ready first, while the two before it are still in flight.
    release("/3");
    release("/1");
    release("/2");
    await Promise.all([ended, closed]);
    const answers = received.split(/(?=HTTP\/1\.1 )/);
    expect(answers.map((answer) => answer.match(/\r\n\r\n(.*)$/s)?.[1])).toEqual([
      "/1",
      "/2",
      "/3",
    ]);
    expect(answers.map((answer) => /\r\nConnection: (\S+)/i.exec(answer)?.[1])).toEqual([
      "keep-alive",
      "keep-alive",
      "close",
    ]);
  });

  it("closes an idle connection at once and one with a request in flight once it is answered", async () => {
    const { drain, server, port, arrivedAll, release } = await heldServer();
    const idle = connect(port, "127.0.0.1");
    const busy = connect(port, "127.0.0.1");
    await new Promise((resolve) => idle.on("connect", resolve));
    let answer = "";
    busy.on("data", (chunk) => {
      answer += chunk;
    });
    busy.write("GET /only HTTP/1.1\r\nHost: x\r\n\r\n");
    await arrivedAll(1);
    const idleClosed = new Promise((resolve) => idle.on("close", resolve));
    const busyClosed = new Promise((resolve) => busy.on("close", resolve));
    const closed = drain.close(server, 10_000);
    await idleClosed;
    expect(busy.destroyed).toBe(false);
    release("/only");
    await Promise.all([busyClosed, closed]);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n.*Connection: close\r\n.*\/only$/s);
  });
});

/** A server that refuses every body with a 413 before reading it, as the fake does one over 1 MiB. */
async function refusingServer(options: LingerOptions) {
  const drain = new ConnectionDrain(options);
  const server = createServer({ ServerResponse: drain.ServerResponse }, (_req, res) => {
    res.writeHead(413, { Connection: "close", "Content-Length": 0 }).end();
  });
  drain.attach(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port };
}

/** An upload that declares 1 MiB, sends none of it, and keeps its side open once answered. */
async function stalledUpload(port: number) {
  const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
  const answered = new Promise((resolve) => socket.once("data", resolve));
  socket.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n");
  await answered;
  return socket;
}

/** Resolves once the server holds `count` connections open: a lingering one counts, a closed one not. */
async function openConnections(server: Server, count: number) {
  const open = () => new Promise<number>((resolve) => server.getConnections((_, n) => resolve(n)));
  while ((await open()) !== count) await new Promise((resolve) => setImmediate(resolve));
}

describe("a refusal before the body has arrived", () => {
  it("keeps reading for its client, as many connections as the cap at once; past it, closes at once", async () => {
    const { server, port } = await refusingServer({ lingerMs: 60_000, maxLingering: 2 });
    const lingering = [await stalledUpload(port), await stalledUpload(port)];
    await stalledUpload(port);
    await openConnections(server, 2);
    // A lingering connection closes as soon as its client stops sending.
    for (const socket of lingering) socket.end();
    await openConnections(server, 0);
    await new Promise((resolve) => server.close(resolve));
  });

  it("cuts a client that never stops after lingerMs", async () => {
    const { server, port } = await refusingServer({ lingerMs: 50 });
    await stalledUpload(port);
    await openConnections(server, 0);
    await new Promise((resolve) => server.close(resolve));
  });
});
