/** Reading the target's answers: what counts as a task, as a rejection, and which error shape. */
import { AssumedEnvelopeError, AssumedSpringError } from "../assumed-schemas.js";
import { CreateImageResponse } from "../schemas.js";
import type { Answer } from "./http-client.js";

const isSuccess = (answer: Answer) => answer.status >= 200 && answer.status < 300;

/** A create answered with a task: a 2xx whose body is a task as documented. */
const isTaskCreated = (answer: Answer) =>
  isSuccess(answer) && CreateImageResponse.safeParse(answer.json).success;

// Anything shaped like a task id, even one the documented pattern would refuse.
const TASK_ID = /image_[0-9a-f]{8}-/i;
const SUCCESS_CODES = new Set<unknown>([0, "0", 200, "200"]);

/**
 * An answer that certainly made (or handed out) no task: an HTTP client-error status, or a 2xx
 * error envelope (`{code, msg, data: null}` with a non-zero code) with no task id anywhere in it.
 * A 5xx or anything unrecognised may have made a task, and is never taken for a rejection.
 *
 * @example isRecognisedRejection({ status: 200, json: { code: 401, msg: "no key", data: null }, … }) // true
 */
export function isRecognisedRejection(answer: Answer): boolean {
  if (answer.status >= 400 && answer.status < 500) return true;
  if (!isSuccess(answer)) return false;
  const envelope = AssumedEnvelopeError.safeParse(answer.json);
  return envelope.success && !SUCCESS_CODES.has(envelope.data.code) && !TASK_ID.test(answer.text);
}

/** How a create was answered, for the budget: a task, a rejection, or neither (maybe billed). */
export type CreateOutcome = "task" | "rejected" | "unrecognised";

/**
 * Reads a create's answer for the budget.
 *
 * @example createOutcome({ status: 502, … }) // "unrecognised": the target may have made a task
 */
export function createOutcome(answer: Answer): CreateOutcome {
  if (isTaskCreated(answer)) return "task";
  return isRecognisedRejection(answer) ? "rejected" : "unrecognised";
}

/**
 * The answer's status and the start of its body, for failure messages.
 *
 * @example describeAnswer(answer) // "HTTP 400 application/json: {\"code\":400,…}"
 */
export const describeAnswer = (answer: Answer) =>
  `HTTP ${answer.status} ${answer.contentType ?? "(no content type)"}: ${answer.text.slice(0, 300) || "(empty body)"}`;

type BodyShape = "envelope" | "spring" | "other" | "not json";

/**
 * Which of the assumed error shapes a body has.
 *
 * @example bodyShape({ code: 400, msg: "bad", data: null }) // "envelope"
 */
export function bodyShape(json: unknown): BodyShape {
  if (json === undefined) return "not json";
  if (AssumedEnvelopeError.safeParse(json).success) return "envelope";
  if (AssumedSpringError.safeParse(json).success) return "spring";
  return "other";
}

/**
 * What the drift report compares for an error: status and body shape.
 *
 * @example errorSignature(answer) // { status: 401, shape: "envelope" }
 */
export const errorSignature = (answer: Answer) => ({
  status: answer.status,
  shape: bodyShape(answer.json),
});
