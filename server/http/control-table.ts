/**
 * The control API's route table: each route under /__fake once, as plain data. Its Hono
 * registration and input validation (control-routes.ts) and its OpenAPI document
 * (control-openapi.ts) are derived from it, as the API's are from contract/routes.ts.
 */
import type { z } from "zod";
import { seedFixtures } from "../../contract/fixtures.js";
import type { Example, PathParam } from "../../contract/routes.js";
import { FaultRule } from "../core/faults.js";
import { PlanOverride } from "../core/task-planner.js";
import type { ControlStatus } from "./control-error.js";
import { CONTROL_DOCUMENT_PATH } from "./control-paths.js";
import {
  ClockAdvance,
  ClockState,
  ControlTask,
  ControlTaskId,
  FaultId,
  FaultList,
  Health,
  NextTasks,
  NoBody,
  Ok,
  PlannedTasks,
  PollingGrades,
  PollingQuery,
  RequestPage,
  RequestsQuery,
  StoredFault,
  TaskPage,
  TasksQuery,
} from "./control-schemas.js";

/** A JSON answer of a schema, or a body of another type (an image, the document itself). */
export type ControlSuccess =
  | {
      readonly status: 200 | 201;
      readonly description: string;
      readonly schema: z.ZodType;
    }
  | {
      readonly status: 200;
      readonly description: string;
      readonly contentType: "image/png" | "application/json";
    };

export interface ControlRoute {
  readonly operationId: string;
  readonly method: "get" | "post" | "patch" | "delete";
  /** Under /__fake, in OpenAPI form: parameters in braces. */
  readonly path: `/${string}`;
  readonly summary: string;
  readonly description?: string;
  readonly params?: Readonly<Record<string, PathParam>>;
  /** A strict object of the query parameters it takes; any other is refused. */
  readonly query?: z.ZodObject;
  readonly body?: {
    readonly schema: z.ZodType;
    /** An empty body stands for `{}` where it is not required. */
    readonly required: boolean;
    readonly examples: Readonly<Record<string, Example>>;
  };
  readonly success: ControlSuccess;
  /** What else this route answers, and when; the guard's refusals apply to every route. */
  readonly errors: Partial<Readonly<Record<ControlStatus, string>>>;
}

const taskParam = {
  id: {
    schema: ControlTaskId,
    description: "A task id among this process's --max-tasks most recent tasks",
    get example() {
      return seedFixtures.createResponse.id;
    },
  },
} as const;
const faultParam = {
  id: {
    schema: FaultId,
    description: "A fault rule's id, as its create answered",
    example: "fault_1",
  },
} as const;
const NOT_RECENT = "No recent task of this process has this id (an older one still answers polls)";

const health = {
  operationId: "health",
  method: "get",
  path: "/health",
  summary: "The fake's clock, task count, seed and memory",
  success: { status: 200, description: "The fake is up.", schema: Health },
  errors: {},
} as const satisfies ControlRoute;

const reset = {
  operationId: "reset",
  method: "post",
  path: "/reset",
  summary: "Forget the recent tasks listed, plans, faults, the journal and rate-limit windows",
  description: "Every task id still answers polls as before; the clock keeps its time.",
  body: {
    schema: NoBody,
    required: false,
    examples: { empty: { summary: "No options", value: {} } },
  },
  success: { status: 200, description: "Forgotten.", schema: Ok },
  errors: { 400: "The body is not `{}`" },
} as const satisfies ControlRoute;

const listTasks = {
  operationId: "listTasks",
  method: "get",
  path: "/tasks",
  summary: "The recent tasks of this process, a page at a time",
  query: TasksQuery,
  success: {
    status: 200,
    description: "A page of tasks, and how many there are.",
    schema: TaskPage,
  },
  errors: { 400: "A query parameter is unknown, repeated or out of range" },
} as const satisfies ControlRoute;

const getTask = {
  operationId: "getTask",
  method: "get",
  path: "/tasks/{id}",
  summary: "One recent task: status, timings, outcome, pixel size, request",
  params: taskParam,
  success: { status: 200, description: "The task.", schema: ControlTask },
  errors: { 404: NOT_RECENT },
} as const satisfies ControlRoute;

const changeTask = {
  operationId: "changeTask",
  method: "patch",
  path: "/tasks/{id}",
  summary: "Change a pending task's outcome, error text or timings",
  params: taskParam,
  body: {
    schema: PlanOverride,
    required: true,
    examples: {
      fail: { summary: "Make it fail", value: { outcome: "failed", error: "moderation: blocked" } },
    },
  },
  success: { status: 200, description: "The task as changed.", schema: ControlTask },
  errors: {
    400: "The body breaks the plan's rules",
    404: NOT_RECENT,
    409: "The task is terminal, the change would move it backwards, it cannot complete (no size at its resolution), or --max-tasks changed tasks are kept already",
  },
} as const satisfies ControlRoute;

