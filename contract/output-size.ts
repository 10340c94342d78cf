import { assumedPixelSizesFixture } from "./fixtures.js";
import {
  type CreateImageRequest,
  type Ratio,
  type Resolution,
  SIZE_RESOLUTION,
  type Size,
} from "./schemas.js";

/** What a request asks of its picture: a `size`, which wins, or a `ratio` at a resolution. */
export type OutputRequest =
  | { readonly size: Size }
  | { readonly ratio: Ratio; readonly resolution: Resolution };

export interface OutputSize {
  readonly resolution: Resolution;
  /** Undefined where the assumed table has no size for the ratio at that resolution. */
  readonly pixels: { readonly width: number; readonly height: number } | undefined;
}

const parsePixels = (size: string) => {
  const x = size.indexOf("x");
  return { width: Number(size.slice(0, x)), height: Number(size.slice(x + 1)) };
};

/**
 * The output a request asks for: `size` wins over `resolution`/`ratio` (documented); a request
 * without either takes the assumed default resolution.
 *
 * @example outputRequestOf({ model: "gpt-image-2", prompt: "x", ratio: "16:9", … }) // { ratio: "16:9", resolution: "1k" }
 */
export function outputRequestOf(request: CreateImageRequest): OutputRequest {
  if (request.size) return { size: request.size };
  return {
    ratio: request.ratio,
    resolution: request.resolution ?? assumedPixelSizesFixture.default_resolution,
  };
}

/**
 * The resolution and pixel size of an output; the pixels of a ratio at a resolution come from the
 * assumed table.
 *
 * @example sizeOfOutput({ size: "2048x1152" }) // { resolution: "2k", pixels: { width: 2048, height: 1152 } }
 */
export function sizeOfOutput(output: OutputRequest): OutputSize {
  if ("size" in output) {
    return { resolution: SIZE_RESOLUTION[output.size], pixels: parsePixels(output.size) };
  }
  const size = assumedPixelSizesFixture.sizes[output.ratio][output.resolution];
  return { resolution: output.resolution, pixels: size === null ? undefined : parsePixels(size) };
}

/** The resolution and pixel size a request asks for. */
export const outputSizeOf = (request: CreateImageRequest): OutputSize =>
  sizeOfOutput(outputRequestOf(request));
