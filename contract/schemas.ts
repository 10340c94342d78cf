/**
 * The documented rules of the GPT Image 2 task API, as zod schemas.
 *
 * Only what the provider publishes lives here (API.md, tag [DOC]). Behaviour nobody documents
 * (error bodies, pixel sizes, timings) lives in `assumed-schemas.ts` and `fixtures/assumed/`, so
 * the contract suite can fail on these rules and only report drift on the others.
 */
import { z } from "zod";
import { FetchableUrl, HttpUrl } from "./http-url.js";

/** Named schemas that become `components.schemas` of the OpenAPI document, by id. */
export const components = z.registry<{ id: string }>();

export const Model = z
  .enum(["gpt-image-2", "gpt-image-2-r"])
  .describe(
    "gpt-image-2: billed by quality tier, up to 4K, up to 6 reference images. " +
      "gpt-image-2-r: billed by resolution, up to 1K, up to 16 reference images.",
  )
  .register(components, { id: "Model" });
export type Model = z.infer<typeof Model>;

export const Quality = z
  .enum(["low", "medium", "high"])
  .describe("Quality tier; ignored by gpt-image-2-r.")
  .register(components, { id: "Quality" });
export type Quality = z.infer<typeof Quality>;

export const Ratio = z
  .enum([
    "1:1",
    "16:9",
    "9:16",
    "4:3",
    "3:4",
    "3:2",
    "2:3",
    "5:4",
    "4:5",
    "2:1",
    "1:2",
    "21:9",
    "9:21",
  ])
  .describe("Aspect ratio; goes with `resolution`.")
  .register(components, { id: "Ratio" });
export type Ratio = z.infer<typeof Ratio>;

export const Resolution = z
  .enum(["1k", "2k", "4k"])
  .describe("Resolution tier; needs `ratio`, which defaults to 1:1.")
  .register(components, { id: "Resolution" });
export type Resolution = z.infer<typeof Resolution>;

export const Size = z
  .enum(["1024x1024", "1536x1024", "1024x1536", "2048x2048", "2048x1152", "3840x2160", "2160x3840"])
  .describe("Exact pixel size; when given it wins over `resolution` and `ratio`.")
  .register(components, { id: "Size" });
export type Size = z.infer<typeof Size>;

/** The tier of each documented size, as the provider's page labels them (2K Square, 4K Landscape, …). */
export const SIZE_RESOLUTION = {
  "1024x1024": "1k",
  "1536x1024": "1k",
  "1024x1536": "1k",
  "2048x2048": "2k",
  "2048x1152": "2k",
  "3840x2160": "4k",
  "2160x3840": "4k",
} as const satisfies Record<Size, Resolution>;

/** What each model accepts beyond the shared fields. */
export const MODEL_LIMITS = {
  "gpt-image-2": { maxReferenceImages: 6, maxResolution: "4k" },
  "gpt-image-2-r": { maxReferenceImages: 16, maxResolution: "1k" },
} as const satisfies Record<Model, { maxReferenceImages: number; maxResolution: Resolution }>;

export const TaskStatus = z
  .enum(["queued", "processing", "completed", "failed"])
  .describe("queued → processing → completed | failed; a terminal task never changes.");
export type TaskStatus = z.infer<typeof TaskStatus>;

/** The lifecycle's order [DOC]: queued, then processing, then one of the two terminal statuses. */
const STATUS_RANK = { queued: 0, processing: 1, completed: 2, failed: 2 } as const satisfies Record<
  TaskStatus,
  number
>;

/** A status after which the task never changes [DOC]. */
export type TerminalStatus = "completed" | "failed";

/**
 * Whether a task in this status has ended and will never change again.
 *
 * @example isTerminalStatus("failed") // true
 */
export const isTerminalStatus = (status: TaskStatus): status is TerminalStatus =>
  STATUS_RANK[status] === STATUS_RANK.completed;

/**
 * Whether a task may go from one status to the other: forward in the lifecycle, or staying put.
 *
 * @example isForwardMove("queued", "completed") // true; isForwardMove("completed", "failed") // false
 */
export const isForwardMove = (from: TaskStatus, to: TaskStatus) =>
  from === to || STATUS_RANK[to] > STATUS_RANK[from];

export const TaskId = z
  .string()
  .regex(/^image_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
    error: "must be image_ followed by a lowercase UUID",
  })
  .describe("`image_` followed by a UUID.")
  .register(components, { id: "TaskId" });

/**
 * The first Unix time in seconds the API's `created` can no longer be: a millisecond timestamp of
 * today (~1.7e12) is far above it, so the bound tells seconds from milliseconds.
 */
export const UNIX_SECONDS_LIMIT = 100_000_000_000;

const UnixSeconds = z
  .int()
  .min(0)
  .lt(UNIX_SECONDS_LIMIT, { error: "must be Unix seconds, not milliseconds" })
  .describe("Unix time in seconds.");

components.add(HttpUrl, { id: "HttpUrl" });

