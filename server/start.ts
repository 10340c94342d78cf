/** Serving the fake on a Node port: the only module besides the CLI that touches the transport. */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { z } from "zod";
import type { Clock } from "./core/clock.js";
import type { FakeController } from "./core/fake-controller.js";
import { wholeNumberOrText } from "./core/number-input.js";
import { FakeOptionsError, type FakeOptionsInput } from "./core/options.js";
import { createFakeApp, type FakeApp } from "./http/app.js";
import { isLoopback } from "./http/public-origin.js";
import { answerParserErrors, answerUnreadableRequest } from "./node/client-errors.js";
import { ConnectionDrain } from "./node/connection-drain.js";

export const ListenOptions = z.object({
  /** 0 picks a free port. */
  port: wholeNumberOrText({ min: 0, max: 65_535 }).default(4010),
  host: z.string().min(1, { error: "must not be empty" }).default("127.0.0.1"),
  /** A client that has not sent its headers by then is cut off (slow clients). */
  headersTimeoutMs: wholeNumberOrText({ min: 100, unit: "ms" }).default(10_000),
  /** A client that has not sent its whole request by then is cut off. */
  requestTimeoutMs: wholeNumberOrText({ min: 100, unit: "ms" }).default(30_000),
});
export type StartOptions = FakeOptionsInput & z.input<typeof ListenOptions>;

export interface RunningFake {
  /** The origin the fake listens on, e.g. http://127.0.0.1:4010. */
  readonly url: string;
  readonly port: number;
  readonly app: FakeApp;
  readonly fake: FakeController;
  readonly clock: Clock;
  /**
   * Stops accepting connections, answers every request already received (with `Connection:
   * close`), closes idle connections at once, and resolves when none is left.
   */
  close(): Promise<void>;
}

/** How long close() waits for requests in flight before cutting their connections. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Why the fake must not listen as asked, or undefined: a control API open to every machine that
 * reaches the port, with no token, would let any of them steer the fake or read its journal.
 */
function exposureProblem(host: string, options: FakeOptionsInput): string | undefined {
  if (options.control === false || options.controlToken !== undefined || isLoopback(host)) {
    return undefined;
  }
  return `Listening on ${host} would open the control API (/__fake) to every machine that can reach it: pass --control-token TOKEN (or FAKE_CONTROL_TOKEN; controlToken in code) to require a token, or --no-control (control: false) to turn it off`;
}

/**
 * Starts the fake on a port.
 *
 * @example const fake = await start({ port: 0, clock: "manual" }); await fake.close();
 */
export async function start(options: StartOptions = {}): Promise<RunningFake> {
  const { port, host, headersTimeoutMs, requestTimeoutMs, ...fakeOptions } = options;
  const listen = ListenOptions.safeParse({ port, host, headersTimeoutMs, requestTimeoutMs });
  if (!listen.success)
    throw new FakeOptionsError(`Invalid fake options:\n${z.prettifyError(listen.error)}`);
  const exposure = exposureProblem(listen.data.host, fakeOptions);
  if (exposure !== undefined) throw new FakeOptionsError(exposure);
  const app = createFakeApp({ ...fakeOptions, bindHost: listen.data.host });
  const { headersTimeoutMs: headersTimeout, requestTimeoutMs: requestTimeout } = listen.data;
  const drain = new ConnectionDrain();
  const server = createServer(
    {
      headersTimeout,
      requestTimeout: Math.max(requestTimeout, headersTimeout),
      // Timeouts are only checked this often; Node's default (30 s) would outlive short ones.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeout / 2)),
      // A request without Host reaches the adapter, which refuses it in JSON rather than empty.
      requireHostHeader: false,
      ServerResponse: drain.ServerResponse,
    },
    getRequestListener(app.fetch, { errorHandler: answerUnreadableRequest }),
  );
  drain.attach(server);
  answerParserErrors(server);
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", (error: NodeJS.ErrnoException) => {
      const where = `${listen.data.host}:${listen.data.port}`;
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `Port ${listen.data.port} is in use (${where}); pick another with --port, or 0 for any free port`,
            )
          : error,
      );
    });
    server.listen(listen.data.port, listen.data.host);
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostInUrl}:${address.port}`,
    port: address.port,
    app,
    fake: app.fake,
    clock: app.fake.clock,
    close: () => drain.close(server, CLOSE_GRACE_MS),
  };
}
