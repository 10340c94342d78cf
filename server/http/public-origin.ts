/**
 * Where clients reach the fake, for the URLs it hands out (`image_url`, the OpenAPI document's
 * first server): `--public-url` when given, else the request's Host header once it is a valid
 * `host[:port]`. Never the request line's absolute form (`GET http://elsewhere/… HTTP/1.1`),
 * which any client may write and which would let one client choose the URLs another is given.
 */
import type { Context } from "hono";
import type { FakeEnv } from "./fake-env.js";

// A DNS name or IPv4 address (underscores too: container names have them) or a bracketed IPv6
// address, then an optional port. Nothing else: no userinfo, path, spaces or markup.
const VALID_HOST =
  /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$/;

/** The origin a Host header names, or undefined when the header is not a valid `host[:port]`. */
export function originOfHost(scheme: "http" | "https", host: string): string | undefined {
  if (!VALID_HOST.test(host)) return undefined;
  try {
    return new URL(`${scheme}://${host}`).origin;
  } catch {
    return undefined;
  }
}

// Every poll asks; parse each Host once (a fake sees a handful), not a URL per request.
const origins = new Map<string, string>();
const MAX_CACHED_ORIGINS = 100;

function originOnNode(c: Context<FakeEnv>): string | undefined {
  const socket = c.env?.incoming?.socket;
  if (!socket) return undefined;
  const scheme = "encrypted" in socket && socket.encrypted ? "https" : "http";
  const host = c.req.header("host");
  const key = `${scheme}:${host}`;
  const cached = origins.get(key);
  if (cached !== undefined) return cached;
  const origin = host === undefined ? undefined : originOfHost(scheme, host);
  if (origin !== undefined && origins.size < MAX_CACHED_ORIGINS) origins.set(key, origin);
  if (origin !== undefined) return origin;
  // No usable Host (HTTP/1.0, or garbage): the address the client connected to.
  const address = socket.localAddress ?? "127.0.0.1";
  const inUrl = address.includes(":") ? `[${address}]` : address;
  return `${scheme}://${inUrl}:${socket.localPort}`;
}

/**
 * The origin (or `--public-url`, which may carry a path) the fake's own URLs start with.
 *
 * @example publicOrigin(c, undefined) // "http://127.0.0.1:4010" for a request with that Host
 */
export function publicOrigin(c: Context<FakeEnv>, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, "");
  // In-process there is no socket and no request line: the URL the caller built is the only origin.
  return originOnNode(c) ?? new URL(c.req.url).origin;
}
