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
import type { ImageInfo } from "../image-size.js";
import { outputSizeOf } from "../output-size.js";
import {
  type CompletedResult,
  CreateImageRequest,
  type CreateImageResponse,
  type FailedResult,
  type TaskResult,
  type TaskStatus,
} from "../schemas.js";
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
function changeWindow(
  steps: readonly Pick<PollStep, "afterMs" | "status">[],
  before: (status: TaskStatus) => boolean,
) {
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
  drift: DriftObserver,
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

/** Whatever takes observations: the suite's DriftLog, or the proxy's counted one. */
export type DriftObserver = Pick<DriftLog, "observe">;

/**
 * Records what a create's answer shows of assumed behaviour: the status at create, the content
 * type, and the fields beyond the documented ones.
 *
 * @example observeCreated(drift, "the provider's example request", request, answer, created);
 */
export function observeCreated(
  drift: DriftObserver,
  subject: string,
  request: CreateImageRequest,
  answer: Answer,
  created: CreateImageResponse,
): void {
  const timings = assumedTimings(request, outputSizeOf(request));
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
}

/**
 * Records the fields a polled result has beyond (or short of) the documented ones.
 *
 * @example observeResultFields(drift, subject, result);
 */
export function observeResultFields(drift: DriftObserver, subject: string, result: TaskResult) {
  drift.observe(
    `fields of a ${result.status} result`,
    subject,
    fieldsOf(docsResultFixtures[result.status]),
    fieldsOf(result),
  );
}

/**
 * Records how long a task stayed queued and processing, as far as its polls show (each between
 * the last poll before a change and the first after it), against the assumed timings.
 *
 * @example observeTimings(drift, subject, request, task.steps);
 */
export function observeTimings(
  drift: DriftObserver,
  subject: string,
  request: CreateImageRequest,
  steps: readonly Pick<PollStep, "afterMs" | "status">[],
): void {
  const timings = assumedTimings(request, outputSizeOf(request));
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
}

/**
 * Records how a task the documentation calls valid ended, against what the fake would do.
 *
 * @example observeOutcome(drift, subject, body, final);
 */
export function observeOutcome(
  drift: DriftObserver,
  subject: string,
  body: unknown,
  final: CompletedResult | FailedResult,
): void {
  drift.observe(
    "outcome",
    subject,
    assumedFate(body),
    final.status === "failed" ? `task failed: ${final.error}` : "task completed",
    (final.status === "completed") === (assumedFate(body) === "task completed"),
  );
}

/**
 * Records a completed task's image: its format and pixel size against the assumed ones.
 *
 * @example observeImage(drift, subject, request, imageInfo(bytes));
 */
export function observeImage(
  drift: DriftObserver,
  subject: string,
  request: CreateImageRequest,
  info: ImageInfo | undefined,
): void {
  const output = outputSizeOf(request);
  drift.observe("image format", subject, "png", info?.format);
  const pixels = output.pixels ? `${output.pixels.width}x${output.pixels.height}` : undefined;
  drift.observe("pixel size", subject, pixels, info && `${info.width}x${info.height}`);
}

/**
 * Records every assumed behaviour a followed task shows.
 *
 * @example observeLifecycle(drift, "the provider's example request", body, answer, task);
 */
export function observeLifecycle(
  drift: DriftObserver,
  subject: string,
  body: unknown,
  answer: Answer,
  task: FollowedTask,
): void {
  const request = CreateImageRequest.parse(body);
  observeCreated(drift, subject, request, answer, task.created);
  for (const { result } of task.steps) observeResultFields(drift, subject, result);
  observeRejection(drift, "unauthorized", "a poll without a key", task.withoutKey);
  observeRejection(drift, "unauthorized", "a poll with an unknown key", task.withUnknownKey);
  observeTimings(drift, subject, request, task.steps);
  observeOutcome(drift, subject, body, task.final);
  if (task.image) observeImage(drift, subject, request, task.image.info);
}
