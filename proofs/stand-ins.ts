/**
 * Servers for proving the contract suite: the fake behind a wrapper that rewrites requests or
 * responses. Broken ones each break one documented rule; hostile ones hang, trickle, echo keys or
 * answer garbage; differing ones stay correct where the documentation is silent. Each counts, at
 * its own HTTP edge, the creates it received. Test code only: the product has no switch for any of
 * this.
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { sizesFor } from "../contract/schemas.js";
import type { FakeOptionsInput } from "../server/core/options.js";
import { createFakeApp } from "../server/http/app.js";

export type Json = Record<string, unknown>;

export interface Exchange {
  readonly route: "create" | "result" | "image" | "control" | "other";
  readonly method: string;
  readonly url: URL;
  /** The request's headers as the client sent them. */
  readonly headers: Headers;
  /** Where a second listener serves the same app, as a CDN host for images would. */
  readonly imageOrigin: string;
}

export interface Wrapper {
  /** A name for the test: the rule it breaks, or what differs. */
  readonly name: string;
  readonly fake?: FakeOptionsInput;
  /** Serves the fake's control API (/__fake); otherwise it is not there, as on production. */
  readonly control?: boolean;
  /** Rewrites a create request's JSON body before the fake sees it. */
  readonly requestBody?: (body: Json) => Json;
  /** Rewrites a request's headers before the fake sees it. */
  readonly requestHeaders?: (headers: Headers, exchange: Exchange) => void;
  /** Rewrites a JSON response; returns the new status and body. */
  readonly json?: (
    answer: { status: number; body: Json },
    exchange: Exchange,
  ) => { status: number; body: unknown; headers?: Record<string, string> };
  /** Replaces a response outright, before or after the fake answers (non-JSON, hanging, endless). */
  readonly replace?: (
    response: Response | undefined,
    exchange: Exchange,
  ) => Response | undefined | Promise<Response | undefined>;
}

const routeOf = (path: string): Exchange["route"] => {
  if (/\/v1\/image2\/images$/.test(path)) return "create";
  if (/\/v1\/result\/[^/]+$/.test(path)) return "result";
  if (path.startsWith("/images/")) return "image";
  if (path.startsWith("/__fake")) return "control";
  return "other";
};

