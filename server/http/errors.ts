/**
 * The one error path of the fake's API: handlers throw an ApiError, `errorResponse` turns it
 * into the assumed status and body of its kind.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { assumedError, assumedErrorHeaders } from "../../contract/assumed-errors.js";
import type { ErrorIssue, ErrorKind } from "../../contract/assumed-schemas.js";

/** One problem with a request: where, what kind, and what is wrong or allowed. */
export type Issue = Readonly<ErrorIssue>;

export class ApiError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly issues: readonly Issue[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** zod issues as data: the dotted path of the field (`(body)` for the whole body), code, message. */
export function issuesOf(error: z.ZodError, prefix = ""): Issue[] {
  return error.issues.map((issue) => ({
    path: prefix + (issue.path.length > 0 ? issue.path.join(".") : "(body)"),
    code: issue.code,
    message: issue.message,
  }));
}

/** One line naming every problem, for the `msg` of an error body. */
export const describeIssues = (lead: string, issues: readonly Issue[]) =>
  `${lead}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`;

/** The fake's own failure: a response it was about to send breaks the route's schema. */
export class SelfCheckError extends Error {
  override name = "SelfCheckError";
}

/** The assumed response of an ApiError, with its issues listed when it has any. */
export function errorResponse(
  error: ApiError,
  request: { method: string; path: string },
): Response {
  const { status, body } = assumedError(error.kind, { message: error.message, ...request });
  const withIssues = error.issues.length > 0 ? { ...body, issues: error.issues } : body;
  return Response.json(withIssues, {
    status,
    headers: { ...assumedErrorHeaders(error.kind), ...error.headers },
  });
}

/** ASSUMED: the provider's Spring-style 404 for a route it does not have. */
export function answerUnknownRoute(c: Context): Response {
  const { status, body } = assumedError("route_not_found", {
    message: "",
    method: c.req.method,
    path: c.req.path,
  });
  return Response.json(body, { status });
}

/** The app's error handler: an ApiError as its assumed answer, anything else as a 500 that says so. */
export function answerErrors(error: Error, c: Context): Response {
  if (error instanceof ApiError)
    return errorResponse(error, { method: c.req.method, path: c.req.path });
  const selfCheck = error instanceof SelfCheckError;
  if (!selfCheck) console.error("image2-kit fake: unexpected error", error);
  const msg = selfCheck ? error.message : `The fake failed unexpectedly: ${error.message}`;
  return Response.json({ code: 500, msg, data: null }, { status: 500 });
}
