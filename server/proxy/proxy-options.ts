/**
 * The proxy's options: one schema for `startProxy`, the `proxy` command's flags and their
 * environment variables, so a value is checked the same way wherever it comes from.
 */
import { z } from "zod";
import { HttpBaseUrl } from "../../contract/http-url.js";
import { wholeNumberOrText } from "../core/number-input.js";
import { ListenOptions } from "../start.js";

/** Where the proxy listens unless told: the fake's port, plus one. */
export const DEFAULT_PROXY_PORT = 4011;

/** An origin: a scheme, a host and an optional port, nothing else (paths are forwarded as they arrive). */
export const ProxyTarget = z
  .string({
    error: "is required: the origin every request goes to, e.g. https://zcbservice.aizfw.cn",
  })
  .pipe(HttpBaseUrl)
  .refine(
    (text) => {
      if (!URL.canParse(text)) return true; // HttpBaseUrl said why
      const url = new URL(text);
      return (
        url.pathname === "/" &&
        url.search === "" &&
        url.hash === "" &&
        url.username === "" &&
        url.password === ""
      );
    },
    {
      error:
        "must be an origin such as https://zcbservice.aizfw.cn: a scheme, a host and an optional port, with no path, query or credentials (paths are forwarded as the client sends them)",
    },
  )
  .transform((text) => new URL(text).origin);

export const ProxyOptions = z.object({
  /** The server every request goes to, e.g. production's origin. */
  target: ProxyTarget,
  /** 0 picks a free port. */
  port: ListenOptions.shape.port.unwrap().default(DEFAULT_PROXY_PORT),
  host: ListenOptions.shape.host,
  /** How long the target may take to start its answer, and the longest pause inside one. */
  timeoutMs: wholeNumberOrText({ min: 100, max: 3_600_000, unit: "ms" }).default(30_000),
  /** Writes `<report>.json` and `<report>.md` when the proxy stops. */
  report: z.string().min(1, { error: "must not be empty" }).optional(),
  /** Writes every exchange there, as the contract suite's recordings. */
  recordDir: z.string().min(1, { error: "must not be empty" }).optional(),
});
export type ProxyOptionsInput = z.input<typeof ProxyOptions>;
export type ProxyOptions = z.output<typeof ProxyOptions>;
