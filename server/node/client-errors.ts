/**
 * Requests that never reach the app: what Node's parser cannot read (a malformed request line,
 * oversized headers, a client too slow to send them) and what the adapter cannot turn into a
 * Request (a bad Host, `OPTIONS *`, no Host at all), and an `Expect` Node does not meet. Each gets
 * the fake's JSON error body, like every other answer, instead of Node's empty one.
 */
import { type IncomingMessage, type Server, type ServerResponse, STATUS_CODES } from "node:http";
import type { Duplex } from "node:stream";
import { RequestError } from "@hono/node-server";
import { fakeErrorBody } from "../http/errors.js";

/** Node's parser errors, in words naming who reads the request (`the fake`, `the proxy`). */
const parserErrors = (
  reader: string,
): Readonly<Record<string, { status: number; msg: string }>> => ({
  HPE_HEADER_OVERFLOW: {
    status: 431,
    msg: `The request's headers are larger than ${reader} reads (16 KiB in all)`,
  },
  HPE_CHUNK_EXTENSIONS_OVERFLOW: {
    status: 413,
    msg: `The request's chunk extensions are larger than ${reader} reads`,
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    msg:
      reader === "the fake"
        ? "The request did not arrive in time (see --headers-timeout-ms and --request-timeout-ms)"
        : "The request did not arrive in time",
  },
});

/** A whole HTTP/1.1 answer as bytes for a socket, closing the connection after it. */
function rawAnswer(status: number, msg: string): string {
  const body = JSON.stringify(fakeErrorBody(status, msg));
  return [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}`,
    "Content-Type: application/json",
    `Content-Length: ${Buffer.byteLength(body)}`,
    "Connection: close",
    "",
    body,
  ].join("\r\n");
}

/**
 * Answers Node's parser errors, and an `Expect` other than 100-continue (417), in JSON. The answer
 * names the parser's rule, never the bytes it choked on: they may hold a key.
 *
 * @example answerParserErrors(server, "the proxy");
 */
export function answerParserErrors(server: Server, reader = "the fake"): void {
  const known = parserErrors(reader);
  server.on("clientError", (error: NodeJS.ErrnoException & { reason?: string }, socket: Duplex) => {
    // As Node does: no answer to a client that is gone, or over an answer already under way.
    const current = (socket as Duplex & { _httpMessage?: ServerResponse | null })._httpMessage;
    if (error.code === "ECONNRESET" || !socket.writable || current?.headersSent) {
      socket.destroy();
      return;
    }
    const answer = (error.code === undefined ? undefined : known[error.code]) ?? {
      status: 400,
      msg: `The request could not be parsed as HTTP/1.1 (${error.code ?? "parse error"}: ${error.reason ?? "malformed request"})`,
    };
    socket.end(rawAnswer(answer.status, answer.msg));
  });
  // Node answers an Expect other than 100-continue itself, with an empty 417.
  server.on("checkExpectation", (_request: IncomingMessage, response: ServerResponse) => {
    const body = JSON.stringify(
      fakeErrorBody(
        417,
        `The request's Expect header asks for what ${reader} does not do: only 100-continue is understood`,
      ),
    );
    response.writeHead(417, {
      "Content-Type": "application/json",
      "Content-Length": Buffer.byteLength(body),
      Connection: "close",
    });
    response.end(body);
  });
}

/** The adapter's errorHandler: a request it cannot build as the fake's JSON 400. */
export function answerUnreadableRequest(error: unknown): Response {
  if (!(error instanceof RequestError)) {
    console.error("image2-kit fake: unexpected error", error);
    return Response.json(fakeErrorBody(500, "The fake failed unexpectedly"), { status: 500 });
  }
  const msg =
    error.message === "Missing host header"
      ? "The request has no Host header; send the host you reached the fake at"
      : `The request cannot be served: ${error.message}. Its target must be a path such as /v1/result/{id} (OPTIONS * is not served), and its Host a host name or address with an optional port`;
  return Response.json(fakeErrorBody(400, msg), { status: 400 });
}
