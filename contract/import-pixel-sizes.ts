/**
 * Learning the pixel size of each ratio at each resolution from recorded tasks: the size most of
 * their images had, for requests that named a ratio and a resolution and no `size` (which is
 * documented). Every other cell keeps its assumption.
 */
import type { AssumedPixelSizesFixture } from "./assumed-schemas.js";
import type { RecordedTask } from "./recorded-tasks.js";
import type { Ratio, Resolution } from "./schemas.js";

/** One cell the import changed, or confirmed with a new count of images. */
export interface PixelSizeChange {
  readonly ratio: Ratio;
  readonly resolution: Resolution;
  readonly from: string | null;
  readonly to: string;
  /** Images of the chosen size, and of any size for this ratio and resolution. */
  readonly images: number;
  readonly of: number;
}

/**
 * The pixel-size fixture with every cell the recorded images show set to their most common size,
 * and what changed.
 *
 * @example const { fixture, changes } = importPixelSizes(recordedTasks(recordings), assumedPixelSizesFixture);
 */
export function importPixelSizes(
  tasks: readonly RecordedTask[],
  current: AssumedPixelSizesFixture,
): { fixture: AssumedPixelSizesFixture; changes: PixelSizeChange[] } {
  const seen = new Map<
    string,
    { ratio: Ratio; resolution: Resolution; sizes: Map<string, number> }
  >();
  for (const { request, image } of tasks) {
    // A request without a resolution gets the assumed default: its image says nothing of a cell.
    if (!image || request.size || !request.resolution) continue;
    const key = `${request.ratio} ${request.resolution}`;
    const cell = seen.get(key) ?? {
      ratio: request.ratio,
      resolution: request.resolution,
      sizes: new Map(),
    };
    const size = `${image.width}x${image.height}`;
    cell.sizes.set(size, (cell.sizes.get(size) ?? 0) + 1);
    seen.set(key, cell);
  }
  const sizes = structuredClone(current.sizes);
  const measured = structuredClone(current.measured ?? {});
  const changes: PixelSizeChange[] = [];
  for (const { ratio, resolution, sizes: counted } of seen.values()) {
    // The most common size; the first seen among equals.
    const [to, images] = [...counted].reduce((best, next) => (next[1] > best[1] ? next : best));
    const of = [...counted.values()].reduce((sum, count) => sum + count, 0);
    const from = current.sizes[ratio][resolution];
    sizes[ratio][resolution] = to;
    measured[ratio] = { ...measured[ratio], [resolution]: { images } };
    if (to !== from || current.measured?.[ratio]?.[resolution]?.images !== images) {
      changes.push({ ratio, resolution, from, to, images, of });
    }
  }
  const learned = Object.keys(measured).length > 0;
  return { fixture: { ...current, sizes, ...(learned && { measured }) }, changes };
}
