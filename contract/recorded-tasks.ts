/**
 * The tasks a folder of recordings shows, followed from their create through their polls to their
 * image: what `npm run fixtures:import` learns pixel sizes and timings from. Recordings of the
 * contract suite and of the proxy read alike; only requests the documentation fully decides count.
 */
import { judgeCreateRequest } from "./create-request-rules.js";
import { RecordedImage, type Recording } from "./recording.js";
import {
  type CreateImageRequest,
  CreateImageResponse,
  TaskResult,
  type TaskStatus,
} from "./schemas.js";

/** A status a task was seen in, and when (Unix ms, halfway through the exchange that saw it). */
export interface SeenStatus {
  readonly at: number;
  readonly status: TaskStatus;
}

export interface RecordedTask {
  readonly id: string;
  readonly request: CreateImageRequest;
  /** The create: when, and the status it answered. */
  readonly created: SeenStatus;
  /** The polls answered with this task, in time order. */
  readonly polls: readonly SeenStatus[];
  /** Its image as the recording saw it, when one was downloaded with its size readable. */
  readonly image: { readonly width: number; readonly height: number } | undefined;
  /** Where it came from, for the fixtures' `source`. */
  readonly host: string;
}

const isSuccess = (recording: Recording) =>
  recording.response.status >= 200 && recording.response.status < 300;

/** Halfway through the exchange: when the answer it got was most likely true. */
const seenAt = (recording: Recording) =>
  recording.at === undefined ? undefined : Date.parse(recording.at) + recording.durationMs / 2;

/**
 * Links creates, polls and image downloads into tasks. A recording without a time (`at`) still
 * gives its image, never a timing.
 *
 * @example recordedTasks(await readRecordings("reports/recordings")).length
 */
export function recordedTasks(recordings: readonly Recording[]): RecordedTask[] {
  const polls = new Map<string, { at: number | undefined; result: TaskResult }[]>();
  const images = new Map<string, { width: number; height: number }>();
  for (const recording of recordings) {
    if (!isSuccess(recording) || recording.request.method !== "GET") continue;
    const polled = TaskResult.safeParse(recording.response.body);
    if (polled.success) {
      const list = polls.get(polled.data.id) ?? [];
      list.push({ at: seenAt(recording), result: polled.data });
      polls.set(polled.data.id, list);
      continue;
    }
    const image = RecordedImage.safeParse(recording.response.body);
    const { width, height } = image.success ? image.data.image : {};
    if (width !== undefined && height !== undefined)
      images.set(recording.request.url, { width, height });
  }
  const tasks: RecordedTask[] = [];
  for (const recording of recordings) {
    if (!isSuccess(recording) || recording.request.method !== "POST") continue;
    const created = CreateImageResponse.safeParse(recording.response.body);
    if (!created.success) continue;
    const judged = judgeCreateRequest(recording.request.body);
    // Only what the documentation decides: an open request may be answered any way.
    if (!judged.ok || !judged.request || judged.open.length > 0) continue;
    const seen = (polls.get(created.data.id) ?? []).filter(
      ({ result }) => result.id === created.data.id,
    );
    const completed = seen.find(({ result }) => result.status === "completed")?.result;
    const createdAt = seenAt(recording);
    tasks.push({
      id: created.data.id,
      request: judged.request,
      created: { at: createdAt ?? Number.NaN, status: created.data.status },
      polls:
        createdAt === undefined
          ? []
          : seen
              .flatMap(({ at, result }) =>
                at === undefined ? [] : [{ at, status: result.status }],
              )
              .sort((a, b) => a.at - b.at),
      image: completed?.status === "completed" ? images.get(completed.image_url) : undefined,
      host: new URL(recording.request.url).host,
    });
  }
  return tasks;
}