const taskImage = {
  operationId: "taskImage",
  method: "get",
  path: "/tasks/{id}/image",
  summary: "A completed recent task's image, outside the API's journal",
  description:
    "The inspector's thumbnails: the same PNG as the task's image_url, not journalled as a client's download.",
  params: taskParam,
  success: { status: 200, description: "The PNG.", contentType: "image/png" },
  errors: { 404: `${NOT_RECENT}, or it is not completed, or its image has expired` },
} as const satisfies ControlRoute;

const listPlans = {
  operationId: "listPlans",
  method: "get",
  path: "/next-tasks",
  summary: "The plans queued for the next tasks",
  success: { status: 200, description: "The plans, in order.", schema: PlannedTasks },
  errors: {},
} as const satisfies ControlRoute;

const planNextTasks = {
  operationId: "planNextTasks",
  method: "post",
  path: "/next-tasks",
  summary: "Decide the outcome, error text and timings of the next tasks",
  body: {
    schema: NextTasks,
    required: true,
    examples: {
      fail: {
        summary: "The next two fail",
        value: { count: 2, outcome: "failed", error: "moderation: blocked" },
      },
    },
  },
  success: { status: 201, description: "The plans now queued.", schema: PlannedTasks },
  errors: { 400: "The body breaks the plan's rules" },
} as const satisfies ControlRoute;

const listRequests = {
  operationId: "listRequests",
  method: "get",
  path: "/requests",
  summary: "The journal of API and image requests, filtered and a page at a time",
  description: "Never a key (a fingerprint), a body (a hash) or a prompt.",
  query: RequestsQuery,
  success: {
    status: 200,
    description: "A page of entries, and how many match.",
    schema: RequestPage,
  },
  errors: { 400: "A query parameter is unknown, repeated or invalid" },
} as const satisfies ControlRoute;

const gradePolling = {
  operationId: "gradePolling",
  method: "get",
  path: "/polling",
  summary: "How each API key polls, graded against the provider's rules",
  query: PollingQuery,
  success: { status: 200, description: "A grade per key.", schema: PollingGrades },
  errors: { 400: "A threshold is not a number of ms, or a parameter is unknown" },
} as const satisfies ControlRoute;

const readClock = {
  operationId: "readClock",
  method: "get",
  path: "/clock",
  summary: "The fake's clock: its kind and time",
  success: { status: 200, description: "The clock.", schema: ClockState },
  errors: {},
} as const satisfies ControlRoute;

const advanceClock = {
  operationId: "advanceClock",
  method: "post",
  path: "/clock",
  summary: "Move a manual clock forward",
  body: {
    schema: ClockAdvance,
    required: true,
    examples: { thirty: { summary: "30 seconds", value: { advanceMs: 30_000 } } },
  },
  success: { status: 200, description: "The clock after the move.", schema: ClockState },
  errors: {
    400: "advanceMs is not a number of ms in range",
    409: "The clock is the system clock, or the move would pass the latest time created can show",
  },
} as const satisfies ControlRoute;

const listFaults = {
  operationId: "listFaults",
  method: "get",
  path: "/faults",
  summary: "The fault rules in force, in the order they are tried",
  success: { status: 200, description: "The rules.", schema: FaultList },
  errors: {},
} as const satisfies ControlRoute;

const addFault = {
  operationId: "addFault",
  method: "post",
  path: "/faults",
  summary: "Add a fault rule: latency, an error status (after a delay), or a dropped connection",
  body: {
    schema: FaultRule,
    required: true,
    examples: {
      slow503: {
        summary: "A quarter of creates answer 503 after half a second",
        value: {
          match: { route: "createImageTask" },
          action: { type: "status", status: 503, delayMs: 500 },
          probability: 0.25,
        },
      },
    },
  },
  success: { status: 201, description: "The rule, with its id.", schema: StoredFault },
  errors: { 400: "The rule cannot be applied" },
} as const satisfies ControlRoute;

const clearFaults = {
  operationId: "clearFaults",
  method: "delete",
  path: "/faults",
  summary: "Remove every fault rule",
  success: { status: 200, description: "Removed.", schema: Ok },
  errors: {},
} as const satisfies ControlRoute;

const removeFault = {
  operationId: "removeFault",
  method: "delete",
  path: "/faults/{id}",
  summary: "Remove one fault rule",
  params: faultParam,
  success: { status: 200, description: "Removed.", schema: Ok },
  errors: { 404: "No rule has this id" },
} as const satisfies ControlRoute;

const controlDocument = {
  operationId: "controlDocument",
  method: "get",
  path: CONTROL_DOCUMENT_PATH,
  summary: "This document: the control API's OpenAPI description",
  success: { status: 200, description: "The document.", contentType: "application/json" },
  errors: {},
} as const satisfies ControlRoute;

/** Every route of the control API, by operation id, in the order the document lists them. */
export const controlTable = {
  health,
  reset,
  listTasks,
  getTask,
  changeTask,
  taskImage,
  listPlans,
  planNextTasks,
  listRequests,
  gradePolling,
  readClock,
  advanceClock,
  listFaults,
  addFault,
  clearFaults,
  removeFault,
  controlDocument,
} as const;
