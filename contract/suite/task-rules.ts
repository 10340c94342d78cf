/**
 * The documented rules a task's answers keep, as plain checks that return what they found: the
 * contract suite asserts them on a task it follows (lifecycle.ts), the proxy applies them to a live
 * client's exchanges as they pass. Each returns undefined when the rule holds, else the break,
 * naming its field; a check never throws and never decides what the documentation leaves open.
 */
import { z } from "zod";
import { fieldOf } from "../create-request-rules.js";
import type { RuleBreak } from "../documented-rules.js";
import type { ImageInfo } from "../image-size.js";
import {
  CreateImageResponse,
  isForwardMove,
  type Model,
  TaskResult,
  type TaskStatus,
} from "../schemas.js";
import { describeAnswer } from "./answers.js";
import type { Answer } from "./http-client.js";

/** A check that found its rule kept, or the break it found. */
export type Checked<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly found: RuleBreak;
    };

/**
 * A create the documentation calls valid, answered as documented: HTTP 200 and a task.
 *
 * @example const created = createdTask(answer); if (!created.ok) console.error(created.found.detail);
 */
export function createdTask(answer: Answer): Checked<CreateImageResponse> {
  if (answer.status !== 200) {
    return {
      ok: false,
      found: {
        rule: "createResponse",
        field: "(status)",
        detail: `a valid create is answered HTTP 200, got ${describeAnswer(answer)}`,
      },
    };
  }
  const parsed = CreateImageResponse.safeParse(answer.json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return {
    ok: false,
    found: {
      rule: "createResponse",
      field: fieldOf(parsed.error.issues[0]),
      detail: `the create response breaks the documented shape:\n${z.prettifyError(parsed.error)}\n${describeAnswer(answer)}`,
    },
  };
}

/**
 * A poll of task `id` answered with a task as documented (any 2xx status).
 *
 * @example const polled = polledTask(answer, id); if (polled.ok) steps.push(polled.value);
 */
export function polledTask(answer: Answer, id: string): Checked<TaskResult> {
  const parsed = TaskResult.safeParse(answer.json);
  const success = answer.status >= 200 && answer.status < 300;
  if (success && parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.success ? "" : `\n${z.prettifyError(parsed.error)}`;
  return {
    ok: false,
    found: {
      rule: "resultFields",
      field: !success || parsed.success ? "(status)" : fieldOf(parsed.error.issues[0]),
      detail: `polling ${id} answered no task as documented:${issues}\n${describeAnswer(answer)}`,
    },
  };
}

/**
 * The create answered the model it was asked for.
 *
 * @example modelAsAsked(created, "gpt-image-2") // undefined, or a createResponse break on `model`
 */
export function modelAsAsked(created: CreateImageResponse, model: Model): RuleBreak | undefined {
  if (created.model === model) return undefined;
  return {
    rule: "createResponse",
    field: "model",
    detail: `the create answers the model asked for: asked ${model}, answered ${created.model}`,
  };
}

/** Whether an answer hands out this task. */
export const answersTask = (answer: Answer, id: string) => {
  const parsed = TaskResult.safeParse(answer.json);
  return answer.status >= 200 && answer.status < 300 && parsed.success && parsed.data.id === id;
};

/**
 * A poll sent without the account's key got nothing: `how` says which key it sent.
 *
 * @example keylessPoll(answer, id, "without a key") // a bearerKey break when answered with the task
 */
export function keylessPoll(
  answer: Answer,
  id: string,
  how: "without a key" | "with a key the target does not know",
): RuleBreak | undefined {
  if (!answersTask(answer, id)) return undefined;
  return {
    rule: "bearerKey",
    field: "Authorization",
    detail: `a poll ${how} was answered with the task: ${describeAnswer(answer)}`,
  };
}

/**
 * The statuses a task answered, in order, never went back.
 *
 * @example statusOrder(["queued", "processing", "queued"]) // a lifecycle break on `status`
 */
export function statusOrder(statuses: readonly TaskStatus[]): RuleBreak | undefined {
  const forward = statuses.every(
    (status, i) => i === 0 || isForwardMove(statuses[i - 1] ?? status, status),
  );
  if (forward) return undefined;
  return {
    rule: "lifecycle",
    field: "status",
    detail: `the status went back: ${statuses.join(" → ")}`,
  };
}

const identityOf = (task: { id: string; created: number; model: string }) => ({
  id: task.id,
  created: task.created,
  model: task.model,
});

/**
 * A poll answered the same task as its create: the same id, created and model.
 *
 * @example sameTask(created, result) // a taskIdentity break naming the first field that differs
 */
export function sameTask(created: CreateImageResponse, result: TaskResult): RuleBreak | undefined {
  const asCreated = identityOf(created);
  const polled = identityOf(result);
  const field = (["id", "created", "model"] as const).find((key) => asCreated[key] !== polled[key]);
  if (field === undefined) return undefined;
  return {
    rule: "taskIdentity",
    field,
    detail: `a poll of ${created.id} answered ${JSON.stringify(polled)}, the create ${JSON.stringify(asCreated)}`,
  };
}

/** A terminal answer as it may not change; a signed image URL may be signed anew, its image not. */
export const terminalFacts = (result: TaskResult) => ({
  status: result.status,
  error: result.status === "failed" ? result.error : undefined,
  image:
    result.status === "completed"
      ? new URL(result.image_url).origin + new URL(result.image_url).pathname
      : undefined,
});

/**
 * A task that ended answered the same when polled again.
 *
 * @example unchangedAfterEnd(final, again) // a lifecycle break when it changed
 */
export function unchangedAfterEnd(final: TaskResult, again: TaskResult): RuleBreak | undefined {
  const before = terminalFacts(final);
  const after = terminalFacts(again);
  const field = (["status", "error", "image"] as const).find((key) => before[key] !== after[key]);
  if (field === undefined) return undefined;
  return {
    rule: "lifecycle",
    field: field === "image" ? "image_url" : field,
    detail: `the task changed after it ended: ${JSON.stringify(before)}, then ${JSON.stringify(after)}`,
  };
}

/**
 * A completed task's image_url served an image: HTTP 200 and bytes of a known image format.
 *
 * @example imageServed(url, { status: 404, contentType: "text/html", info: undefined }) // an imageDownload break
 */
export function imageServed(
  imageUrl: string,
  image: { status: number; contentType: string | null; info: ImageInfo | undefined } | undefined,
): RuleBreak | undefined {
  if (image?.status !== 200) {
    return {
      rule: "imageDownload",
      field: "image_url",
      detail: `image_url ${imageUrl} does not download (HTTP ${image?.status ?? "no answer"})`,
    };
  }
  if (image.info === undefined) {
    return {
      rule: "imageDownload",
      field: "image_url",
      detail: `image_url ${imageUrl} serves no image (content type ${image.contentType})`,
    };
  }
  return undefined;
}
