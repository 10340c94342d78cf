import { describe, expect, it } from "vitest";
import { bearerKeyOf, SeenKeys } from "./seen-keys.js";

describe("the keys the proxy has seen", () => {
  it("redact each credential a request carried, in any encoding, from then on", () => {
    const keys = new SeenKeys();
    const redactor = keys.note({
      authorization: "Bearer sk-a/b+c==",
      cookie: "session=s3cr3t-cookie",
    });
    const echo = `sk-a/b+c== ${encodeURIComponent("sk-a/b+c==")} sk-a\\/b\\u002Bc== session=s3cr3t-cookie`;
    expect(redactor.text(echo)).not.toMatch(/sk-a|s3cr3t/);
    expect(keys.redactor.text("sk-a/b+c==")).toBe("[redacted]");
  });

  it("let the oldest key go past the ones kept, and keep the newest", () => {
    const keys = new SeenKeys();
    for (let i = 0; i < 20; i += 1) keys.note({ authorization: `Bearer key-number-${i}` });
    expect(keys.redactor.text("key-number-19")).toBe("[redacted]");
    expect(keys.redactor.text("key-number-0 ")).toBe("key-number-0 ");
  });

  it("read a bearer key only from 'Bearer <key>'", () => {
    expect(bearerKeyOf({ authorization: "Bearer  sk-1 " })).toBe("sk-1");
    expect(bearerKeyOf({ authorization: "Basic abc" })).toBeUndefined();
    expect(bearerKeyOf({})).toBeUndefined();
  });
});
