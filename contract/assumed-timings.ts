import { assumedTimingsFixture } from "./fixtures.js";
import type { OutputSize } from "./output-size.js";
import type { CreateImageRequest } from "./schemas.js";

/**
 * ASSUMED: how long a task of this request waits and works on production, from
 * `fixtures/assumed/timings.json`; the fake's `realistic` profile.
 */
export function assumedTimings(request: CreateImageRequest, output: OutputSize) {
  const { queued_ms, processing_ms, resolution_factor } = assumedTimingsFixture;
  // gpt-image-2-r ignores quality, so it is timed as the lowest tier.
  const quality = request.model === "gpt-image-2-r" ? "low" : request.quality;
  return {
    queuedMs: queued_ms,
    processingMs: Math.round(processing_ms[quality] * resolution_factor[output.resolution]),
  };
}