/** The resolutions a model goes up to. */
export function resolutionsFor(model: Model): Resolution[] {
  const max = Resolution.options.indexOf(MODEL_LIMITS[model].maxResolution);
  return Resolution.options.filter((_, index) => index <= max);
}

/** The documented sizes within a model's resolutions. */
export function sizesFor(model: Model): Size[] {
  const resolutions = resolutionsFor(model);
  return Size.options.filter((size) => resolutions.includes(SIZE_RESOLUTION[size]));
}

const listed = (values: readonly string[]) => values.map((value) => `"${value}"`).join(", ");

function createRequestFor<M extends Model>(model: M) {
  const limits = MODEL_LIMITS[model];
  const resolutions = resolutionsFor(model);
  const sizes = sizesFor(model);
  return z.object({
    model: z.literal(model),
    prompt: z.string({ error: "is required and must be a string" }).min(1, {
      error: "must not be empty",
    }),
    quality: Quality.default("low"),
    ratio: Ratio.default("1:1"),
    resolution: (resolutions.length === Resolution.options.length
      ? Resolution
      : z.enum(resolutions, { error: `must be ${listed(resolutions)} for ${model}` })
    ).optional(),
    size: (sizes.length === Size.options.length
      ? Size
      : z.enum(sizes, { error: `must be one of ${listed(sizes)} for ${model}` })
    ).optional(),
    image_urls: z
      .array(HttpUrl)
      .max(limits.maxReferenceImages, {
        error: `takes at most ${limits.maxReferenceImages} reference images for ${model}`,
      })
      .default([])
      .describe(`Reference image URLs, at most ${limits.maxReferenceImages} for ${model}.`),
  });
}

export const CreateImageRequest = z
  .discriminatedUnion(
    "model",
    [createRequestFor("gpt-image-2"), createRequestFor("gpt-image-2-r")],
    {
      error: (issue) =>
        typeof issue.input === "object" && issue.input !== null && !Array.isArray(issue.input)
          ? `must be one of ${listed(Model.options)}`
          : "the body must be a JSON object",
    },
  )
  .describe(
    "Creates one image-generation task. `size` wins over `resolution`/`ratio` when both are given.",
  )
  .register(components, { id: "CreateImageRequest" });
/** A create request as a client may send it (defaults not yet applied). */
export type CreateImageRequestInput = z.input<typeof CreateImageRequest>;
/** A create request with its defaults applied. */
export type CreateImageRequest = z.output<typeof CreateImageRequest>;

export const PendingStatus = z.enum(["queued", "processing"]);

// Why the responses are open (`additionalProperties`) rather than closed, said in each of them.
const OPEN_RESPONSE =
  "Open (`additionalProperties`): production may add fields the docs do not list (open-source clients read an `amount`), so a client must ignore fields it does not know.";

export const CreateImageResponse = z
  .looseObject({
    id: TaskId,
    object: z.literal("image"),
    created: UnixSeconds,
    model: Model,
    status: PendingStatus,
    error: z.null(),
  })
  .describe(`The task just created; poll GET /v1/result/{id} for its outcome. ${OPEN_RESPONSE}`)
  .register(components, { id: "CreateImageResponse" });
export type CreateImageResponse = z.infer<typeof CreateImageResponse>;

const resultFields = {
  id: TaskId,
  object: z.literal("image.generation"),
  created: UnixSeconds,
  model: Model,
};

export const PendingResult = z
  .looseObject({
    ...resultFields,
    status: PendingStatus,
    image_url: z.null().optional(),
    error: z.null().optional(),
  })
  .describe(`A task still queued or processing. ${OPEN_RESPONSE}`)
  .register(components, { id: "PendingResult" });

export const CompletedResult = z
  .looseObject({
    ...resultFields,
    status: z.literal("completed"),
    image_url: FetchableUrl.describe("The image; valid for 24 hours after completion."),
    error: z.null().optional(),
  })
  .describe(`A completed task, with its image. ${OPEN_RESPONSE}`)
  .register(components, { id: "CompletedResult" });
export type CompletedResult = z.infer<typeof CompletedResult>;

export const FailedResult = z
  .looseObject({
    ...resultFields,
    status: z.literal("failed"),
    error: z.string().describe("Why the task failed, moderation included."),
    image_url: z.null().optional(),
  })
  .describe(`A failed task, with the reason. ${OPEN_RESPONSE}`)
  .register(components, { id: "FailedResult" });
export type FailedResult = z.infer<typeof FailedResult>;

export const TaskResult = z
  .discriminatedUnion("status", [PendingResult, CompletedResult, FailedResult])
  .describe("A task as polled: `image_url` only when completed, `error` only when failed.")
  .register(components, { id: "TaskResult" });
export type TaskResult = z.infer<typeof TaskResult>;

/**
 * Whether a polled task has ended: completed or failed, never to change again.
 *
 * @example if (isFinishedTask(task)) console.log(task.status === "completed" ? task.image_url : task.error);
 */
export const isFinishedTask = (task: TaskResult): task is CompletedResult | FailedResult =>
  isTerminalStatus(task.status);
