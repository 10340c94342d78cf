/** Serving the fake on a Node port: the only module besides the CLI that touches the transport. */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { z } from "zod";
import type { Clock } from "./core/clock.js";
import type { FakeController } from "./core/fake-controller.js";
import { FakeOptionsError, type FakeOptionsInput } from "./core/options.js";
import { createFakeApp, type FakeApp } from "./http/app.js";

export const ListenOptions = z.object({
  /** 0 picks a free port. */
  port: z.coerce
    .number({ error: "must be a number" })
    .int()
    .min(0)
    .max(65_535, { error: "must be a port from 0 to 65535" })
    .default(4010),
  host: z.string().min(1).default("127.0.0.1"),
  /** A client that has not sent its headers by then is cut off (slow clients). */
  headersTimeoutMs: z.coerce.number({ error: "must be a number" }).int().min(100).default(10_000),
  /** A client that has not sent its whole request by then is cut off. */
  requestTimeoutMs: z.coerce.number({ error: "must be a number" }).int().min(100).default(30_000),
});
export type StartOptions = FakeOptionsInput & z.input<typeof ListenOptions>;

export interface RunningFake {
  /** The origin the fake listens on, e.g. http://127.0.0.1:4010. */
  readonly url: string;
  readonly port: number;
  readonly app: FakeApp;
  readonly fake: FakeController;
  readonly clock: Clock;
  /** Stops accepting connections and resolves once in-flight requests have finished. */
  close(): Promise<void>;
}

/** How long close() waits for in-flight requests before cutting their connections. */
const CLOSE_GRACE_MS = 10_000;

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;
export const isLoopback = (host: string) => LOOPBACK.test(host);

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
  const app = createFakeApp(fakeOptions);
  const { headersTimeoutMs: headersTimeout, requestTimeoutMs: requestTimeout } = listen.data;
  const server = serve({
    fetch: app.fetch,
    port: listen.data.port,
    hostname: listen.data.host,
    serverOptions: {
      headersTimeout,
      requestTimeout: Math.max(requestTimeout, headersTimeout),
      // Timeouts are only checked this often; Node's default (30 s) would outlive short ones.
      connectionsCheckingInterval: Math.min(1000, Math.ceil(headersTimeout / 2)),
    },
  });
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
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostInUrl}:${address.port}`,
    port: address.port,
    app,
    fake: app.fake,
    clock: app.fake.clock,
    close: () =>
      new Promise<void>((resolve, reject) => {
        const force = setTimeout(
          () => "closeAllConnections" in server && server.closeAllConnections(),
          CLOSE_GRACE_MS,
        );
        force.unref();
        server.close((error) => {
          clearTimeout(force);
          if (error) reject(error);
          else resolve();
        });
        if ("closeIdleConnections" in server) server.closeIdleConnections();
      }),
  };
}
