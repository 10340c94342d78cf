/**
 * CORS for browser front-ends under development (`--cors ORIGIN`, or `*`): the API's routes, under
 * both base paths, and its images answer preflights and carry the CORS headers; the control API
 * never does (its guard refuses foreign origins), nor do the fake's own pages.
 *
 * `Authorization` is a request header, not a credential in the CORS sense (cookies, HTTP auth the
 * browser prompts for, client certificates): a page sends its bearer key once the preflight allows
 * the header, whatever the origin setting. With `*` the answer is `Access-Control-Allow-Origin: *`
 * and no `Access-Control-Allow-Credentials`, so a request sent with `credentials: "include"` is
 * refused by the browser; an origin listed by name is answered with itself and allows credentials.
 */
import type { Context } from "hono";
import { routeAtPath } from "../core/faults.js";
import { PLAN_HEADERS } from "../core/task-planner.js";
import { fakeErrorBody } from "./errors.js";
import type { FakeEnv } from "./fake-env.js";
import { requestHeader } from "./request-header.js";

/** What a page may send: the key, JSON, and the headers that steer a task. */
const ALLOWED_HEADERS = ["Authorization", "Content-Type", ...Object.values(PLAN_HEADERS)];
/** What a page may read besides the safelisted headers: the waits and challenges of errors. */
const EXPOSED_HEADERS = "Retry-After, WWW-Authenticate";
const HEADER_LIST = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+(\s*,\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*$/;
const PREFLIGHT_CACHE_S = "600";

const isPreflight = (c: Context<FakeEnv>) =>
  c.req.method === "OPTIONS" && requestHeader(c, "access-control-request-method") !== undefined;

/** The headers a preflight allows: those the page asks for (as header names), and the fake's own. */
function allowedHeaders(requested: string | undefined): string {
  const asked = requested !== undefined && HEADER_LIST.test(requested.trim());
  return asked ? `${ALLOWED_HEADERS.join(", ")}, ${requested.trim()}` : ALLOWED_HEADERS.join(", ");
}

/** CORS on the API's answers: a preflight's own answer, and the headers an answer carries. */
export interface CrossOrigin {
  /** The answer to a preflight of an API or image route; undefined for any other request. */
  preflight(c: Context<FakeEnv>): Response | undefined;
  /** Adds the CORS headers to an answer for an allowed origin. */
  addHeaders(c: Context<FakeEnv>, answer: Response): void;
}

/**
 * CORS for the origins given (`["*"]` for any); with none, every preflight is refused, saying how
 * to allow one, and answers carry no CORS header.
 *
 * @example const cors = crossOrigin(["http://localhost:5173"]);
 */
export function crossOrigin(origins: readonly string[]): CrossOrigin {
  const any = origins.includes("*");
  const listed = new Set(origins);
  const allows = (origin: string | undefined): origin is string =>
    origin !== undefined && (any || listed.has(origin));
  const refusal = (origin: string | undefined) =>
    origins.length === 0
      ? "This fake answers no cross-origin request: start it with --cors <the page's origin> (or FAKE_CORS) to let a web page call the API"
      : `Origin ${origin === undefined ? "(none)" : JSON.stringify(origin)} is not allowed: this fake allows ${origins.join(", ")} (--cors)`;

  return {
    preflight(c) {
      if (!isPreflight(c)) return undefined;
      const route = routeAtPath(c.req.path);
      if (route === undefined) return undefined;
      const origin = requestHeader(c, "origin");
      if (!allows(origin)) return c.json(fakeErrorBody(403, refusal(origin)), 403);
      return c.body(null, 204, {
        ...originHeaders(origin, any),
        "Access-Control-Allow-Methods": route.method,
        "Access-Control-Allow-Headers": allowedHeaders(
          requestHeader(c, "access-control-request-headers"),
        ),
        "Access-Control-Max-Age": PREFLIGHT_CACHE_S,
      });
    },
    addHeaders(c, answer) {
      // CORS off: no answer carries a CORS header, and none varies by origin.
      if (origins.length === 0 || routeAtPath(c.req.path) === undefined) return;
      const origin = requestHeader(c, "origin");
      if (!allows(origin)) {
        // A cache between the fake and two pages must not hand one page's answer to the other.
        if (!any) answer.headers.append("Vary", "Origin");
        return;
      }
      for (const [name, value] of Object.entries(originHeaders(origin, any))) {
        answer.headers.set(name, value);
      }
      answer.headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    },
  };
}

function originHeaders(origin: string, any: boolean): Record<string, string> {
  return any
    ? { "Access-Control-Allow-Origin": "*" }
    : {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Credentials": "true",
        Vary: "Origin",
      };
}
