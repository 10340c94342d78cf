/** Reading the target's answers: what counts as a task, as a rejection, and which error shape. */
import { AssumedEnvelopeError, AssumedSpringError } from "../assumed-schemas.js";
import { CreateImageResponse } from "../schemas.js";
import type { Answer } from "./http-client.js";

/**
 * A create answered with a task: a 2xx whose body is a task. Anything else created no task, and is
 * a rejection, whether a 4xx or an error inside a 2xx envelope.
 */
export const isTaskCreated = (answer: Answer) =>
  answer.status >= 200 && answer.status < 300 && CreateImageResponse.safeParse(answer.json).success;

export type BodyShape = "envelope" | "spring" | "other" | "not json";

/** Which of the assumed error shapes a body has. */
export function bodyShape(json: unknown): BodyShape {
  if (json === undefined) return "not json";
  if (AssumedEnvelopeError.safeParse(json).success) return "envelope";
  if (AssumedSpringError.safeParse(json).success) return "spring";
  return "other";
}

/** What the drift report compares for an error: status and body shape. */
export const errorSignature = (answer: Answer) => ({
  status: answer.status,
  shape: bodyShape(answer.json),
});
