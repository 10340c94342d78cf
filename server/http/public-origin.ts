/**
 * The origin this fake is reached at, from trusted input only: `--public-url` when given, else the
 * request's Host header once it reads as a host (in-process, where no client is involved: the URL).
 * Never the request line (`GET http://elsewhere/… HTTP/1.1` names whatever the client likes), and
 * never a cache one client's request could fill for another's: the one kept is keyed by the header.
 */
import { isIP } from "node:net";
import type { Context } from "hono";
import type { FakeEnv } from "./fake-env.js";
import { requestHeader } from "./request-header.js";

/** A Host header read as RFC 9110 has it: a name or address, and maybe a port. */
export interface Host {
  /** Lowercase; an IPv6 address without its brackets. */
  readonly hostname: string;
  /** As it goes in a URL: the hostname (IPv6 in brackets) and the port when given. */
  readonly authority: string;
}

const NAME =
  /^(?=.{1,253}\.?$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\.?$/;
const WITH_PORT = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::([0-9]{1,5}))?$/;

/**
 * A Host header's value as a host, or undefined when it is not one.
 *
 * @example parseHost("Fake.local:4010") // { hostname: "fake.local", authority: "fake.local:4010" }
 */
export function parseHost(value: string): Host | undefined {
  const match = WITH_PORT.exec(value.toLowerCase());
  if (!match) return undefined;
  const [, host = "", port] = match;
  if (port !== undefined && Number(port) > 65_535) return undefined;
  const bracketed = host.startsWith("[");
  const hostname = bracketed ? host.slice(1, -1) : host;
  if (bracketed ? isIP(hostname) !== 6 : !NAME.test(hostname)) return undefined;
  return { hostname, authority: port === undefined ? host : `${host}:${port}` };
}

const LOOPBACK = /^(127\.\d{1,3}\.\d{1,3}\.\d{1,3}|localhost|::1|\[::1\])$/;

/** Whether a host name or address is this machine's loopback. */
export const isLoopback = (hostname: string) => LOOPBACK.test(hostname);

/** A socket's local address as a hostname (IPv4-mapped IPv6 unwrapped). */
export const socketHostname = (address: string | undefined) =>
  address?.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");

/** The address a request's connection came in on, as a hostname; none in-process. */
export const localAddressOf = (c: Context<FakeEnv>) =>
  socketHostname(c.env?.incoming?.socket?.localAddress);

/** What `publicOrigin` answers: the origin, or why the request names none. */
export type PublicOrigin =
  | { readonly ok: true; readonly origin: string }
  | { readonly ok: false; readonly message: string };

let lastHost: { readonly header: string; readonly origin: PublicOrigin } | undefined;

/**
 * The origin a Host header names. Clients send the same Host request after request, so the last
 * one read is kept: the answer depends on the header's value alone, never on who sent it.
 */
function originOfHost(header: string): PublicOrigin {
  if (lastHost?.header === header) return lastHost.origin;
  const host = parseHost(header);
  const origin: PublicOrigin = host
    ? { ok: true, origin: `http://${host.authority}` }
    : {
        ok: false,
        message:
          "The Host header is not a host name or address with an optional port; send the one you reached the fake at, or start the fake with --public-url",
      };
  lastHost = { header, origin };
  return origin;
}

/**
 * The origin a client reaches this fake at, for `image_url` and anything else that links back.
 *
 * @example
 * const origin = publicOrigin(c, state.options.publicUrl);
 * if (origin.ok) imageUrl = origin.origin + imagePath(id);
 */
export function publicOrigin(c: Context<FakeEnv>, publicUrl: string | undefined): PublicOrigin {
  if (publicUrl !== undefined) return { ok: true, origin: publicUrl.replace(/\/+$/, "") };
  const header = requestHeader(c, "host");
  if (header !== undefined) return originOfHost(header);
  if (c.env?.incoming) {
    return {
      ok: false,
      message: "The request has no Host header; send the host you reached the fake at",
    };
  }
  // In-process there is no connection: the URL is the embedding code's own, not a client's.
  return { ok: true, origin: new URL(c.req.url).origin };
}
