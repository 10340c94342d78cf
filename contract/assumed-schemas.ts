/**
 * Schemas of behaviour nobody documents (API.md, tag [ASSUMED]).
 *
 * The fake follows them, the OpenAPI document marks them with `x-assumed`, and the contract suite
 * only reports where a target differs (drift), never fails on them unless asked to be strict.
 */
import { z } from "zod";
import { components, Quality, Ratio, Resolution } from "./schemas.js";

// Error bodies stay open for the same reason as the responses: production's are undocumented.
const OPEN_ERROR_REASON =
  "Open (`additionalProperties`): production's error bodies are undocumented and may carry more fields.";

/** One problem with a request, as the fake lists it: where, what kind, and what is wrong or allowed. */
export const ErrorIssue = z
  .strictObject({
    path: z
      .string()
      .describe("The field, dotted (`image_urls.0`), or `(body)` for the whole body."),
    code: z.string().describe("zod's issue code, e.g. `invalid_value`."),
    message: z.string().describe("What is wrong, or what is allowed."),
  })
  .describe("Closed: the fake's own shape, fully listed here.")
  .register(components, { id: "ErrorIssue" });
export type ErrorIssue = z.infer<typeof ErrorIssue>;

/** ASSUMED: the `{code, msg, data}` envelope the provider's sibling endpoints answer errors in. */
export const AssumedEnvelopeError = z
  .looseObject({
    code: z.union([z.int(), z.string()]).refine((code) => code !== 0 && code !== "0", {
      error: "an error envelope has a non-zero code",
    }),
    msg: z.string(),
    data: z.null(),
    issues: z
      .array(ErrorIssue)
      .optional()
      .describe(
        "The fake's addition, when a request breaks rules: every problem at once. Production is not known to send it.",
      ),
  })
  .describe(
    `ASSUMED error envelope, as the provider's sibling endpoints answer. ${OPEN_ERROR_REASON}`,
  )
  .register(components, { id: "AssumedEnvelopeError" });

/** ASSUMED: the Spring-style body of an unknown route. */
export const AssumedSpringError = z
  .looseObject({ message: z.string() })
  .describe(
    `ASSUMED Spring-style error body, as the provider answers unknown routes. ${OPEN_ERROR_REASON}`,
  )
  .register(components, { id: "AssumedSpringError" });

export const AssumedErrorBody = z
  .union([AssumedEnvelopeError, AssumedSpringError])
  .register(components, { id: "AssumedErrorBody" });
export type AssumedErrorBody = z.infer<typeof AssumedErrorBody>;

/** The request-level errors the fake distinguishes; each has one status and body in the fixture. */
export const ErrorKind = z.enum([
  "unauthorized",
  "invalid_request",
  "malformed_json",
  "payload_too_large",
  "unsupported_media_type",
  "task_not_found",
  "rate_limited",
  "method_not_allowed",
  "route_not_found",
]);
export type ErrorKind = z.infer<typeof ErrorKind>;

const assumedFixture = {
  assumed: z.literal(true),
  source: z.string().min(1),
};

/** `fixtures/assumed/errors.json`: the status and body template of each error kind. */
export const AssumedErrorsFixture = z.object({
  ...assumedFixture,
  errors: z.record(
    ErrorKind,
    z.object({ status: z.int().min(100).max(599), body: AssumedErrorBody }),
  ),
});
export type AssumedErrorsFixture = z.infer<typeof AssumedErrorsFixture>;

/** A pixel size written as the API writes `size`, e.g. `1536x864`. */
export const PixelSize = z.string().regex(/^[1-9][0-9]*x[1-9][0-9]*$/, {
  error: "must be WIDTHxHEIGHT in pixels",
});

/** How many recorded tasks a learned figure rests on, as `npm run fixtures:import` writes it. */
const TaskCount = z.int().min(1);

/** `fixtures/assumed/pixel-sizes.json`: the pixel size of each ratio at each resolution. */
export const AssumedPixelSizesFixture = z.object({
  ...assumedFixture,
  default_resolution: Resolution,
  sizes: z.record(Ratio, z.record(Resolution, PixelSize.nullable())),
  /** The sizes learned from recordings of production, with how many images showed each. */
  measured: z
    .partialRecord(Ratio, z.partialRecord(Resolution, z.object({ images: TaskCount })))
    .optional(),
});
export type AssumedPixelSizesFixture = z.infer<typeof AssumedPixelSizesFixture>;

/** How long a task of one quality at one resolution waits and works. */
export const TimingCell = z.object({
  queued_ms: z.int().min(0),
  processing_ms: z.int().min(0),
  /** Figures learned from recordings: each the median of this many tasks. Absent: assumed. */
  median_of_tasks: z
    .object({ queued_ms: TaskCount.optional(), processing_ms: TaskCount.optional() })
    .optional(),
});
export type TimingCell = z.infer<typeof TimingCell>;

/**
 * `fixtures/assumed/timings.json`: how long a task waits and works in the `realistic` profile, for
 * each quality at each resolution; gpt-image-2-r ignores quality and is timed as `low`.
 */
export const AssumedTimingsFixture = z.object({
  ...assumedFixture,
  timings: z.record(Quality, z.record(Resolution, TimingCell)),
});
export type AssumedTimingsFixture = z.infer<typeof AssumedTimingsFixture>;
