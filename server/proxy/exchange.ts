/** One request through the proxy and what came of it, as the checks and the recorder read it. */
import type { IncomingHttpHeaders } from "node:http";
import type { BodyTap } from "./body-tap.js";

/** How an exchange ended. */
export type ExchangeEnd =
  /** The target's whole answer reached the client. */
  | "answered"
  /** The client went away before the end of the answer (a timeout on its side, say). */
  | "client_gone"
  /** The target could not be reached: the client got a 502 from the proxy. */
  | "target_unreachable"
  /** The target did not start its answer in time: the client got a 504 from the proxy. */
  | "target_timeout"
  /** The target's answer broke off, or paused too long, after it began: the client was cut. */
  | "target_cut";

export interface TargetAnswer {
  readonly status: number;
  /** Header names lower-cased, repeated values joined by `, `. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: BodyTap;
}

export interface Exchange {
  /** Its number, from 1, in the order requests arrived. */
  readonly seq: number;
  /** When it arrived, Unix ms. */
  readonly at: number;
  readonly method: string;
  /** Path and query, as the client sent them. */
  readonly path: string;
  readonly requestHeaders: Readonly<Record<string, string>>;
  readonly requestBody: BodyTap;
  /** Whether the client's whole request arrived. */
  requestEnded: boolean;
  response: TargetAnswer | undefined;
  end: ExchangeEnd | undefined;
  /** From arrival to the end. */
  durationMs: number;
}

/**
 * Node's parsed headers as one string per name.
 *
 * @example flatHeaders(req.headers)["content-type"] // "application/json"
 */
export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return flat;
}

/** The status the client got: the target's, or the proxy's own 502 or 504; 0 when none reached it. */
export function statusSeenByClient(exchange: Exchange): number {
  if (exchange.end === "target_unreachable") return 502;
  if (exchange.end === "target_timeout") return 504;
  if (exchange.end === "answered") return exchange.response?.status ?? 0;
  return 0;
}
