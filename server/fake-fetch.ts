import type { FakeController } from "./core/fake-controller.js";
import type { FakeOptionsInput } from "./core/options.js";
import { createFakeApp } from "./http/app.js";
import { DROPPED_HEADER } from "./http/fault-answer.js";

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
    const request = new Request(input, init);
    const { signal } = request;
    // As fetch: an aborted signal rejects at once, while the fake sees the client go away and
    // journals the request as aborted once it has finished with it.
    signal.throwIfAborted();
    const answered = Promise.resolve(app.fetch(request));
    const response = await new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      answered.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    });
    if (response.headers.has(DROPPED_HEADER))
      throw new TypeError("fetch failed: the fake dropped the connection");
    return response;
  };
  return Object.assign(fakeFetch, { fake: app.fake }) as FakeFetch;
}
