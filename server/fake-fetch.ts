import type { FakeController } from "./core/fake-controller.js";
import type { FakeOptionsInput } from "./core/options.js";
import { createFakeApp } from "./http/app.js";
import { DROPPED_HEADER } from "./http/fault-middleware.js";

export type FakeFetch = typeof fetch & { readonly fake: FakeController };

/**
 * A `fetch` backed by the fake, in-process: a client under test needs no port. Any origin works,
 * production's included, since the fake serves its base path too.
 *
 * @example
 * const fetch = createFakeFetch({ clock: "manual" });
 * await fetch("https://zcbservice.aizfw.cn/kyyReactApiServer/v1/result/image_…", { headers });
 */
export function createFakeFetch(options: FakeOptionsInput = {}): FakeFetch {
  const app = createFakeApp(options);
  const fakeFetch = async (input: string | URL | Request, init?: RequestInit) => {
    const response = await app.fetch(new Request(input, init));
    if (response.headers.has(DROPPED_HEADER))
      throw new TypeError("fetch failed: the fake dropped the connection");
    return response;
  };
  return Object.assign(fakeFetch, { fake: app.fake }) as FakeFetch;
}
