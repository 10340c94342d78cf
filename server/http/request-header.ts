/**
 * A request's headers read as Fetch reads them, at the cost of a scan. On Node, Hono's adapter
 * answers each `c.req.header(name)` by checking the name against a pattern, lowercasing it, having
 * Node build its header object, then copying the raw header lines and scanning the copy; a create
 * reads eight headers. Here the lines Node parsed are scanned where they are, for a name already
 * lowercase. Node has already trimmed each value and refused a request with a control character
 * in one, which is what the adapter's checks are for.
 */
import type { Context } from "hono";
import type { FakeEnv } from "./fake-env.js";

/**
 * A request header's value, repeated lines joined with ", " as Fetch joins them (two Authorization
 * lines that each carry a key read as one value that is not a bearer key; an empty second line
 * leaves `Bearer k, `, the key `k,`); undefined when the request has none.
 *
 * @example requestHeader(c, "authorization") // "Bearer sk-…"
 */
export function requestHeader(c: Context<FakeEnv>, name: Lowercase<string>): string | undefined {
  const lines = c.env?.incoming?.rawHeaders;
  if (lines === undefined) return c.req.header(name);
  let value: string | undefined;
  for (let at = 0; at < lines.length; at += 2) {
    const field = lines[at] as string;
    if (field.length !== name.length || (field !== name && field.toLowerCase() !== name)) continue;
    const line = lines[at + 1] as string;
    value = value === undefined ? line : `${value}, ${line}`;
  }
  return value;
}
