/**
 * Servers for proving the contract suite: the fake behind a wrapper that rewrites requests or
 * responses. Broken ones each break one documented rule; a differing one stays correct where the
 * documentation is silent. Test code only: the product has no switch for any of this.
 */
import { createServer, type RequestListener } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import type { FakeOptionsInput } from "../server/core/options.js";
import { createFakeApp } from "../server/http/app.js";

type Json = Record<string, unknown>;

export interface Exchange {
  readonly route: "create" | "result" | "image" | "other";
  readonly method: string;
  readonly url: URL;
  /** Where a second listener serves the same app, as a CDN host for images would. */
  readonly imageOrigin: string;
}

export interface Wrapper {
  /** A name for the test: the rule it breaks, or what differs. */
  readonly name: string;
  readonly fake?: FakeOptionsInput;
  /** Rewrites a create request's JSON body before the fake sees it. */
  readonly requestBody?: (body: Json) => Json;
  /** Rewrites a request's headers before the fake sees it. */
  readonly requestHeaders?: (headers: Headers, exchange: Exchange) => void;
  /** Rewrites a JSON response; returns the new status and body. */
  readonly json?: (
    answer: { status: number; body: Json },
    exchange: Exchange,
  ) => { status: number; body: unknown; headers?: Record<string, string> };
  /** Replaces a response outright (non-JSON answers such as images). */
  readonly replace?: (response: Response, exchange: Exchange) => Response | undefined;
}

const routeOf = (path: string): Exchange["route"] => {
  if (/\/v1\/image2\/images$/.test(path)) return "create";
  if (/\/v1\/result\/[^/]+$/.test(path)) return "result";
  if (path.startsWith("/images/")) return "image";
  return "other";
};

async function listen(listener: RequestListener, host: string) {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Serves the fake behind the wrapper on a loopback port, and again on 127.0.0.2 for images. */
export async function serveWrapped(wrapper: Wrapper) {
  const app = createFakeApp({ profile: "fast", ...wrapper.fake });
  let imageOrigin = "";
  const listener = getRequestListener(async (request) => {
    const url = new URL(request.url);
    const exchange: Exchange = {
      route: routeOf(url.pathname),
      method: request.method,
      url,
      imageOrigin,
    };
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
    const replaced = wrapper.replace?.(response, exchange);
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
    app,
    close: async () => {
      await Promise.all([api.close(), images.close()]);
    },
  };
}
