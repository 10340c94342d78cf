/**
 * Fault rules: for the requests a rule matches, a delay, an error status, or a dropped
 * connection, for a number of requests or a share of them.
 */
import { z } from "zod";
import { routes } from "../../contract/routes.js";
import { IMAGE_PATH_PATTERN } from "../images/image-path.js";
import type { Random } from "./random.js";

/** RFC 9110 token: the only characters a header name may have. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,256}$/;
/** Visible ASCII with inner spaces or tabs: never CR, LF or NUL, which would split the answer. */
const HEADER_VALUE = /^([\x21-\x7e]([\t\x20-\x7e]{0,8190}[\x21-\x7e])?)?$/;
/** Headers that frame the answer or belong to one connection: the fake's transport sets them. */
const FRAMING_HEADERS = new Set([
  "connection",
  "content-length",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "proxy-connection",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

const FaultHeaders = z
  .record(
    z.string(),
    z.string().regex(HEADER_VALUE, {
      error:
        "must be visible ASCII, up to 8192 characters, with spaces only inside: no CR, LF or other control characters",
    }),
  )
  .superRefine((headers, ctx) => {
    const names = Object.keys(headers);
    if (names.length > 64) ctx.addIssue({ code: "custom", message: "at most 64 headers" });
    const seen = new Set<string>();
    for (const name of names) {
      const lower = name.toLowerCase();
      const problem = !HEADER_NAME.test(name)
        ? "must be a header name: letters, digits and !#$%&'*+.^_`|~-"
        : FRAMING_HEADERS.has(lower)
          ? `must not be a framing or hop-by-hop header (${[...FRAMING_HEADERS].join(", ")}): the fake frames its answers itself`
          : seen.has(lower)
            ? "names a header already given (header names ignore case)"
            : undefined;
      seen.add(lower);
      if (problem !== undefined) ctx.addIssue({ code: "custom", path: [name], message: problem });
    }
  });

function delayRangeHolds(action: {
  delayMs?: number | undefined;
  maxDelayMs?: number | undefined;
}) {
  return action.maxDelayMs === undefined || action.maxDelayMs >= (action.delayMs ?? 0);
}

const RouteName = z.enum([...(Object.keys(routes) as (keyof typeof routes)[]), "image"]);

/** Any JSON value: the body a status action answers instead of the fake's own. */
export const FaultBody = z.json();

const MAX_DELAY_MS = 600_000;
const delayMs = z.int().min(0).max(MAX_DELAY_MS);
const RANGE_RULE = "must be at least the shortest wait it goes with";

export const FaultAction = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: z.literal("latency"),
      /** Fixed delay, or the low end of a random one when `maxMs` is given. */
      ms: delayMs,
      maxMs: delayMs.optional(),
    })
    .refine((action) => action.maxMs === undefined || action.maxMs >= action.ms, {
      path: ["maxMs"],
      error: `${RANGE_RULE} (ms)`,
    }),
  z
    .strictObject({
      type: z.literal("status"),
      status: z.int().min(400).max(599),
      body: FaultBody.optional(),
      headers: FaultHeaders.optional(),
      /** A wait before the answer, fixed or up to `maxDelayMs` at random: a slow failure. */
      delayMs: delayMs.optional(),
      maxDelayMs: delayMs.optional(),
    })
    .refine(delayRangeHolds, { path: ["maxDelayMs"], error: `${RANGE_RULE} (delayMs)` }),
  z
    .strictObject({
      type: z.literal("drop"),
      /** A wait before the cut, fixed or up to `maxDelayMs` at random: a hang, then nothing. */
      delayMs: delayMs.optional(),
      maxDelayMs: delayMs.optional(),
    })
    .refine(delayRangeHolds, { path: ["maxDelayMs"], error: `${RANGE_RULE} (delayMs)` }),
]);
export type FaultAction = z.infer<typeof FaultAction>;

export const FaultRule = z.strictObject({
  /** Which requests: any of method, a route by name, a path (a trailing `*` matches a prefix). */
  match: z
    .strictObject({
      method: z.string().toUpperCase().optional(),
      route: RouteName.optional(),
      path: z.string().startsWith("/").optional(),
    })
    .default({}),
  action: FaultAction,
  /** How many matching requests it applies to; unlimited when absent. */
  times: z.int().min(1).optional(),
  /** The share of matching requests it applies to, from 0 to 1. */
  probability: z.number().min(0).max(1).default(1),
});
export type FaultRuleInput = z.input<typeof FaultRule>;
export type FaultRule = z.output<typeof FaultRule> & { readonly id: string; applied: number };

