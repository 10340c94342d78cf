import { describe, expect, it } from "vitest";
import { UsageError } from "./flag-table.js";
import { ProxyOptions } from "./proxy/proxy-options.js";
import { PROXY_FLAGS, PROXY_USAGE, readProxyOptions } from "./proxy-flags.js";

const problems = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
  try {
    readProxyOptions(argv, env);
  } catch (error) {
    if (error instanceof UsageError) return error.message.split("\n");
    throw error;
  }
  return [];
};

describe("image2-kit proxy flags", () => {
  it("documents every flag with its variable in --help, and every option has a flag", () => {
    const lines = PROXY_USAGE.split("\n");
    for (const flag of PROXY_FLAGS) {
      const line = lines.find((candidate) => candidate.trimStart().startsWith(`--${flag.name} `));
      expect(line, `--${flag.name} in --help`).toContain(`[${flag.env}]`);
    }
    expect(new Set(PROXY_FLAGS.map((flag) => flag.option))).toEqual(
      new Set(Object.keys(ProxyOptions.shape)),
    );
  });

  it("takes an origin for --target and says what else it needs", () => {
    expect(problems([])).toEqual([
      "--target is required: the origin every request goes to, e.g. https://zcbservice.aizfw.cn",
    ]);
    expect(problems(["--target", "https://zcbservice.aizfw.cn/kyyReactApiServer"])).toEqual([
      expect.stringMatching(
        /^--target must be an origin such as .*no path.* \(got "https:\/\/zcbservice\.aizfw\.cn\/kyyReactApiServer"\)$/,
      ),
    ]);
    expect(problems(["--target", "ftp://example.com"])[0]).toMatch(/^--target must be/);
    expect(problems(["--target", "not a url"])[0]).toMatch(/^--target must be an absolute http/);
    expect(problems(["--target", "http://127.0.0.1:99999"])).toEqual([
      expect.stringMatching(/^--target must be a URL a client can open: .* port from 0 to 65535/),
    ]);
    expect(
      ProxyOptions.parse(readProxyOptions(["--target", "https://Example.com/"], {})).target,
    ).toBe("https://example.com");
  });

  it("reads each flag from its variable, a flag winning, and names the variable in a problem", () => {
    const env = { PROXY_TARGET: "http://127.0.0.1:4010", PROXY_PORT: "0", PROXY_TIMEOUT_MS: "50" };
    expect(problems([], env)).toEqual([
      'PROXY_TIMEOUT_MS must be a whole number of ms from 100 to 3600000 (got "50")',
    ]);
    const options = ProxyOptions.parse(
      readProxyOptions(["--timeout-ms", "500", "--record", "rec"], env),
    );
    expect(options).toMatchObject({
      target: "http://127.0.0.1:4010",
      port: 0,
      timeoutMs: 500,
      recordDir: "rec",
    });
    expect(
      ProxyOptions.parse(readProxyOptions([], { PROXY_TARGET: "http://a.test" })),
    ).toMatchObject({
      port: 4011,
      host: "127.0.0.1",
      timeoutMs: 30_000,
    });
  });
});
