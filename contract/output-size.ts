import { assumedPixelSizesFixture } from "./fixtures.js";
import { type CreateImageRequest, type Resolution, SIZE_RESOLUTION } from "./schemas.js";

export interface OutputSize {
  readonly resolution: Resolution;
  /** Undefined where the assumed table has no size for the ratio at that resolution. */
  readonly pixels: { readonly width: number; readonly height: number } | undefined;
}

const parsePixels = (size: string) => {
  const [width = 0, height = 0] = size.split("x").map(Number);
  return { width, height };
};

/**
 * The resolution and pixel size a request asks for: `size` wins over `resolution`/`ratio` (documented);
 * the pixels of a ratio at a resolution come from the assumed table.
 */
export function outputSizeOf(request: CreateImageRequest): OutputSize {
  if (request.size) {
    return { resolution: SIZE_RESOLUTION[request.size], pixels: parsePixels(request.size) };
  }
  const resolution = request.resolution ?? assumedPixelSizesFixture.default_resolution;
  const size = assumedPixelSizesFixture.sizes[request.ratio][resolution];
  return { resolution, pixels: size === null ? undefined : parsePixels(size) };
}
