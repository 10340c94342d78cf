/**
 * What a followed task says about behaviour nobody documents, compared with what the fake assumes:
 * the status at create, content types, fields beyond the documented ones, how long it queued and
 * worked, its outcome, the image's format and pixel size, and how polls without the key are
 * refused. Only ever drift: the documented rules are checked in lifecycle.ts.
 */
import { assumedError } from "../assumed-errors.js";
import type { ErrorKind } from "../assumed-schemas.js";
import { assumedTimings } from "../assumed-timings.js";
import { docsResultFixtures, seedFixtures } from "../fixtures.js";
import { outputSizeOf } from "../output-size.js";
import { CreateImageRequest, type TaskStatus } from "../schemas.js";
import { bodyShape, errorSignature } from "./answers.js";
import type { DriftLog } from "./drift.js";
import type { Answer } from "./http-client.js";
import type { FollowedTask } from "./lifecycle.js";
import type { PollStep } from "./polling.js";

/** A body's field names, sorted: what the drift report compares for extra or missing fields. */
const fieldsOf = (json: unknown) =>
  typeof json === "object" && json !== null ? Object.keys(json).sort() : [];

const pending = (status: TaskStatus) => status === "queued" || status === "processing";

/** Where a status change happened: after the last poll before it, by the first poll after it. */
function changeWindow(steps: readonly PollStep[], before: (status: TaskStatus) => boolean) {
  const firstAfter = steps.findIndex((step) => !before(step.status));
  if (firstAfter <= 0) return { minMs: 0, maxMs: steps[Math.max(firstAfter, 0)]?.afterMs ?? 0 };
  return { minMs: steps[firstAfter - 1]?.afterMs ?? 0, maxMs: steps[firstAfter]?.afterMs ?? 0 };
}

const withinFactorTwo = (assumed: number, observed: { minMs: number; maxMs: number }) =>
  observed.maxMs >= assumed / 2 && observed.minMs <= assumed * 2;

/**
 * Records how a refusal looked (status and body shape) against the fake's assumed error.
 *
 * @example observeRejection(drift, "invalid_request", "an empty prompt", answer);
 */
export function observeRejection(
  drift: DriftLog,
  kind: ErrorKind,
  subject: string,
  answer: Answer,
) {
  const assumed = assumedError(kind, { message: "" });
  drift.observe(
    `rejection: ${kind}`,
    subject,
    { status: assumed.status, shape: bodyShape(assumed.body) },
    errorSignature(answer),
  );
  drift.observe("content type of an error", kind, "application/json", answer.contentType);
}

/**
 * What the fake would do with a create: refuse it, or make a task that completes or fails (a
 * ratio with no size at its resolution fails).
 *
 * @example assumedFate({ model: "gpt-image-2-r", prompt: "a cat", resolution: "2k" }) // "refused at create"
 */
export function assumedFate(body: unknown): "refused at create" | "task completed" | "task failed" {
  const parsed = CreateImageRequest.safeParse(body);
  if (!parsed.success) return "refused at create";
  return outputSizeOf(parsed.data).pixels ? "task completed" : "task failed";
}

/**
 * Records every assumed behaviour a followed task shows.
 *
 * @example observeLifecycle(drift, "the provider's example request", body, answer, task);
 */
export function observeLifecycle(
  drift: DriftLog,
  subject: string,
  body: unknown,
  answer: Answer,
  task: FollowedTask,
): void {
  const request = CreateImageRequest.parse(body);
  const output = outputSizeOf(request);
  const timings = assumedTimings(request, output);
  const { created, steps, final } = task;
  drift.observe(
    "status at create",
    subject,
    timings.queuedMs > 0 ? "queued" : "processing",
    created.status,
  );
  drift.observe("content type of a task", "create", "application/json", answer.contentType);
  drift.observe(
    "fields of a create response",
    subject,
    fieldsOf(seedFixtures.createResponse),
    fieldsOf(answer.json),
  );
  for (const { result } of steps) {
    drift.observe(
      `fields of a ${result.status} result`,
      subject,
      fieldsOf(docsResultFixtures[result.status]),
      fieldsOf(result),
    );
  }
  observeRejection(drift, "unauthorized", "a poll without a key", task.withoutKey);
  observeRejection(drift, "unauthorized", "a poll with an unknown key", task.withUnknownKey);

  const queued = changeWindow(steps, (status) => status === "queued");
  const finished = changeWindow(steps, pending);
  const processing = {
    minMs: Math.max(0, finished.minMs - queued.maxMs),
    maxMs: finished.maxMs - queued.minMs,
  };
  drift.observe(
    "time queued (ms)",
    subject,
    timings.queuedMs,
    queued,
    withinFactorTwo(timings.queuedMs, queued),
  );
  drift.observe(
    "time processing (ms)",
    subject,
    timings.processingMs,
    processing,
    withinFactorTwo(timings.processingMs, processing),
  );
  drift.observe(
    "outcome",
    subject,
    assumedFate(body),
    final.status === "failed" ? `task failed: ${final.error}` : "task completed",
    (final.status === "completed") === (assumedFate(body) === "task completed"),
  );
  if (!task.image) return;
  drift.observe("image format", subject, "png", task.image.info?.format);
  const pixels = output.pixels ? `${output.pixels.width}x${output.pixels.height}` : undefined;
  drift.observe(
    "pixel size",
    subject,
    pixels,
    task.image.info && `${task.image.info.width}x${task.image.info.height}`,
  );
}
