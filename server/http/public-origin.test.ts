import { describe, expect, it } from "vitest";
import { originOfHost } from "./public-origin.js";

describe("the origin a Host header names", () => {
  it.each([
    ["localhost:4010", "http://localhost:4010"],
    ["127.0.0.1:4010", "http://127.0.0.1:4010"],
    ["[::1]:4010", "http://[::1]:4010"],
    ["Fake.Example.ORG", "http://fake.example.org"],
    ["fake_1.internal:80", "http://fake_1.internal"],
  ])("takes %j as %j", (host, origin) => {
    expect(originOfHost("http", host)).toBe(origin);
  });

  it.each([
    "evil.example/path",
    "user@evil.example",
    "evil.example:4010/x",
    "a b",
    'evil.example"><script>',
    "evil.example:99999",
    "evil.example:",
    "",
    "[not-ipv6]",
  ])("refuses %j", (host) => {
    expect(originOfHost("http", host)).toBeUndefined();
  });
});
