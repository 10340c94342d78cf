import { describe, expect, it, vi } from "vitest";
import { onFirstUse } from "./on-first-use.js";

describe("onFirstUse", () => {
  it("makes its value on the first call only, undefined included", () => {
    const make = vi.fn(() => undefined);
    const value = onFirstUse(make);
    expect(make).not.toHaveBeenCalled();
    expect([value(), value(), value()]).toEqual([undefined, undefined, undefined]);
    expect(make).toHaveBeenCalledTimes(1);
  });

  it("keeps nothing when making fails, so each use fails the same way", () => {
    const value = onFirstUse(() => {
      throw new Error("broken");
    });
    expect(value).toThrow("broken");
    expect(value).toThrow("broken");
  });
});

describe("the example fixtures", () => {
  it("are checked when first read, not at import, and name the file that breaks its schema", async () => {
    vi.resetModules();
    vi.doMock("../fixtures/docs/result-failed.json", () => ({ default: { status: "exploded" } }));
    try {
      const { docsResultFixtures, seedFixtures } = await import("./fixtures.js");
      const { routes } = await import("./routes.js");
      expect(seedFixtures.createRequest.model).toBe("gpt-image-2");
      expect(docsResultFixtures.queued.status).toBe("queued");
      expect(() => docsResultFixtures.failed).toThrow(
        /^fixtures\/docs\/result-failed\.json breaks its schema:\n/,
      );
      expect(() => routes.getTaskResult.success.examples.failed?.value).toThrow(
        /result-failed\.json breaks its schema/,
      );
    } finally {
      vi.doUnmock("../fixtures/docs/result-failed.json");
      vi.resetModules();
    }
  });
});
