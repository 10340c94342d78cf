/**
 * The fixtures under `fixtures/`, each checked against its schema, so a hand-edited or imported
 * fixture that breaks its schema fails loudly, naming the file. The assumed ones, which the fake
 * answers from and `fixtures:import` rewrites, are checked when first imported: at start. The
 * examples (seed/, docs/) only go into documents and the suite's drift checks, and are checked when
 * first read, so the fake's start does not wait for them.
 */
import { z } from "zod";
import assumedErrors from "../fixtures/assumed/errors.json" with { type: "json" };
import assumedPixelSizes from "../fixtures/assumed/pixel-sizes.json" with { type: "json" };
import assumedTimings from "../fixtures/assumed/timings.json" with { type: "json" };
import resultCompleted from "../fixtures/docs/result-completed.json" with { type: "json" };
import resultFailed from "../fixtures/docs/result-failed.json" with { type: "json" };
import resultProcessing from "../fixtures/docs/result-processing.json" with { type: "json" };
import resultQueued from "../fixtures/docs/result-queued.json" with { type: "json" };
import seedRequest from "../fixtures/seed/create-request.json" with { type: "json" };
import seedResponse from "../fixtures/seed/create-response.json" with { type: "json" };
import {
  AssumedErrorsFixture,
  AssumedPixelSizesFixture,
  AssumedTimingsFixture,
} from "./assumed-schemas.js";
import { onFirstUse } from "./on-first-use.js";
import { PARSED_ONCE } from "./parsed-once.js";
import { CreateImageRequest, CreateImageResponse, TaskResult, type TaskStatus } from "./schemas.js";

function parseFixture<S extends z.ZodType>(schema: S, value: unknown, file: string): z.output<S> {
  const result = schema.safeParse(value, PARSED_ONCE);
  if (!result.success) {
    throw new Error(`fixtures/${file} breaks its schema:\n${z.prettifyError(result.error)}`);
  }
  return result.data;
}

// Examples keep their verbatim shape: no defaults filled in, no fields dropped.
function checked<S extends z.ZodType>(schema: S, value: unknown, file: string): z.input<S> {
  parseFixture(schema, value, file);
  return value as z.input<S>;
}

const seedCreateRequest = onFirstUse(() =>
  checked(CreateImageRequest, seedRequest, "seed/create-request.json"),
);
const seedCreateResponse = onFirstUse(() =>
  checked(CreateImageResponse, seedResponse, "seed/create-response.json"),
);
const docsResult = {
  queued: onFirstUse(() => checked(TaskResult, resultQueued, "docs/result-queued.json")),
  processing: onFirstUse(() =>
    checked(TaskResult, resultProcessing, "docs/result-processing.json"),
  ),
  completed: onFirstUse(() => checked(TaskResult, resultCompleted, "docs/result-completed.json")),
  failed: onFirstUse(() => checked(TaskResult, resultFailed, "docs/result-failed.json")),
};

/** The seed page's own example, verbatim. */
export const seedFixtures = {
  get createRequest() {
    return seedCreateRequest();
  },
  get createResponse() {
    return seedCreateResponse();
  },
};

/** A result body for each status, built from the documented field table of the query page. */
export const docsResultFixtures: Readonly<Record<TaskStatus, z.input<typeof TaskResult>>> = {
  get queued() {
    return docsResult.queued();
  },
  get processing() {
    return docsResult.processing();
  },
  get completed() {
    return docsResult.completed();
  },
  get failed() {
    return docsResult.failed();
  },
};

/** ASSUMED: the status and body of each request-level error. */
export const assumedErrorsFixture = parseFixture(
  AssumedErrorsFixture,
  assumedErrors,
  "assumed/errors.json",
);

/** ASSUMED: the pixel size of each ratio at each resolution. */
export const assumedPixelSizesFixture = parseFixture(
  AssumedPixelSizesFixture,
  assumedPixelSizes,
  "assumed/pixel-sizes.json",
);

/** ASSUMED: how long tasks take in the fake's `realistic` profile. */
export const assumedTimingsFixture = parseFixture(
  AssumedTimingsFixture,
  assumedTimings,
  "assumed/timings.json",
);
