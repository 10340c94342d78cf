/**
 * The proxy on a port: every request but `GET /__proxy/report` is forwarded to the target
 * (forward.ts) and checked once it is over (live-checks.ts). The listener is the fake's Node
 * transport: JSON answers to what Node's parser refuses, and a drain that answers what it has
 * received, closes idle keep-alive connections at once and cuts the rest after a grace.
 */
import {
  createServer,
  Agent as HttpAgent,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { AddressInfo } from "node:net";
import { z } from "zod";
import { isLoopback, parseHost, socketHostname } from "../http/public-origin.js";
import { answerParserErrors } from "../node/client-errors.js";
import { ConnectionDrain } from "../node/connection-drain.js";
import type { Exchange } from "./exchange.js";
import { forward } from "./forward.js";
import { LiveChecks } from "./live-checks.js";
import { ProxyOptions, type ProxyOptionsInput } from "./proxy-options.js";
import { ProxyRecorder } from "./proxy-recorder.js";
import { buildProxyReport, type ProxyReport, writeProxyReport } from "./proxy-report.js";

/** Where the proxy answers for itself; every other path goes to the target. */
export const PROXY_PREFIX = "/__proxy";
/** How long close() lets requests in flight finish, well within the 3 s a stop may take. */
const CLOSE_GRACE_MS = 1_500;

/** What a stopped proxy leaves: its report always, its files when they could be written. */
export interface ClosedProxy {
  readonly report: ProxyReport;
  readonly files: string[];
  readonly writeError?: string;
}

export interface RunningProxy {
  /** The origin it listens on, e.g. http://127.0.0.1:4011. */
  readonly url: string;
  readonly target: string;
  /** The report as it stands. */
  report(): ProxyReport;
  /**
   * Stops accepting, lets requests in flight finish (cut after 1.5 s), writes the recordings
   * queued, and, with `report`, `<report>.json` and `<report>.md`; answers the final report, the
   * files written, and why they could not be when they could not.
   */
  close(): Promise<ClosedProxy>;
}

/** Thrown for options the proxy cannot use, with every problem listed. */
export class ProxyOptionsError extends Error {
  override name = "ProxyOptionsError";
}

function answerJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Cache-Control": "no-store",
    ...headers,
  });
  res.end(text);
}

/** Whether a request names this machine in its Host: loopback, or the address listened on. */
function addressedHere(req: IncomingMessage, listenHost: string): boolean {
  const header = req.headers.host;
  // No Host at all: HTTP/1.0, or a tool; no browser sends a request without one.
  if (header === undefined) return true;
  const host = parseHost(header);
  if (host === undefined) return false;
  return (
    isLoopback(host.hostname) ||
    host.hostname === listenHost.toLowerCase().replace(/^\[(.*)\]$/, "$1") ||
    host.hostname === socketHostname(req.socket.localAddress)
  );
}

/**
 * Starts the proxy on a port.
 *
 * @example const proxy = await startProxy({ target: "https://zcbservice.aizfw.cn", port: 0 });
 */
export async function startProxy(
  input: ProxyOptionsInput,
  log: (line: string) => void = (line) => console.error(line),
): Promise<RunningProxy> {
  const parsed = ProxyOptions.safeParse(input);
  if (!parsed.success) {
    throw new ProxyOptionsError(`Invalid proxy options:\n${z.prettifyError(parsed.error)}`);
  }
  const options = parsed.data;
  const origin = new URL(options.target);
  const startedAt = new Date().toISOString();
  const recorder = options.recordDir ? await ProxyRecorder.open(options.recordDir, log) : undefined;
  const checks = new LiveChecks(origin.origin, log, recorder);
  const agent =
    origin.protocol === "https:"
      ? new HttpsAgent({ keepAlive: true })
      : new HttpAgent({ keepAlive: true });
  const report = () =>
    buildProxyReport(checks, {
      target: origin.origin,
      startedAt,
      ...(recorder && { recorded: { dir: recorder.dir, ...recorder.counts } }),
    });
  let seq = 0;
  // Exchanges forwarded and not yet checked: close() reports only once they are.
  let unchecked = 0;
  let allChecked: (() => void) | undefined;
  const hooks = {
    // Checks run after the exchange, off the client's path; a check never throws out of here.
    requestDone: (exchange: Exchange) => setImmediate(() => checks.requestDone(exchange)),
    exchangeDone: (exchange: Exchange) =>
      setImmediate(() => {
        checks.exchangeDone(exchange);
        unchecked -= 1;
        if (unchecked === 0) allChecked?.();
      }),
  };
  const target = { origin, agent, timeoutMs: options.timeoutMs };

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url ?? "/";
    if (
      path === PROXY_PREFIX ||
      path.startsWith(`${PROXY_PREFIX}/`) ||
      path.startsWith(`${PROXY_PREFIX}?`)
    ) {
      req.resume();
      const pathname = path.split("?")[0];
      if (!addressedHere(req, options.host)) {
        // A page of another site that rebinds its name to this machine must not read the report.
        answerJson(res, 403, {
          error: "forbidden",
          message: `image2-kit proxy: ${PROXY_PREFIX} answers only requests addressed to this machine's loopback or the address the proxy listens on`,
        });
      } else if (pathname !== `${PROXY_PREFIX}/report`) {
        answerJson(res, 404, {
          error: "not_found",
          message: `image2-kit proxy: only GET ${PROXY_PREFIX}/report is served here`,
        });
      } else if (req.method !== "GET" && req.method !== "HEAD") {
        answerJson(
          res,
          405,
          {
            error: "method_not_allowed",
            message: `image2-kit proxy: ${PROXY_PREFIX}/report answers GET`,
          },
          { Allow: "GET, HEAD" },
        );
      } else {
        answerJson(res, 200, report());
      }
      return;
    }
    seq += 1;
    unchecked += 1;
    forward(req, res, seq, target, hooks);
  };

  const drain = new ConnectionDrain();
  const server = createServer(
    { requireHostHeader: false, ServerResponse: drain.ServerResponse },
    handle,
  );
  drain.attach(server);
  answerParserErrors(server, "the proxy");
  await new Promise<void>((resolve, reject) => {
    server.once("listening", resolve);
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        error.code === "EADDRINUSE"
          ? new Error(
              `Port ${options.port} is in use (${options.host}:${options.port}); pick another with --port, or 0 for any free port`,
            )
          : error,
      );
    });
    server.listen(options.port, options.host);
  });
  const address = server.address() as AddressInfo;
  const hostInUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;
  let closing: Promise<ClosedProxy> | undefined;
  return {
    url: `http://${hostInUrl}:${address.port}`,
    target: origin.origin,
    report,
    close() {
      closing ??= (async () => {
        await drain.close(server, CLOSE_GRACE_MS);
        agent.destroy();
        // Every connection is closed, so every exchange has ended: wait for its checks.
        if (unchecked > 0) {
          await new Promise<void>((resolve) => {
            allChecked = resolve;
            // Never past the 3 s a stop may take, whatever is left unchecked.
            setTimeout(resolve, 500).unref();
          });
        }
        await recorder?.flush();
        const final = report();
        if (!options.report) return { report: final, files: [] };
        try {
          return { report: final, files: await writeProxyReport(options.report, final) };
        } catch (error) {
          // The verdict still counts: a report that cannot be written must not hide it.
          return { report: final, files: [], writeError: (error as Error).message };
        }
      })();
      return closing;
    },
  };
}
