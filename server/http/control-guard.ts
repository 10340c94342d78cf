/**
 * Who may use the control API: its owner, never a web page the owner happens to visit. A page can
 * send simple requests (GET, or POST as text/plain or a form) to any origin without asking first,
 * and DNS rebinding lets a page read answers from a name of its own that points at 127.0.0.1. So the
 * control API answers only a Host that is loopback, the address it listens on or `--public-url`'s
 * host; refuses an Origin other than its own; changes state only on an `application/json` request
 * (which a page cannot send cross-origin without a preflight this fake never grants); and, with
 * `--control-token`, needs `Authorization: Bearer <token>`.
 */
import { hash, timingSafeEqual } from "node:crypto";
import type { Context, MiddlewareHandler } from "hono";
import type { FakeOptions } from "../core/options.js";
import { ControlError } from "./control-error.js";
import type { FakeEnv } from "./fake-env.js";
import { isLoopback, localAddressOf, parseHost } from "./public-origin.js";
import { requestHeader } from "./request-header.js";
import {
  declaresTooLarge,
  isJsonContentType,
  TOO_LARGE_HEADERS,
  TOO_LARGE_MESSAGE,
} from "./request-input.js";

// The methods a page can send without a preflight, or with a body; DELETE is always preflighted.
const JSON_ONLY = new Set(["POST", "PUT", "PATCH"]);

const hostnameOf = (url: URL) => url.hostname.replace(/^\[(.*)\]$/, "$1");

/** The origin a browser names for a page it loaded from `authority` over plain HTTP. */
const originAt = (authority: string) => new URL(`http://${authority}`).origin;

/**
 * Refuses a foreign Host (DNS rebinding), a foreign Origin (a page elsewhere), a state-changing
 * request that is not JSON, and a declared body over 1 MiB.
 */
export function refuseForeignRequests(options: FakeOptions): MiddlewareHandler<FakeEnv> {
  const publicUrl = options.publicUrl === undefined ? undefined : new URL(options.publicUrl);
  const bindHost = options.bindHost?.toLowerCase().replace(/^\[(.*)\]$/, "$1");
  const knownHost = (hostname: string, c: Context<FakeEnv>) =>
    isLoopback(hostname) ||
    hostname === bindHost ||
    hostname === localAddressOf(c) ||
    (publicUrl !== undefined && hostname === hostnameOf(publicUrl));

  return async (c, next) => {
    // No Host at all: in-process, or HTTP/1.0; no browser sends a request without one.
    const header = requestHeader(c, "host");
    const host = header === undefined ? undefined : parseHost(header);
    if (header !== undefined && (host === undefined || !knownHost(host.hostname, c))) {
      throw new ControlError(
        403,
        "The control API answers only requests addressed to this machine's loopback, the address the fake listens on, or --public-url's host; start the fake with --public-url to reach it by another name",
      );
    }
    const origin = requestHeader(c, "origin");
    if (origin !== undefined) {
      const own = [host && originAt(host.authority), publicUrl?.origin];
      if (!own.includes(origin)) {
        throw new ControlError(
          403,
          "The control API refuses requests from web pages of other origins; send them without an Origin header",
        );
      }
    }
    if (declaresTooLarge(c)) throw new ControlError(413, TOO_LARGE_MESSAGE, [], TOO_LARGE_HEADERS);
    if (JSON_ONLY.has(c.req.method)) {
      const contentType = requestHeader(c, "content-type");
      if (!isJsonContentType(contentType)) {
        throw new ControlError(
          415,
          `Control requests that change state must be sent with Content-Type: application/json (a body is optional where nothing needs one), not ${contentType ? `'${contentType}'` : "without one"}`,
        );
      }
    }
    await next();
  };
}

/** With `--control-token`, refuses a request without `Authorization: Bearer <that token>`. */
export function requireControlToken(options: FakeOptions): MiddlewareHandler<FakeEnv> {
  const { controlToken } = options;
  if (controlToken === undefined) return (_, next) => next();
  // Digests of equal length, so the comparison takes the same time whatever the guess.
  const expected = hash("sha256", controlToken, "buffer");
  const challenge = { "WWW-Authenticate": 'Bearer realm="image2-kit control API"' };
  return async (c, next) => {
    const given = /^Bearer +(\S+)\s*$/i.exec(requestHeader(c, "authorization") ?? "")?.[1];
    if (given === undefined) {
      throw new ControlError(
        401,
        "This fake's control API needs 'Authorization: Bearer <token>' with the token it was started with (--control-token or FAKE_CONTROL_TOKEN)",
        [],
        challenge,
      );
    }
    if (!timingSafeEqual(hash("sha256", given, "buffer"), expected)) {
      throw new ControlError(401, "The control token does not match", [], challenge);
    }
    await next();
  };
}
