import { describe, expect, it } from "vitest";
import { HttpBaseUrl } from "./http-url.js";

const messages = (text: string) =>
  HttpBaseUrl.safeParse(text).error?.issues.map((issue) => issue.message) ?? [];

describe("a server's base URL", () => {
  it("takes an http(s) origin with an optional path", () => {
    for (const url of ["http://127.0.0.1:4010", "https://zcbservice.aizfw.cn/kyyReactApiServer"]) {
      expect(messages(url), url).toEqual([]);
    }
  });

  it("refuses credentials, a query or a fragment, which a log or a report would print", () => {
    for (const url of ["https://u:p@a.test", "https://a.test/?k=1", "https://a.test/#k"]) {
      expect(messages(url), url).toEqual([expect.stringMatching(/no user name, password, query/)]);
    }
  });

  it("says why, without throwing, for text that only looks like a URL or is none at all", () => {
    for (const url of ["http://127.0.0.1:99999", "http://[::::]/"]) {
      expect(messages(url), url).toEqual([expect.stringMatching(/a port from 0 to 65535/)]);
    }
    expect(messages("not a url")).toEqual([expect.stringMatching(/must be an absolute http/)]);
  });
});
