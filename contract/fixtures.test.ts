import { describe, expect, it } from "vitest";
import { assumedError } from "./assumed-errors.js";
import { AssumedErrorBody, ErrorKind } from "./assumed-schemas.js";
import { assumedErrorsFixture, assumedPixelSizesFixture } from "./fixtures.js";
import { Ratio, Resolution } from "./schemas.js";

const pixels = (size: string) => size.split("x").map(Number) as [number, number];

describe("assumed error bodies", () => {
  it("say they are assumed and where the guess comes from", () => {
    expect(assumedErrorsFixture.assumed).toBe(true);
    expect(assumedErrorsFixture.source).toMatch(/documents no/);
  });

  it.each(ErrorKind.options)("give %s an error body once filled in", (kind) => {
    const { body } = assumedError(kind, { message: "m", method: "GET", path: "/x" });
    expect(AssumedErrorBody.safeParse(body).success).toBe(true);
  });

  it("fill the placeholders of a body", () => {
    expect(
      assumedError("route_not_found", { message: "", method: "GET", path: "/nope" }).body,
    ).toEqual({
      message: "No handler found for GET /nope",
    });
    expect(
      assumedError("invalid_request", { message: "prompt: must not be empty" }).body,
    ).toMatchObject({
      msg: "prompt: must not be empty",
    });
  });

  it("reject an envelope whose code says success", () => {
    expect(AssumedErrorBody.safeParse({ code: 0, msg: "ok", data: null }).success).toBe(false);
  });
});

describe("assumed pixel sizes", () => {
  const { sizes } = assumedPixelSizesFixture;

  it("say they are assumed and where the guess comes from", () => {
    expect(assumedPixelSizesFixture.assumed).toBe(true);
    expect(assumedPixelSizesFixture.source).toMatch(/reseller/);
  });

  it.each(Ratio.options)("give ratio %s its aspect at every resolution it has", (ratio) => {
    const [w, h] = ratio.split(":").map(Number) as [number, number];
    for (const resolution of Resolution.options) {
      const size = sizes[ratio][resolution];
      if (size === null) continue;
      const [width, height] = pixels(size);
      // Published sizes round edges to multiples of 16, so the aspect is near, not exact.
      expect(Math.abs(width / height - w / h) / (w / h)).toBeLessThan(0.03);
    }
  });

  it.each(Ratio.options)("swap width and height between %s and its portrait twin", (ratio) => {
    const [w, h] = ratio.split(":");
    const twin = Ratio.parse(`${h}:${w}`);
    for (const resolution of Resolution.options) {
      const size = sizes[ratio][resolution];
      expect(sizes[twin][resolution]).toBe(size && pixels(size).reverse().join("x"));
    }
  });

  it("grow with the resolution", () => {
    for (const ratio of Ratio.options) {
      const areas = Resolution.options
        .map((resolution) => sizes[ratio][resolution])
        .flatMap((size) => (size ? [pixels(size)[0] * pixels(size)[1]] : []));
      expect(areas).toEqual([...areas].sort((a, b) => a - b));
    }
  });

  it("offer every ratio at 1k", () => {
    for (const ratio of Ratio.options) expect(sizes[ratio]["1k"]).not.toBeNull();
  });
});
