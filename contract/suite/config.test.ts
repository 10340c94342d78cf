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

  it("refuses a target URL with credentials, a query or a fragment, which its report would print", () => {
    for (const url of [
      "https://user:hunter2-pass@example.test/api",
      "https://example.test/api?token=hunter2-pass",
      "https://example.test/api#hunter2-pass",
    ]) {
      const read = () => readSuiteConfig({ CONTRACT_BASE_URL: url, CONTRACT_API_KEY: "k" });
      expect(read).toThrow(/CONTRACT_BASE_URL: must be an http\(s\) origin with an optional path/);
      expect(read).not.toThrow(/hunter2/);
    }
  });

  it("says what is wrong with a target URL no client could open, rather than crashing", () => {
    for (const url of ["http://127.0.0.1:99999/api", "not a url"]) {
      expect(() => readSuiteConfig({ CONTRACT_BASE_URL: url, CONTRACT_API_KEY: "k" })).toThrow(
        /^Invalid contract settings:\nCONTRACT_BASE_URL: must be /,
      );
    }
  });

  it("refuses an empty or blank budget rather than reading it as 0 tasks, a run that checks nothing", () => {
    const url = { CONTRACT_BASE_URL: "https://example.test/api", CONTRACT_API_KEY: "k" };
    for (const blank of ["", " "]) {
      expect(() => readSuiteConfig({ ...url, CONTRACT_MAX_TASKS: blank })).toThrow(
        /CONTRACT_MAX_TASKS: must be a whole number/,
      );
    }
  });

  it("reads a switch as on or off, and refuses a value that is neither rather than reading it as off", () => {
    expect(readSuiteConfig({ CONTRACT_STRICT: "on" }).strict).toBe(true);
    expect(readSuiteConfig({ CONTRACT_STRICT: "0" }).strict).toBe(false);
    expect(readSuiteConfig({ CONTRACT_STRICT: "" }).strict).toBe(false);
    expect(() => readSuiteConfig({ CONTRACT_STRICT: "2" })).toThrow(
      /CONTRACT_STRICT: must be 1, true, yes or on to turn it on/,
    );
  });

  it("asks for a key with a URL", () => {
    expect(() => readSuiteConfig({ CONTRACT_BASE_URL: "https://example.test" })).toThrow(
      "CONTRACT_API_KEY is required with CONTRACT_BASE_URL",
    );
  });
});
