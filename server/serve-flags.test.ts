import { describe, expect, it } from "vitest";
import { UsageError } from "./flag-table.js";
import { readServeOptions } from "./serve-flags.js";

describe("image2-kit serve's switches from the environment", () => {
  it("reads FAKE_NO_CONTROL as on or off, and refuses a value that is neither", () => {
    expect(readServeOptions([], { FAKE_NO_CONTROL: "on" })).toMatchObject({ control: false });
    expect(readServeOptions([], { FAKE_NO_CONTROL: "false" })).not.toHaveProperty("control");
    expect(() => readServeOptions([], { FAKE_NO_CONTROL: "enabled" })).toThrow(UsageError);
    expect(() => readServeOptions([], { FAKE_NO_CONTROL: "enabled" })).toThrow(
      'FAKE_NO_CONTROL must be 1, true, yes or on to turn it on, or 0, false, no, off or empty to leave it off (got "enabled")',
    );
  });
});
