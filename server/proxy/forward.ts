/**
 * Forwarding one request to the target with node:http(s): Node's raw header lists keep each
 * header's case, order and repetitions both ways (fetch would fold them and drop some), bodies
 * stream through with backpressure while a bounded copy is kept for the checks, redirects go back
 * to the client unfollowed, and the proxy answers on its own only when the target gives no answer
 * at all: 502 when it cannot be reached, 504 when it does not start answering in time.
 */
import {
  type Agent,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import { request as httpsRequest } from "node:https";
import { BodyTap } from "./body-tap.js";
import { type Exchange, type ExchangeEnd, flatHeaders } from "./exchange.js";
import { endToEnd, forwardedRequestHeaders } from "./hop-by-hop.js";

/** Request bodies kept for the checks: a create is a few KiB; a larger one is forwarded unread. */
const REQUEST_COPY_BYTES = 1024 * 1024;
/** API answers kept for the checks; a longer one is forwarded whole and counted as unchecked. */
export const ANSWER_COPY_BYTES = 1024 * 1024;
/** Of an image, only its first bytes: the format and pixel size are in its header. */
const IMAGE_COPY_BYTES = 256 * 1024;

export interface ForwardTarget {
  readonly origin: URL;
  readonly agent: Agent;
  readonly timeoutMs: number;
}

export interface ForwardHooks {
  /** The client's whole request has arrived (its answer may still be on its way). */
  requestDone(exchange: Exchange): void;
  /** The exchange is over, however it ended. */
  exchangeDone(exchange: Exchange): void;
}

/** Path and query of a request line, also when a client sends the absolute form. */
function originForm(url: string): string {
  if (url.startsWith("/")) return url;
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return url;
  }
}

/** The proxy's own answer when the target gave none: a JSON object saying why. */
function answerForTarget(res: ServerResponse, end: ExchangeEnd, origin: string, why: string) {
  const status = end === "target_timeout" ? 504 : 502;
  const body = JSON.stringify({
    error: end,
    message: `image2-kit proxy: ${why}`,
    target: origin,
  });
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(body),
  });
  res.end(body);
}

/**
 * Forwards `req` to the target and streams the answer back through `res`; the hooks hear of it.
 *
 * @example forward(req, res, seq, { origin, agent, timeoutMs: 30_000 }, hooks);
 */
export function forward(
  req: IncomingMessage,
  res: ServerResponse,
  seq: number,
  target: ForwardTarget,
  hooks: ForwardHooks,
): void {
  const started = performance.now();
  const exchange: Exchange = {
    seq,
    at: Date.now(),
    method: req.method ?? "GET",
    path: originForm(req.url ?? "/"),
    requestHeaders: flatHeaders(req.headers),
    requestBody: new BodyTap(REQUEST_COPY_BYTES),
    requestEnded: false,
    response: undefined,
    end: undefined,
    durationMs: 0,
  };
  const { origin, agent, timeoutMs } = target;
  const send = origin.protocol === "https:" ? httpsRequest : httpRequest;
  const upstream = send({
    protocol: origin.protocol,
    hostname: origin.hostname.replace(/^\[|\]$/g, ""),
    port: origin.port || undefined,
    method: exchange.method,
    path: exchange.path,
    headers: forwardedRequestHeaders(req.rawHeaders, origin.host),
    agent,
  });

  const finish = (end: ExchangeEnd) => {
    if (exchange.end !== undefined) return;
    exchange.end = end;
    exchange.durationMs = performance.now() - started;
    clearTimeout(waiting);
    hooks.exchangeDone(exchange);
  };
  const giveUp = (end: "target_unreachable" | "target_timeout", why: string) => {
    if (exchange.end !== undefined) return;
    upstream.destroy();
    if (res.headersSent) {
      res.destroy();
      finish("target_cut");
      return;
    }
    answerForTarget(res, end, origin.origin, why);
    finish(end);
  };
  const waiting = setTimeout(
    () =>
      giveUp(
        "target_timeout",
        `the target ${origin.origin} did not start answering within ${timeoutMs} ms (--timeout-ms)`,
      ),
    timeoutMs,
  );

  req.on("data", (chunk: Buffer) => exchange.requestBody.add(chunk));
  req.once("end", () => {
    exchange.requestEnded = true;
    hooks.requestDone(exchange);
  });
  req.pipe(upstream);
  upstream.on("error", (error: NodeJS.ErrnoException) => {
    if (exchange.response) {
      res.destroy();
      finish("target_cut");
      return;
    }
    giveUp(
      "target_unreachable",
      `the target ${origin.origin} could not be reached: ${error.code ?? error.message}`,
    );
  });
  // After the answer began: a pause longer than the timeout cuts both sides.
  upstream.setTimeout(timeoutMs, () => {
    if (!exchange.response) return;
    upstream.destroy();
    res.destroy();
    finish("target_cut");
  });
  upstream.on("response", (answer) => {
    clearTimeout(waiting);
    if (exchange.end !== undefined) {
      answer.destroy();
      return;
    }
    const headers = flatHeaders(answer.headers);
    const image = headers["content-type"]?.toLowerCase().startsWith("image/") ?? false;
    const body = new BodyTap(image ? IMAGE_COPY_BYTES : ANSWER_COPY_BYTES);
    exchange.response = { status: answer.statusCode ?? 502, headers, body };
    res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
    answer.on("data", (chunk: Buffer) => body.add(chunk));
    answer.pipe(res);
    answer.once("aborted", () => {
      res.destroy();
      finish("target_cut");
    });
    answer.once("error", () => {
      res.destroy();
      finish("target_cut");
    });
    res.once("finish", () => finish("answered"));
  });
  res.once("close", () => {
    if (res.writableFinished) return;
    upstream.destroy();
    finish("client_gone");
  });
}