async function listen(listener: RequestListener, host: string) {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Hanging and endless answers never finish on their own.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a stand-in saw, counted at its HTTP edge. */
interface Seen {
  /** Every POST to the create route, whatever came of it. */
  creates: number;
  /** Every request, in order. */
  readonly requests: { method: string; path: string; authorization: string | null }[];
}

/** A stand-in on a loopback port: the fake behind the wrapper, images again on 127.0.0.2. */
export interface StandIn {
  readonly url: string;
  readonly seen: Seen;
  /** Tasks the fake behind the wrapper made. */
  tasks(): Promise<number>;
  close(): Promise<void>;
}

export async function serveWrapped(wrapper: Wrapper): Promise<StandIn> {
  const app = createFakeApp({ profile: "fast", ...wrapper.fake });
  const seen: Seen = { creates: 0, requests: [] };
  let imageOrigin = "";
  const listener = getRequestListener(async (request) => {
    const url = new URL(request.url);
    const exchange: Exchange = {
      route: routeOf(url.pathname),
      method: request.method,
      url,
      headers: new Headers(request.headers),
      imageOrigin,
    };
    seen.requests.push({
      method: request.method,
      path: url.pathname,
      authorization: request.headers.get("authorization"),
    });
    if (exchange.route === "create" && request.method === "POST") seen.creates += 1;
    if (exchange.route === "control" && !wrapper.control) {
      return Response.json(
        { message: `No handler found for ${request.method} ${url.pathname}` },
        {
          status: 404,
        },
      );
    }
    const early = await wrapper.replace?.(undefined, exchange);
    if (early) return early;
    const headers = new Headers(request.headers);
    wrapper.requestHeaders?.(headers, exchange);
    let body: string | undefined = request.method === "GET" ? undefined : await request.text();
    if (wrapper.requestBody && exchange.route === "create" && body) {
      try {
        body = JSON.stringify(wrapper.requestBody(JSON.parse(body) as Json));
      } catch {
        // Not JSON: leave it for the fake to reject.
      }
    }
    const response = await app.fetch(
      new Request(request.url, { method: request.method, headers, body: body ?? null }),
    );
    const replaced = await wrapper.replace?.(response, exchange);
    if (replaced) return replaced;
    if (!wrapper.json || !response.headers.get("content-type")?.includes("json")) return response;
    const rewritten = wrapper.json(
      { status: response.status, body: (await response.json()) as Json },
      exchange,
    );
    return Response.json(rewritten.body, {
      status: rewritten.status,
      headers: rewritten.headers ?? {},
    });
  });
  const api = await listen(listener, "127.0.0.1");
  const images = await listen(listener, "127.0.0.2");
  imageOrigin = images.origin;
  return {
    url: api.origin,
    seen,
    tasks: async () => {
      const health = (await (await app.request("/__fake/health")).json()) as { tasks: number };
      return health.tasks;
    },
    close: async () => {
      await Promise.all([api.close(), images.close()]);
    },
  };
}

type JsonRewrite = NonNullable<Wrapper["json"]>;

/** Rewrites the 200 answers of one route. */
export const onRoute =
  (route: Exchange["route"], change: (body: Json, exchange: Exchange) => Json): JsonRewrite =>
  (answer, exchange) =>
    exchange.route === route && answer.status === 200
      ? { status: 200, body: change(answer.body, exchange) }
      : answer;

type JsonAnswer = { status: number; body: unknown; headers?: Record<string, string> };
const JSON_TYPE = { "Content-Type": "application/json;charset=UTF-8" };

/** Adds what a provider may add where the documentation is silent: extra fields, signed URLs. */
function decorated(answer: { status: number; body: Json }, imageOrigin: string): JsonAnswer {
  const body: Json = { ...answer.body, progress: 42, usage: { credits: 1 }, amount: 0.1 };
  if (typeof body.image_url === "string") {
    const image = new URL(body.image_url);
    body.image_url = `${imageOrigin}${image.pathname}?X-Signature=${Math.random().toString(16).slice(2)}&Expires=86400`;
  }
  return { status: answer.status, body, headers: JSON_TYPE };
}

/**
 * Correct wherever the documentation speaks. Errors inside an HTTP 200 `{code, msg, data}` envelope
 * with a string code (echoing `key`, which must still reach no output); tasks `processing` at
 * create; extra fields; signed image URLs on another host; fields left out rather than null.
 */
export const envelopeServer = (key: string): Wrapper => ({
  name: "errors in a 200 envelope, processing at create, extra fields, signed URLs",
  fake: { queuedMs: 0, processingMs: 30 },
  json: (answer, exchange) => {
    if (answer.status >= 400) {
      return exchange.route === "other"
        ? {
            status: 404,
            body: {
              timestamp: "2026-11-28T00:00:00Z",
              status: 404,
              error: "Not Found",
              path: exchange.url.pathname,
            },
            headers: JSON_TYPE,
          }
        : {
            status: 200,
            body: { code: `E${answer.status}`, msg: `参数错误 (Bearer ${key})`, data: null },
            headers: JSON_TYPE,
          };
    }
    const { error, image_url, ...rest } = answer.body;
    const leaner = {
      ...rest,
      ...(error !== null && error !== undefined && { error }),
      ...(image_url !== null && image_url !== undefined && { image_url }),
    };
    // The create keeps its documented `error: null`; results leave absent what is null.
    return decorated(
      { status: answer.status, body: exchange.route === "create" ? answer.body : leaner },
      exchange.imageOrigin,
    );
  },
});

/**
 * Correct wherever the documentation speaks. Errors as 4xx with an HTML body; gpt-image-2-r
 * accepts 2k and 4k (the task made at 1k); null read as absent; explicit nulls on results.
 */
export const lenientServer = (): Wrapper => ({
  name: "errors as HTML 4xx, gpt-image-2-r above 1k accepted, null read as absent",
  fake: { queuedMs: 10, processingMs: 30 },
  requestBody: (body) => {
    const kept = Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null));
    if (kept.model !== "gpt-image-2-r") return kept;
    // gpt-image-2-r above 1k is accepted, and the task made at 1k.
    const { size, resolution, ...rest } = kept;
    const small = sizesFor("gpt-image-2-r").some((allowed) => allowed === size);
    return {
      ...rest,
      ...(small && { size }),
      ...((resolution !== undefined || (size !== undefined && !small)) && { resolution: "1k" }),
    };
  },
  replace: async (response, exchange) => {
    if (!response || response.status < 400 || exchange.route === "image") return undefined;
    return new Response(`<html><body><h1>${response.status}</h1></body></html>`, {
      status: response.status,
      headers: { "Content-Type": "text/html" },
    });
  },
  json: (answer, exchange) =>
    exchange.route === "result"
      ? {
          status: answer.status,
          body: { image_url: null, error: null, ...answer.body },
        }
      : answer,
});
