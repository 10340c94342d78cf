/**
 * What the control API answers and takes beyond the bodies its core modules own: the zod schemas
 * of its answers and query strings. Each is registered under the name the control API's OpenAPI
 * document gives it, and under vitest every answer is checked against its schema.
 */
import { z } from "zod";
import { ErrorIssue } from "../../contract/assumed-schemas.js";
import { routes } from "../../contract/routes.js";
import { Model, TaskId, TaskStatus } from "../../contract/schemas.js";
import { LATEST_CLOCK_MS } from "../core/clock.js";
import { FaultBody, FaultRule } from "../core/faults.js";
import { JournalEntry } from "../core/journal.js";
import { wholeNumber, wholeNumberText } from "../core/number-input.js";
import { PollingGrade } from "../core/polling-grader.js";
import { PlanOverride } from "../core/task-planner.js";

/** The control API's named schemas, as `components.schemas` of its document. */
export const controlComponents = z.registry<{ id: string }>();

const named = <S extends z.ZodType>(schema: S, id: string): S => {
  controlComponents.add(schema, { id });
  return schema;
};

named(PlanOverride, "PlanOverride");
named(FaultRule, "FaultRule");
named(FaultBody, "JsonValue");
named(JournalEntry, "JournalEntry");
named(PollingGrade, "PollingGrade");

export const NextTasks = named(
  PlanOverride.extend({ count: wholeNumber({ min: 1 }).default(1) }),
  "NextTasks",
);

const ADVANCE_RULE = `must be a number of ms from 0 to ${LATEST_CLOCK_MS}`;
export const ClockAdvance = named(
  z.strictObject({
    advanceMs: z
      .number({ error: ADVANCE_RULE })
      .min(0, { error: ADVANCE_RULE })
      .max(LATEST_CLOCK_MS, { error: ADVANCE_RULE }),
  }),
  "ClockAdvance",
);

/** A request that takes no options: `{}`, or no body at all. */
export const NoBody = named(z.strictObject({}), "NoOptions");

export const ControlErrorBody = named(
  z.object({
    error: z.string().describe("What was wrong, and how to fix it"),
    issues: z.array(ErrorIssue).describe("Each problem with the request, where there are several"),
  }),
  "ControlError",
);

export const Ok = named(z.object({ ok: z.literal(true) }), "Ok");

export const ClockState = named(
  z.object({
    kind: z
      .enum(["system", "manual"])
      .describe("manual: time moves only through POST /__fake/clock"),
    now: z.number().describe("The fake's time, Unix ms"),
  }),
  "Clock",
);

export const Health = named(
  z.object({
    ok: z.literal(true),
    clock: ClockState,
    tasks: z.int().min(0).describe("How many recent tasks /__fake/tasks lists"),
    seed: z.string().describe("The seed that seals task ids; replicas need the same one"),
    memory: z.object({ rssMb: z.number(), heapUsedMb: z.number() }),
  }),
  "Health",
);

export const ControlTask = named(
  z.object({
    id: TaskId,
    model: Model,
    status: TaskStatus.describe("The status a poll answers now"),
    createdMs: z.number().describe("When it was created, on the fake's clock, Unix ms"),
    queuedMs: z.int().min(0),
    processingMs: z.int().min(0),
    finishesAtMs: z.number().describe("When it becomes completed or failed, Unix ms"),
    outcome: z.enum(["completed", "failed"]),
    error: z.string().optional().describe("The error a failed task answers"),
    pixels: z
      .object({ width: z.int(), height: z.int() })
      .nullable()
      .describe("The image's size; null when its ratio has no size at its resolution"),
    image: z.string().optional().describe("The image's path, once completed"),
    keyId: z.string().describe("A fingerprint of the key that created it"),
    request: z
      .record(z.string(), z.unknown())
      .describe("The request as the fake understood it; the prompt cut to 200 characters"),
  }),
  "ControlTask",
);

export const TaskPage = named(
  z.object({
    tasks: z.array(ControlTask),
    total: z.int().min(0).describe("How many recent tasks there are in all"),
  }),
  "TaskPage",
);

export const PlannedTasks = named(
  z.object({
    next: z
      .array(z.object({ remaining: z.int().min(1), override: PlanOverride }))
      .describe("The plans still queued, in the order the next tasks take them"),
  }),
  "PlannedTasks",
);

export const RequestPage = named(
  z.object({
    requests: z.array(JournalEntry),
    total: z.int().min(0).describe("How many journal entries match the filters in all"),
  }),
  "RequestPage",
);

export const PollingGrades = named(z.object({ keys: z.array(PollingGrade) }), "PollingGrades");

export const StoredFault = named(
  FaultRule.extend({
    id: z.string(),
    applied: z.int().min(0).describe("How many requests it has applied to"),
  }),
  "StoredFault",
);

export const FaultList = named(z.object({ faults: z.array(StoredFault) }), "FaultList");

/** A task's id as the control API takes it: any text, answered 404 when no recent task has it. */
export const ControlTaskId = named(z.string(), "ControlTaskId");
export const FaultId = named(z.string(), "FaultId");

/** The most a page holds: enough for a screen, little enough to render at once. */
export const MAX_PAGE = 1000;

const PAGE_FIELDS = {
  offset: wholeNumberText({ min: 0 })
    .optional()
    .describe("How many matching items to skip (default 0)"),
  limit: wholeNumberText({ min: 1, max: MAX_PAGE })
    .optional()
    .describe(`The most items to answer, 1 to ${MAX_PAGE} (default: all of them)`),
  order: z
    .enum(["oldest", "newest"], { error: "must be oldest or newest" })
    .optional()
    .describe("oldest first (the default) or newest first"),
};

export const TasksQuery = z.strictObject(PAGE_FIELDS);

const STATUS_FILTER = /^([1-5])(xx|[0-9]{2})$|^0$/;

export const RequestsQuery = z.strictObject({
  ...PAGE_FIELDS,
  route: z
    .enum([...(Object.keys(routes) as (keyof typeof routes)[]), "image"], {
      error: `must be ${Object.keys(routes).join(", ")} or image`,
    })
    .optional()
    .describe("Only requests for this route"),
  taskId: TaskId.optional().describe("Only requests about this task"),
  status: z
    .string()
    .regex(STATUS_FILTER, { error: "must be a status such as 429, a class such as 5xx, or 0" })
    .optional()
    .describe("Only requests answered with this status (429), in this class (4xx), or 0 (none)"),
});

const threshold = z
  .string()
  .regex(/^\d+(\.\d+)?$/, { error: "must be a number of ms, 0 or more" })
  .transform(Number)
  .optional();

export const PollingQuery = z.strictObject({
  minIntervalMs: threshold.describe("Shortest polite wait between polls (default 2000)"),
  repeatWindowMs: threshold.describe("Creates of one body closer than this repeat (default 1000)"),
  retryWindowMs: threshold.describe(
    "A create resent this soon after an unknown outcome is a retry (default 600000)",
  ),
  abandonGraceMs: threshold.describe(
    "How long a pending task may go unpolled after a failed poll (default 30000)",
  ),
});

/**
 * A journal filter from `status=`: an exact status, or the first digit of a class.
 *
 * @example statusFilterOf("5xx") // { class: 5 }
 */
export function statusFilterOf(text: string): { exact: number } | { class: number } {
  const [, first, rest] = STATUS_FILTER.exec(text) ?? [];
  return rest === "xx" ? { class: Number(first) } : { exact: Number(text) };
}