const routePattern = (path: string) =>
  new RegExp(`(^|/)${path.slice(1).replace(/\{[^}]+\}/g, "[^/]+")}$`);

const ROUTE_PATTERNS: Record<z.infer<typeof RouteName>, { method: string; pattern: RegExp }> = {
  ...(Object.fromEntries(
    Object.entries(routes).map(([name, route]) => [
      name,
      { method: route.method.toUpperCase(), pattern: routePattern(route.path) },
    ]),
  ) as Record<keyof typeof routes, { method: string; pattern: RegExp }>),
  image: { method: "GET", pattern: IMAGE_PATH_PATTERN },
};

/**
 * The route a request is for, by the patterns rules match on; undefined for any other path.
 *
 * @example routeNameOf("GET", "/kyyReactApiServer/v1/result/image_1") // "getTaskResult"
 */
export function routeNameOf(method: string, path: string): z.infer<typeof RouteName> | undefined {
  for (const name of RouteName.options) {
    const route = ROUTE_PATTERNS[name];
    if (route.method === method && route.pattern.test(path)) return name;
  }
  return undefined;
}

/**
 * The route a path is for, whatever the method, and the method that route takes.
 *
 * @example routeAtPath("/images/x.png") // { name: "image", method: "GET" }
 */
export function routeAtPath(
  path: string,
): { name: z.infer<typeof RouteName>; method: string } | undefined {
  for (const name of RouteName.options) {
    const route = ROUTE_PATTERNS[name];
    if (route.pattern.test(path)) return { name, method: route.method };
  }
  return undefined;
}

function matches(rule: FaultRule, method: string, path: string): boolean {
  const { match } = rule;
  if (match.method && match.method !== method) return false;
  if (match.path) {
    const prefix = match.path.endsWith("*") ? match.path.slice(0, -1) : undefined;
    if (prefix === undefined ? path !== match.path : !path.startsWith(prefix)) return false;
  }
  if (match.route) {
    const route = ROUTE_PATTERNS[match.route];
    if (route.method !== method || !route.pattern.test(path)) return false;
  }
  return true;
}

export class FaultSet {
  #rules: FaultRule[] = [];
  #nextId = 1;

  constructor(private readonly random: Random) {}

  add(input: FaultRuleInput): FaultRule {
    const rule = { ...FaultRule.parse(input), id: `fault_${this.#nextId++}`, applied: 0 };
    this.#rules.push(rule);
    return rule;
  }

  list(): readonly FaultRule[] {
    return this.#rules;
  }

  remove(id: string): boolean {
    const before = this.#rules.length;
    this.#rules = this.#rules.filter((rule) => rule.id !== id);
    return this.#rules.length < before;
  }

  clear(): void {
    this.#rules = [];
  }

  /**
   * How long an action waits before it acts: a latency's `ms` (to `maxMs`), or the `delayMs` (to
   * `maxDelayMs`) of a status or a drop; drawn at random within a range.
   */
  delayOf(action: FaultAction): number {
    const [low, high] =
      action.type === "latency"
        ? [action.ms, action.maxMs ?? action.ms]
        : [action.delayMs ?? 0, action.maxDelayMs ?? action.delayMs ?? 0];
    return high <= low ? low : low + Math.round((high - low) * this.random.next());
  }

  /** The first rule that applies to this request, counted as applied; used-up rules are removed. */
  take(method: string, path: string): FaultRule | undefined {
    // Every API request asks, and most fakes have no rule: nothing to search, no closure to make.
    if (this.#rules.length === 0) return undefined;
    const rule = this.#rules.find(
      (candidate) =>
        matches(candidate, method, path) &&
        (candidate.probability >= 1 || this.random.next() < candidate.probability),
    );
    if (!rule) return undefined;
    rule.applied += 1;
    if (rule.times !== undefined && rule.applied >= rule.times) this.remove(rule.id);
    return rule;
  }
}
