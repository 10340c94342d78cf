/**
 * A create's body as a client on a socket sends it: in pieces, cut short, or pipelined behind
 * another. On a port the fake reads a declared body from Node's own stream (request-input.ts), so
 * these go through a real connection byte by byte, never through supertest's whole writes.
 */
import { connect, type Socket } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { type RunningFake, start } from "../start.js";
import { arrivalClock } from "../test-support/arrival-clock.js";
import { AUTH } from "../test-support/fake-agent.js";

let fake: RunningFake;
beforeEach(async () => {
  fake = await start({ port: 0, clock: "manual", log: "off" });
});
afterEach(() => fake.close());

const createHead = (length: number) =>
  `POST /v1/image2/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH.Authorization}\r\n` +
  `Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

const bodyOf = (prompt: string) =>
  Buffer.from(JSON.stringify({ model: "gpt-image-2", prompt }), "utf8");

async function connection(): Promise<Socket & { answers: () => string }> {
  const socket = connect(fake.port, "127.0.0.1");
  let received = "";
  socket.on("data", (chunk) => {
    received += chunk.toString("latin1");
  });
  await new Promise((resolve) => socket.once("connect", resolve));
  return Object.assign(socket, { answers: () => received });
}

const write = (socket: Socket, data: string | Buffer) =>
  new Promise<void>((resolve, reject) =>
    socket.write(data, (error) => (error ? reject(error) : resolve())),
  );

/**
 * Restarts the fake on a clock that says when a request arrived: by then the fake has its headers
 * and reads its body, so what is written after comes in a read of its own.
 */
async function restartSignallingArrival(): Promise<() => Promise<void>> {
  const { clock, arrival } = arrivalClock();
  await fake.close();
  fake = await start({ port: 0, clock, log: "off" });
  return () => arrival;
}

/** The prompts of the tasks created, oldest first, as the control API lists them. */
async function prompts(): Promise<unknown[]> {
  const listed = (await (await fetch(`${fake.url}/__fake/tasks`)).json()) as {
    tasks: { request: { prompt: unknown } }[];
  };
  return listed.tasks.map((task) => task.request.prompt);
}

describe("a create's body on a socket", () => {
  it("is read whole when it arrives in pieces, a character split between two of them", async () => {
    const arrival = await restartSignallingArrival();
    const prompt = "un phare au crépuscule 🌅, peint à l'huile";
    const body = bodyOf(prompt);
    const split = body.indexOf(Buffer.from("🌅")) + 2; // inside the emoji's four bytes
    const socket = await connection();
    await write(
      socket,
      Buffer.concat([Buffer.from(createHead(body.length)), body.subarray(0, split)]),
    );
    await arrival();
    await write(socket, body.subarray(split));
    await vi.waitFor(() => expect(socket.answers()).toMatch(/\r\n\r\n\{.*\}$/s));
    socket.destroy();
    expect(socket.answers()).toMatch(/^HTTP\/1\.1 200 /);
    expect(await prompts()).toEqual([prompt]);
  });

  it("answers pipelined creates each from its own body, in order", async () => {
    const socket = await connection();
    const [first, second] = [bodyOf("first"), bodyOf("second, a longer prompt")];
    await write(
      socket,
      Buffer.concat([
        Buffer.from(createHead(first.length)),
        first,
        Buffer.from(createHead(second.length)),
        second,
      ]),
    );
    await vi.waitFor(() => expect(socket.answers().match(/HTTP\/1\.1 200 /g)).toHaveLength(2));
    socket.destroy();
    expect(await prompts()).toEqual(["first", "second, a longer prompt"]);
  });

  it("is journaled as aborted, and makes no task, when its client leaves mid-body", async () => {
    const arrival = await restartSignallingArrival();
    const body = bodyOf("never finished");
    const socket = await connection();
    await write(socket, createHead(body.length));
    await write(socket, body.subarray(0, 12));
    await arrival();
    socket.destroy();
    await vi.waitFor(() =>
      expect(fake.fake.requests()).toMatchObject([
        { route: "createImageTask", status: 0, outcome: "aborted" },
      ]),
    );
    expect(await prompts()).toEqual([]);
  });

  it("refuses a body that is not UTF-8 when its bad byte arrives last, alone", async () => {
    const arrival = await restartSignallingArrival();
    const body = Buffer.concat([bodyOf("x").subarray(0, -2), Buffer.from([0xff, 0x22, 0x7d])]);
    const socket = await connection();
    await write(
      socket,
      Buffer.concat([Buffer.from(createHead(body.length)), body.subarray(0, -3)]),
    );
    await arrival();
    await write(socket, body.subarray(-3));
    await vi.waitFor(() => expect(socket.answers()).toMatch(/\r\n\r\n\{.*\}$/s));
    socket.destroy();
    expect(socket.answers()).toMatch(/^HTTP\/1\.1 400 /);
    // Refused for its bytes, read to the last one, rather than as JSON cut short.
    expect(socket.answers()).toMatch(/not valid for encoding utf-8/);
    expect(await prompts()).toEqual([]);
  });

  const chunkedHead =
    `POST /v1/image2/images HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${AUTH.Authorization}\r\n` +
    "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  const piece = Buffer.alloc(64 * 1024, 0x20);

  it.each([
    ["declared", createHead(8 * 1024 * 1024), piece],
    [
      "streamed",
      chunkedHead,
      Buffer.concat([Buffer.from("10000\r\n"), piece, Buffer.from("\r\n")]),
    ],
  ])(
    "gets its 413 while its client still sends a %s body over 1 MiB, not a reset that loses it",
    async (_, head, chunk) => {
      // Closing with the client's bytes unread reset the connection: a client still sending got the
      // reset on its next write, and one that stops there (curl) lost the answer. Five in a row must
      // each end cleanly with the answer.
      for (let upload = 0; upload < 5; upload += 1) {
        const socket = await connection();
        const errors: string[] = [];
        socket.on("error", (error: NodeJS.ErrnoException) =>
          errors.push(error.code ?? error.message),
        );
        const closed = new Promise((resolve) => socket.once("close", resolve));
        await write(socket, head);
        // At most 8 MiB, the declared length.
        for (let sent = 0; sent < 128 && !socket.destroyed; sent += 1) {
          if (socket.answers().endsWith("}")) break;
          if (!socket.write(chunk)) {
            await Promise.race([new Promise((resolve) => socket.once("drain", resolve)), closed]);
          }
        }
        socket.end();
        await closed;
        expect(errors).toEqual([]);
        expect(socket.answers()).toMatch(/^HTTP\/1\.1 413 .*\r\n\r\n\{.*\}$/s);
      }
    },
  );
});
