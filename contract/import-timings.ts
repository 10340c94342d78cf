/**
 * Learning how long tasks stay queued and processing from recorded tasks: for each quality ×
 * resolution the recordings show, the median of the tasks whose change of status their polls
 * bracket. Every other figure keeps its assumption.
 */
import type { AssumedTimingsFixture, TimingCell } from "./assumed-schemas.js";
import { timingCellOf } from "./assumed-timings.js";
import { outputSizeOf } from "./output-size.js";
import type { RecordedTask, SeenStatus } from "./recorded-tasks.js";
import { Quality, Resolution } from "./schemas.js";

type Figure = "queued_ms" | "processing_ms";

/** One figure the import changed, or confirmed with a new count of tasks. */
export interface TimingChange {
  readonly quality: Quality;
  readonly resolution: Resolution;
  readonly figure: Figure;
  readonly from: number;
  readonly to: number;
  readonly tasks: number;
}

const midpoint = (a: SeenStatus, b: SeenStatus) => (a.at + b.at) / 2;

/**
 * How long one task was queued and then processing, where its polls bracket each change: the
 * change is put halfway between the last status before it and the first after it. A task that
 * answered `processing` at create spent no time queued, as the fake counts it.
 *
 * @example taskTimings(task) // { queuedMs: 2100, processingMs: 9800 }
 */
export function taskTimings(task: RecordedTask): { queuedMs?: number; processingMs?: number } {
  const seen = [task.created, ...task.polls];
  if (seen.some((step) => Number.isNaN(step.at))) return {};
  const firstNot = (from: number, status: SeenStatus["status"]) =>
    seen.findIndex((step, i) => i >= from && step.status !== status);
  let queuedEnd: number | undefined;
  let processingFrom = 0;
  if (task.created.status === "processing") {
    queuedEnd = task.created.at;
  } else {
    const next = firstNot(0, "queued");
    const before = seen[next - 1];
    const after = seen[next];
    // Straight from queued to an end: the polls do not say where processing began.
    if (!before || after?.status !== "processing") return {};
    queuedEnd = midpoint(before, after);
    processingFrom = next;
  }
  const queuedMs = Math.max(0, Math.round(queuedEnd - task.created.at));
  const end = firstNot(processingFrom, "processing");
  const before = seen[end - 1];
  const after = seen[end];
  if (!before || after?.status !== "completed") return { queuedMs };
  return { queuedMs, processingMs: Math.max(0, Math.round(midpoint(before, after) - queuedEnd)) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 === 1
      ? (sorted[middle] ?? 0)
      : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
  return Math.round(value);
}

/**
 * The timings fixture with every figure the recorded tasks show replaced by their median, and what
 * changed.
 *
 * @example const { fixture, changes } = importTimings(recordedTasks(recordings), assumedTimingsFixture);
 */
export function importTimings(
  tasks: readonly RecordedTask[],
  current: AssumedTimingsFixture,
): { fixture: AssumedTimingsFixture; changes: TimingChange[] } {
  const samples = new Map<string, Record<Figure, number[]>>();
  for (const task of tasks) {
    const { quality, resolution } = timingCellOf(task.request, outputSizeOf(task.request));
    const key = `${quality} ${resolution}`;
    const cell = samples.get(key) ?? { queued_ms: [], processing_ms: [] };
    const { queuedMs, processingMs } = taskTimings(task);
    if (queuedMs !== undefined) cell.queued_ms.push(queuedMs);
    if (processingMs !== undefined) cell.processing_ms.push(processingMs);
    samples.set(key, cell);
  }
  const changes: TimingChange[] = [];
  const timings = Object.fromEntries(
    Quality.options.map((quality) => [
      quality,
      Object.fromEntries(
        Resolution.options.map((resolution) => {
          const was = current.timings[quality][resolution];
          const learned = samples.get(`${quality} ${resolution}`);
          let cell: TimingCell = was;
          for (const figure of ["queued_ms", "processing_ms"] as const) {
            const values = learned?.[figure] ?? [];
            if (values.length === 0) continue;
            const to = median(values);
            cell = {
              ...cell,
              [figure]: to,
              median_of_tasks: { ...cell.median_of_tasks, [figure]: values.length },
            };
            if (to !== was[figure] || values.length !== was.median_of_tasks?.[figure]) {
              changes.push({
                quality,
                resolution,
                figure,
                from: was[figure],
                to,
                tasks: values.length,
              });
            }
          }
          return [resolution, cell];
        }),
      ),
    ]),
  ) as AssumedTimingsFixture["timings"];
  return { fixture: { ...current, timings }, changes };
}
