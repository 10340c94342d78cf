/**
 * The one rule for an absolute http(s) URL a client sends: reference images, the fake's public URL
 * and the contract suite's target. One regular expression, so zod, the OpenAPI document (which
 * carries it as `pattern`) and every tool that validates against the document agree.
 */
import { z } from "zod";

// RFC 3986, restricted to the http(s) schemes and a non-empty host. Every character outside the
// URI set (a space, quotes, angle brackets, non-ASCII) must arrive percent-encoded, as `format:
// uri` requires. No alternatives share a first character, so matching stays linear in the length.
const pct = "%[0-9A-Fa-f]{2}";
const unreserved = "A-Za-z0-9\\-._~";
const subDelims = "!$&'()*+,;=";
const pchar = `(?:[${unreserved}${subDelims}:@]|${pct})`;
const userinfo = `(?:(?:[${unreserved}${subDelims}:]|${pct})*@)?`;
const host = `(?:\\[[0-9A-Fa-f:.]+\\]|(?:[${unreserved}${subDelims}]|${pct})+)`;
const port = "(?::[0-9]*)?";
const path = `(?:/${pchar}*)*`;
const query = `(?:\\?(?:${pchar}|[/?])*)?`;
const fragment = `(?:#(?:${pchar}|[/?])*)?`;

/** An absolute http(s) URL written in URI characters only (RFC 3986). */
export const HTTP_URL_PATTERN = new RegExp(
  `^[Hh][Tt][Tt][Pp][Ss]?://${userinfo}${host}${port}${path}${query}${fragment}$`,
);

/**
 * An absolute http(s) URL; anything outside the URI character set must be percent-encoded.
 *
 * @example HttpUrl.safeParse("https://example.com/cat%20photo.png").success // true
 */
export const HttpUrl = z
  .string({ error: "must be a string holding an absolute http(s) URL" })
  .regex(HTTP_URL_PATTERN, {
    error:
      "must be an absolute http:// or https:// URL in URI characters only (percent-encode spaces and other characters, RFC 3986)",
  })
  .meta({ format: "uri" })
  .describe(
    "An absolute http(s) URL; spaces and other characters outside RFC 3986 percent-encoded.",
  );

/**
 * Where a server is reached: an http(s) origin, optionally with a path, and nothing a log or a
 * report that prints it could leak (no user name, password, query or fragment). The fake's
 * `--public-url` and the contract suite's target.
 *
 * @example HttpBaseUrl.safeParse("https://user:pw@example.test/api").success // false
 */
export const HttpBaseUrl = HttpUrl.refine(
  (text) => !HTTP_URL_PATTERN.test(text) || URL.canParse(text),
  "must be a URL a client can open: a valid host name or address, and a port from 0 to 65535",
).refine((text) => {
  if (!URL.canParse(text)) return true; // said above
  const url = new URL(text);
  return url.username === "" && url.password === "" && url.search === "" && url.hash === "";
}, "must be an http(s) origin with an optional path: no user name, password, query or fragment");

/**
 * An absolute http(s) URL as a target hands one out (`image_url`): whatever a client's URL parser
 * takes and can fetch. The docs promise an image URL, not RFC 3986 characters, so a signed URL
 * with a raw `|` or space from a correct provider must not fail a run; the fake's own are strict.
 *
 * @example FetchableUrl.safeParse("https://cdn.example/a|b.png?sig=x+y").success // true
 */
export const FetchableUrl = z
  .url({ protocol: /^https?$/, error: "must be an absolute http(s) URL" })
  .describe("An absolute http(s) URL.");
