import type { AssumedTimingsFixture } from "./assumed-schemas.js";
import { assumedTimingsFixture } from "./fixtures.js";
import type { OutputSize } from "./output-size.js";
import type { CreateImageRequest, Quality, Resolution } from "./schemas.js";

/**
 * Which figures of the timings table time a request: its quality (gpt-image-2-r ignores quality,
 * so it is timed as the lowest tier) at the resolution of its output.
 *
 * @example timingCellOf(request, outputSizeOf(request)) // { quality: "high", resolution: "4k" }
 */
export function timingCellOf(
  request: CreateImageRequest,
  output: OutputSize,
): { quality: Quality; resolution: Resolution } {
  const quality = request.model === "gpt-image-2-r" ? "low" : request.quality;
  return { quality, resolution: output.resolution };
}

/**
 * ASSUMED: how long a task of this request waits and works on production, from
 * `fixtures/assumed/timings.json`; the fake's `realistic` profile.
 *
 * @example assumedTimings(request, outputSizeOf(request)) // { queuedMs: 2000, processingMs: 10000 }
 */
export function assumedTimings(
  request: CreateImageRequest,
  output: OutputSize,
  fixture: AssumedTimingsFixture = assumedTimingsFixture,
) {
  const { quality, resolution } = timingCellOf(request, output);
  const cell = fixture.timings[quality][resolution];
  return { queuedMs: cell.queued_ms, processingMs: cell.processing_ms };
}
