/**
 * Which headers cross the proxy: every one but those that belong to one connection (RFC 9110
 * §7.6.1: `Connection`, the headers it names, and the classic hop-by-hop set). Headers travel as
 * Node's raw lists (`[name, value, name, value, …]`), so their case, order and repetitions reach
 * the other side as they were sent.
 */

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

/** The header names a `Connection` header lists, lower-cased. */
function connectionListed(raw: readonly string[]): Set<string> {
  const listed = new Set<string>();
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]?.toLowerCase() !== "connection") continue;
    for (const name of (raw[i + 1] ?? "").split(",")) listed.add(name.trim().toLowerCase());
  }
  return listed;
}

/**
 * A raw header list without the hop-by-hop headers and without those in `drop`.
 *
 * @example endToEnd(["Connection", "close", "X-A", "1"]) // ["X-A", "1"]
 */
export function endToEnd(raw: readonly string[], drop: readonly string[] = []): string[] {
  const listed = connectionListed(raw);
  const dropped = new Set(drop);
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] ?? "";
    const lower = name.toLowerCase();
    if (HOP_BY_HOP.has(lower) || listed.has(lower) || dropped.has(lower)) continue;
    kept.push(name, raw[i + 1] ?? "");
  }
  return kept;
}

/**
 * The headers a request is forwarded with: its own, end to end, with `Host` naming the target
 * (the only header a proxy must change: a server behind a CDN routes by it).
 *
 * @example forwardedRequestHeaders(req.rawHeaders, "zcbservice.aizfw.cn")
 */
export const forwardedRequestHeaders = (raw: readonly string[], targetHost: string): string[] => [
  "Host",
  targetHost,
  ...endToEnd(raw, ["host"]),
];
