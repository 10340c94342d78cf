/**
 * The one error path of the fake's API: handlers throw an ApiError, `errorResponse` turns it
 * into the assumed status and body of its kind.
 */
import type { Context } from "hono";
import type { z } from "zod";
import { assumedError, assumedErrorHeaders } from "../../contract/assumed-errors.js";
import type { ErrorIssue, ErrorKind } from "../../contract/assumed-schemas.js";
import type { FakeEnv } from "./fake-env.js";

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

/**
 * Throws a SelfCheckError naming each broken rule when an answer breaks its route's schema.
 *
 * @example assertAnswerMatches(route.success.schema, result, route.operationId);
 */
export function assertAnswerMatches(schema: z.ZodType, answer: unknown, operationId: string): void {
  const checked = schema.safeParse(answer);
  if (!checked.success) {
    throw new SelfCheckError(
      describeIssues(
        `self-check: the ${operationId} response breaks its schema`,
        issuesOf(checked.error),
      ),
    );
  }
}

/** The client went away before its request could be read: nobody is left to answer. */
export class RequestAborted extends Error {
  override name = "RequestAborted";
}

/**
 * The body of an error that is the fake's own (no route, no assumed kind): the same envelope.
 *
 * @example fakeErrorBody(431, "The request headers are too large")
 */
export const fakeErrorBody = (status: number, msg: string) => ({ code: status, msg, data: null });

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

/**
 * The app's error handler: an ApiError as its assumed answer, an aborted request as a quiet 400
 * nobody receives, anything else as a 500 that says so.
 */
export function answerErrors(error: unknown, c: Context<FakeEnv>): Response {
  if (error instanceof ApiError)
    return errorResponse(error, { method: c.req.method, path: c.req.path });
  if (error instanceof RequestAborted) {
    return Response.json(fakeErrorBody(400, error.message), { status: 400 });
  }
  const selfCheck = error instanceof SelfCheckError;
  if (!selfCheck) console.error("image2-kit fake: unexpected error", error);
  const msg = selfCheck
    ? error.message
    : `The fake failed unexpectedly: ${error instanceof Error ? error.message : String(error)}`;
  return Response.json(fakeErrorBody(500, msg), { status: 500 });
}
