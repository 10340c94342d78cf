import { describe, expect, it } from "vitest";
import { endToEnd, forwardedRequestHeaders } from "./hop-by-hop.js";

describe("headers across the proxy", () => {
  it("drop the hop-by-hop ones and those Connection names, keeping case, order and repeats", () => {
    const raw = [
      "X-Trace",
      "a",
      "Connection",
      "keep-alive, X-Hop",
      "Set-Cookie",
      "a=1",
      "Keep-Alive",
      "timeout=5",
      "x-hop",
      "gone",
      "Transfer-Encoding",
      "chunked",
      "Set-Cookie",
      "b=2",
      "Date",
      "Sun, 29 Nov 2026 00:00:00 GMT",
    ];
    expect(endToEnd(raw)).toEqual([
      "X-Trace",
      "a",
      "Set-Cookie",
      "a=1",
      "Set-Cookie",
      "b=2",
      "Date",
      "Sun, 29 Nov 2026 00:00:00 GMT",
    ]);
  });

  it("send a request to the target with its Host and the client's Authorization untouched", () => {
    const raw = [
      "Host",
      "127.0.0.1:4011",
      "Authorization",
      "Bearer sk-1",
      "Proxy-Authorization",
      "Basic x",
    ];
    expect(forwardedRequestHeaders(raw, "zcbservice.aizfw.cn")).toEqual([
      "Host",
      "zcbservice.aizfw.cn",
      "Authorization",
      "Bearer sk-1",
    ]);
  });
});
