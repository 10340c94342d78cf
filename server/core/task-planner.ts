/**
 * Decides each new task's timings and outcome: a request's `x-fake-*` headers win over a plan
 * queued through the control API, which wins over the fake's options and its profile.
 */
import { z } from "zod";
import { assumedTimings } from "../../contract/assumed-timings.js";
import type { OutputSize } from "../../contract/output-size.js";
import type { CreateImageRequest, Ratio } from "../../contract/schemas.js";
import { wholeNumber, wholeNumberText } from "./number-input.js";
import { type Profile, TIMING_RULE } from "./options.js";
import type { Random } from "./random.js";
import type { TaskPlan } from "./tasks.js";

/** ASSUMED: the error text of a task that fails with no text chosen for it. */
export const DEFAULT_FAILURE_ERROR = "Image generation failed";

/** The longest error text a task may be given; each distinct text is kept for as long as the process runs. */
export const MAX_ERROR_LENGTH = 1000;

/**
 * The error text of a failed task that was given none: ASSUMED, a ratio with no size at the
 * resolution asked for fails the task (not the create) saying so.
 *
 * @example defaultErrorOf("1:1", { resolution: "4k", pixels: undefined }) // "ratio 1:1 is not available at 4k"
 */
export function defaultErrorOf(ratio: Ratio | undefined, output: OutputSize): string {
  return output.pixels === undefined
    ? `ratio ${ratio} is not available at ${output.resolution}`
    : DEFAULT_FAILURE_ERROR;
}

/** Any part of a task's plan, as the control API's JSON and the fake's embedder give it. */
export const PlanOverride = z.strictObject({
  outcome: z.enum(["completed", "failed"]).optional(),
  error: z
    .string()
    .min(1)
    .max(MAX_ERROR_LENGTH, { error: `must be at most ${MAX_ERROR_LENGTH} characters` })
    .optional(),
  queuedMs: wholeNumber(TIMING_RULE).optional(),
  processingMs: wholeNumber(TIMING_RULE).optional(),
});
export type PlanOverride = z.output<typeof PlanOverride>;

/** The same override as the `x-fake-*` headers give it: timings in digits. */
export const PlanOverrideHeaders = PlanOverride.extend({
  queuedMs: wholeNumberText(TIMING_RULE).optional(),
  processingMs: wholeNumberText(TIMING_RULE).optional(),
});

/** The request headers that override the plan of the task they create. */
export const PLAN_HEADERS = {
  outcome: "x-fake-outcome",
  error: "x-fake-error",
  queuedMs: "x-fake-queued-ms",
  processingMs: "x-fake-processing-ms",
} as const satisfies Record<keyof PlanOverride, string>;

/** A plan with the parts an override gives replaced. */
export const withOverride = (plan: TaskPlan, override: PlanOverride): TaskPlan => ({
  queuedMs: override.queuedMs ?? plan.queuedMs,
  processingMs: override.processingMs ?? plan.processingMs,
  outcome: override.outcome ?? plan.outcome,
  error: override.error ?? plan.error,
});

const FAST = { queuedMs: 50, processingMs: 200 };

function profileTimings(profile: Profile, request: CreateImageRequest, output: OutputSize) {
  switch (profile) {
    case "instant":
      return { queuedMs: 0, processingMs: 0 };
    case "fast":
      return FAST;
    case "realistic":
      return assumedTimings(request, output);
  }
}

export interface PlannerOptions {
  readonly profile: Profile;
  readonly queuedMs?: number | undefined;
  readonly processingMs?: number | undefined;
  readonly failureRate: number;
}

export class TaskPlanner {
  #queue: { remaining: number; override: PlanOverride }[] = [];

  constructor(
    private readonly options: PlannerOptions,
    private readonly random: Random,
  ) {}

  /** Queues an override for the next `count` tasks created. */
  planNext(count: number, override: PlanOverride): void {
    this.#queue.push({ remaining: count, override });
  }

  /** The overrides still queued, in the order they will be used. */
  queued(): readonly { remaining: number; override: PlanOverride }[] {
    return this.#queue.map((entry) => ({ ...entry }));
  }

  reset(): void {
    this.#queue = [];
  }

  plan(request: CreateImageRequest, output: OutputSize, fromHeaders: PlanOverride): TaskPlan {
    const queued = this.#takeQueued();
    const timings = profileTimings(this.options.profile, request, output);
    const drawn = this.random.next() < this.options.failureRate ? "failed" : "completed";
    const impossible = output.pixels === undefined;
    const fallback = defaultErrorOf(request.ratio, output);
    // The headers' override wins over a queued one, field by field.
    return {
      queuedMs:
        fromHeaders.queuedMs ?? queued.queuedMs ?? this.options.queuedMs ?? timings.queuedMs,
      processingMs:
        fromHeaders.processingMs ??
        queued.processingMs ??
        this.options.processingMs ??
        timings.processingMs,
      outcome: impossible ? "failed" : (fromHeaders.outcome ?? queued.outcome ?? drawn),
      error: impossible ? fallback : (fromHeaders.error ?? queued.error ?? fallback),
    };
  }

  #takeQueued(): PlanOverride {
    const head = this.#queue[0];
    if (!head) return {};
    head.remaining -= 1;
    if (head.remaining <= 0) this.#queue.shift();
    return head.override;
  }
}
