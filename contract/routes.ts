/**
 * The route table: the one place each endpoint of the API is defined, as plain data.
 *
 * The fake's routing and validation, the OpenAPI document and the contract suite's assertions are
 * all derived from it.
 */
import type { z } from "zod";
import type { ErrorKind } from "./assumed-schemas.js";
import { docsResultFixtures, seedFixtures } from "./fixtures.js";
import {
  CreateImageRequest,
  CreateImageResponse,
  TaskId,
  TaskResult,
  TaskStatus,
} from "./schemas.js";

/** Production's base URL; every route path below is relative to it. */
export const PRODUCTION_BASE_URL = "https://zcbservice.aizfw.cn/kyyReactApiServer";

/** The path prefix of production's base URL, which the fake serves too so only the origin changes. */
export const BASE_PATH = new URL(PRODUCTION_BASE_URL).pathname;

export interface Example {
  readonly summary: string;
  readonly value: unknown;
}

/** An example whose fixture is read, and checked, when a document or the suite first asks for it. */
const example = (summary: string, read: () => unknown): Example => ({
  summary,
  get value() {
    return read();
  },
});

/** A path parameter: its rule, what it is, and a value a tool can send to try the route. */
export interface PathParam {
  readonly schema: z.ZodType<string>;
  readonly description: string;
  readonly example: string;
}

export interface RouteDefinition {
  readonly operationId: string;
  readonly method: "get" | "post";
  /** OpenAPI form: parameters in braces. */
  readonly path: `/${string}`;
  readonly summary: string;
  readonly description: string;
  /** Where the provider documents this endpoint. */
  readonly sources: readonly string[];
  readonly auth: "bearer";
  readonly params?: Readonly<Record<string, PathParam>>;
  readonly body?: {
    readonly schema: z.ZodType;
    readonly examples: Readonly<Record<string, Example>>;
  };
  /** The documented success response. */
  readonly success: {
    readonly status: 200;
    readonly description: string;
    readonly schema: z.ZodType;
    readonly examples: Readonly<Record<string, Example>>;
  };
  /** Request-level errors: nobody documents them; status and body come from fixtures/assumed. */
  readonly assumedErrors: readonly ErrorKind[];
  /** What else nobody documents about the tasks it makes, each from its fixture. */
  readonly assumedTaskFacts?: readonly ("pixelSizes" | "timings")[];
}

export const createImageTask = {
  operationId: "createImageTask",
  method: "post",
  path: "/v1/image2/images",
  summary: "Create an image-generation task",
  description:
    "Starts an asynchronous task; poll `GET /v1/result/{id}` every 2–5 s until it is completed or failed.",
  sources: [
    "https://docs.globalaiopc.com/api-reference/image/gpt-image2-create",
    "https://xingchao.mintlify.app/api-reference/image/gpt-image2-create",
  ],
  auth: "bearer",
  body: {
    schema: CreateImageRequest,
    examples: {
      seed: example("The provider's own example", () => seedFixtures.createRequest),
    },
  },
  success: {
    status: 200,
    description: "The task, queued or already processing.",
    schema: CreateImageResponse,
    examples: {
      seed: example("The provider's own example", () => seedFixtures.createResponse),
    },
  },
  assumedErrors: [
    "invalid_request",
    "malformed_json",
    "unauthorized",
    "payload_too_large",
    "unsupported_media_type",
    "rate_limited",
  ],
  assumedTaskFacts: ["pixelSizes", "timings"],
} as const satisfies RouteDefinition;

export const getTaskResult = {
  operationId: "getTaskResult",
  method: "get",
  path: "/v1/result/{id}",
  summary: "Query an image-generation task",
  description:
    "The task's status; `image_url` once completed (valid for 24 hours), `error` once failed.",
  sources: [
    "https://xingchao.mintlify.app/api-reference/image/gpt-image2-query",
    "https://docs.mingyanai.com/en/api-reference/image/gpt-image2/gpt-image2-query",
  ],
  auth: "bearer",
  params: {
    id: {
      schema: TaskId,
      description: "The task's id, as the create answered it: `image_` followed by a UUID.",
      get example() {
        return seedFixtures.createResponse.id;
      },
    },
  },
  success: {
    status: 200,
    description: "The task as it is now.",
    schema: TaskResult,
    examples: Object.fromEntries(
      TaskStatus.options.map((status) => [
        status,
        example(`A ${status} task`, () => docsResultFixtures[status]),
      ]),
    ),
  },
  assumedErrors: ["unauthorized", "task_not_found", "rate_limited"],
} as const satisfies RouteDefinition;

/** Every endpoint of the API, by operation id. */
export const routes = { createImageTask, getTaskResult } as const;
