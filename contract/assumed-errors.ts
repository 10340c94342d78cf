import { z } from "zod";
import type { AssumedErrorBody, AssumedErrorsFixture, ErrorKind } from "./assumed-schemas.js";
import { assumedErrorsFixture } from "./fixtures.js";

/** A header an error's response carries: what it means, its schema, and its value when fixed. */
export interface AssumedErrorHeader {
  readonly description: string;
  readonly schema: z.ZodType;
  /** Sent as is; without it, the code raising the error supplies the value. */
  readonly value?: string;
}

/**
 * ASSUMED: the headers of an error kind's response. The fake sends them and the OpenAPI document
 * declares them from here, so the two cannot drift apart.
 *
 * @example ASSUMED_ERROR_HEADERS.unauthorized?.["WWW-Authenticate"]?.value // "Bearer"
 */
export const ASSUMED_ERROR_HEADERS: Partial<
  Record<ErrorKind, Readonly<Record<string, AssumedErrorHeader>>>
> = {
  unauthorized: {
    "WWW-Authenticate": {
      description: "The scheme to authenticate with: `Bearer`, the API key (RFC 6750).",
      schema: z.string().regex(/^Bearer(\s|$)/),
      value: "Bearer",
    },
  },
  rate_limited: {
    "Retry-After": {
      description: "Seconds to wait before the next request with this key.",
      schema: z.int().min(0),
    },
  },
};

/** The fixed values of an error kind's headers. */
export function assumedErrorHeaders(kind: ErrorKind): Record<string, string> {
  const fixed: Record<string, string> = {};
  for (const [name, header] of Object.entries(ASSUMED_ERROR_HEADERS[kind] ?? {})) {
    if (header.value !== undefined) fixed[name] = header.value;
  }
  return fixed;
}

/** What fills the `{message}`, `{method}` and `{path}` placeholders of an assumed error body. */
export interface ErrorContext {
  readonly message: string;
  readonly method?: string;
  readonly path?: string;
}

function fill(template: unknown, context: ErrorContext): unknown {
  if (typeof template === "string") {
    return template.replace(/\{(message|method|path)\}/g, (_, name: keyof ErrorContext) => {
      return context[name] ?? "";
    });
  }
  if (Array.isArray(template)) return template.map((item) => fill(item, context));
  if (typeof template === "object" && template !== null) {
    return Object.fromEntries(
      Object.entries(template).map(([key, value]) => [key, fill(value, context)]),
    );
  }
  return template;
}

/**
 * ASSUMED: the status and body of a request-level error, from `fixtures/assumed/errors.json`.
 *
 * @example assumedError("task_not_found", { message: "no task image_…" }) // { status: 404, body: {…} }
 */
export function assumedError(
  kind: ErrorKind,
  context: ErrorContext,
  fixture: AssumedErrorsFixture = assumedErrorsFixture,
): { status: number; body: AssumedErrorBody } {
  const { status, body } = fixture.errors[kind];
  // Filling strings into a body that parsed keeps it an AssumedErrorBody.
  return { status, body: fill(body, context) as AssumedErrorBody };
}
