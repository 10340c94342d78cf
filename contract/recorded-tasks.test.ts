import { describe, expect, it } from "vitest";
import { assumedPixelSizesFixture, assumedTimingsFixture } from "./fixtures.js";
import { importPixelSizes } from "./import-pixel-sizes.js";
import { importTimings, taskTimings } from "./import-timings.js";
import { recordedTasks } from "./recorded-tasks.js";
import { type Recording, recordedImage } from "./recording.js";

const BASE = "https://api.example.test/kyyReactApiServer";
const T0 = Date.parse("2026-11-28T12:00:00.000Z");
const at = (ms: number) => new Date(T0 + ms).toISOString();

/** The recordings of one task: its create, then polls `[ms, status]`, and its image when given. */
function task(
  n: number,
  body: Record<string, unknown>,
  polls: [number, string][],
  image?: { width: number; height: number },
  createdAs = "queued",
): Recording[] {
  const id = `image_00000000-0000-4000-8000-${String(n).padStart(12, "0")}`;
  const imageUrl = `https://cdn.example.test/${id}.png`;
  const task = { id, created: 1774836724, model: body.model };
  const recordings: Recording[] = [
    {
      seq: 0,
      label: "create",
      request: { method: "POST", url: `${BASE}/v1/image2/images`, headers: {}, body },
      response: {
        status: 200,
        headers: {},
        body: { ...task, object: "image", status: createdAs, error: null },
      },
      durationMs: 0,
      at: at(0),
    },
    ...polls.map(
      ([ms, status]): Recording => ({
        seq: 0,
        label: "result",
        request: { method: "GET", url: `${BASE}/v1/result/${id}`, headers: {} },
        response: {
          status: 200,
          headers: {},
          body: {
            ...task,
            object: "image.generation",
            status,
            ...(status === "completed" && { image_url: imageUrl }),
          },
        },
        durationMs: 0,
        at: at(ms),
      }),
    ),
  ];
  if (image) {
    recordings.push({
      seq: 0,
      label: "image",
      request: { method: "GET", url: imageUrl, headers: {} },
      response: {
        status: 200,
        headers: {},
        body: recordedImage("image/png", 5000, { format: "png", ...image }),
      },
      durationMs: 0,
    });
  }
  return recordings;
}

const cat = { model: "gpt-image-2", prompt: "a cat" };

describe("timing a recorded task", () => {
  it("puts each change halfway between the polls around it", () => {
    const [recorded] = recordedTasks(
      task(1, cat, [
        [1000, "queued"],
        [3000, "processing"],
        [5000, "processing"],
        [9000, "completed"],
      ]),
    );
    expect(recorded && taskTimings(recorded)).toEqual({ queuedMs: 2000, processingMs: 5000 });
  });

  it("counts no time queued for a task that answered processing at create", () => {
    const [recorded] = recordedTasks(task(1, cat, [[4000, "completed"]], undefined, "processing"));
    expect(recorded && taskTimings(recorded)).toEqual({ queuedMs: 0, processingMs: 2000 });
  });

  it("times nothing its polls do not bracket, nor a task that failed", () => {
    const straight = recordedTasks(task(1, cat, [[5000, "completed"]]))[0];
    expect(straight && taskTimings(straight)).toEqual({});
    const failed = recordedTasks(
      task(2, cat, [
        [1000, "processing"],
        [3000, "failed"],
      ]),
    )[0];
    expect(failed && taskTimings(failed)).toEqual({ queuedMs: 500 });
  });
});

describe("learning from recorded tasks", () => {
  const recordings = [
    ...task(
      1,
      { ...cat, ratio: "4:3", resolution: "1k" },
      [
        [1000, "processing"],
        [3000, "completed"],
      ],
      { width: 1200, height: 900 },
    ),
    ...task(
      2,
      { ...cat, ratio: "4:3", resolution: "1k" },
      [
        [3000, "processing"],
        [9000, "completed"],
      ],
      { width: 1200, height: 900 },
    ),
    ...task(
      3,
      { ...cat, ratio: "4:3", resolution: "1k" },
      [
        [2000, "processing"],
        [5000, "completed"],
      ],
      { width: 1024, height: 768 },
    ),
    // Documented sizes, the default resolution and open requests teach no cell.
    ...task(4, { ...cat, size: "1536x1024" }, [], { width: 1600, height: 1000 }),
    ...task(5, { ...cat, ratio: "16:9" }, [], { width: 1600, height: 900 }),
    ...task(
      6,
      { model: "gpt-image-2-r", prompt: "x", ratio: "1:1", resolution: "2k" },
      [
        [1000, "processing"],
        [3000, "completed"],
      ],
      { width: 2000, height: 2000 },
    ),
  ];
  const tasks = recordedTasks(recordings);

  it("takes the median of each quality × resolution shown, with its count, and keeps the rest", () => {
    const { fixture, changes } = importTimings(tasks, assumedTimingsFixture);
    // Queued 500, 1500 and 1000 ms; processing 1500, 4500 and 2500 ms.
    expect(fixture.timings.low["1k"]).toEqual({
      queued_ms: 1000,
      processing_ms: 2500,
      median_of_tasks: { queued_ms: 3, processing_ms: 3 },
    });
    expect(fixture.timings.high).toEqual(assumedTimingsFixture.timings.high);
    expect(changes).toEqual([
      { quality: "low", resolution: "1k", figure: "queued_ms", from: 2000, to: 1000, tasks: 3 },
      {
        quality: "low",
        resolution: "1k",
        figure: "processing_ms",
        from: 10000,
        to: 2500,
        tasks: 3,
      },
    ]);
    expect(importTimings(tasks, fixture).changes).toEqual([]);
  });

  it("takes the size most images of a ratio at a resolution had, and keeps the rest", () => {
    const { fixture, changes } = importPixelSizes(tasks, assumedPixelSizesFixture);
    expect(fixture.sizes["4:3"]["1k"]).toBe("1200x900");
    expect(fixture.measured).toEqual({ "4:3": { "1k": { images: 2 } } });
    expect(changes).toEqual([
      { ratio: "4:3", resolution: "1k", from: "1024x768", to: "1200x900", images: 2, of: 3 },
    ]);
    expect({ ...fixture.sizes, "4:3": assumedPixelSizesFixture.sizes["4:3"] }).toEqual(
      assumedPixelSizesFixture.sizes,
    );
    expect(importPixelSizes(tasks, fixture).changes).toEqual([]);
  });

  it("learns nothing from a recording without times but its images", () => {
    const untimed = recordings.map(({ at: _, ...recording }) => recording);
    expect(importTimings(recordedTasks(untimed), assumedTimingsFixture).changes).toEqual([]);
    expect(importPixelSizes(recordedTasks(untimed), assumedPixelSizesFixture).changes).toHaveLength(
      1,
    );
  });
});
