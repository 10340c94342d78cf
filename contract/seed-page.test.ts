import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { MODEL_LIMITS, PendingStatus, Quality, Ratio, Resolution, Size } from "./schemas.js";

/** The options the provider's page lists under each parameter, read from its verbatim text. */
async function documentedOptions(): Promise<Map<string, string[]>> {
  const page = await readFile(
    new URL("../fixtures/seed/provider-page.txt", import.meta.url),
    "utf8",
  );
  const options = new Map<string, string[]>();
  let parameter = "";
  const lines = page.split("\n");
  lines.forEach((line, index) => {
    if (/^(string|integer|array)$/.test(lines[index + 1] ?? "") && /^[a-z_]+$/.test(line)) {
      parameter = line;
    }
    const option = /^\s*•\s+(\S+) - /.exec(line)?.[1];
    if (option) options.set(parameter, [...(options.get(parameter) ?? []), option]);
  });
  return options;
}

describe("the schemas against the provider's page", () => {
  it.each([
    ["quality", Quality.options],
    ["ratio", Ratio.options],
    ["resolution", Resolution.options],
    ["size", Size.options],
    ["status", PendingStatus.options],
  ] as const)("lists exactly the documented values of %s", async (parameter, values) => {
    expect((await documentedOptions()).get(parameter)).toEqual(values);
  });

  it("names the documented model", async () => {
    const page = await readFile(
      new URL("../fixtures/seed/provider-page.txt", import.meta.url),
      "utf8",
    );
    const model = /Model name, must be (\S+)/.exec(page)?.[1];
    expect(model && model in MODEL_LIMITS).toBe(true);
  });
});
