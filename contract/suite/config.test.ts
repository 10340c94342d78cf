import { describe, expect, it } from "vitest";
import { readSuiteConfig } from "./config.js";

describe("the suite's settings", () => {
  it("caps a run against a URL at 3 tasks unless told otherwise, and leaves the in-process fake uncapped", () => {
    const url = { CONTRACT_BASE_URL: "https://example.test/api/", CONTRACT_API_KEY: "k" };
    expect(readSuiteConfig(url)).toMatchObject({
      baseUrl: "https://example.test/api",
      maxTasks: 3,
      control: "auto",
    });
    expect(readSuiteConfig({ ...url, CONTRACT_MAX_TASKS: "0" }).maxTasks).toBe(0);
    expect(readSuiteConfig({}).maxTasks).toBe(Number.POSITIVE_INFINITY);
  });

  it("names every bad variable, without echoing a value that may be a secret", () => {
    const read = () =>
      readSuiteConfig({
        CONTRACT_CONTROL: "sometimes",
        CONTRACT_MAX_TASKS: "-1",
        CONTRACT_BASE_URL: "ftp://secret-host-8c1e",
      });
    expect(read).toThrow(/CONTRACT_CONTROL: must be auto \(probe the target\), on .* or off/);
    expect(read).toThrow(/CONTRACT_MAX_TASKS/);
    expect(read).toThrow(/CONTRACT_BASE_URL: must be an absolute http/);
    expect(read).not.toThrow(/secret-host-8c1e/);
  });

  it("asks for a key with a URL", () => {
    expect(() => readSuiteConfig({ CONTRACT_BASE_URL: "https://example.test" })).toThrow(
      "CONTRACT_API_KEY is required with CONTRACT_BASE_URL",
    );
  });
});
