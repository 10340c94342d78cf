/**
 * A created task followed to its end, and the documented rules its answers must keep: the status
 * never goes back, every poll is the same task, `image_url` only and always when completed, the
 * image downloads, a terminal task stays as it is, and nobody without the account's key gets it.
 * What the answers say about assumed behaviour is recorded apart (lifecycle-drift.ts).
 */
import { expect } from "vitest";
import { cite } from "../documented-rules.js";
import { type ImageInfo, imageInfo } from "../image-size.js";
import {
  type CompletedResult,
  type CreateImageResponse,
  type FailedResult,
  isForwardMove,
  type Model,
  TaskResult,
} from "../schemas.js";
import { describeAnswer } from "./answers.js";
import type { SuiteConfig } from "./config.js";
import type { Answer, Download, HttpClient } from "./http-client.js";
import { type PollStep, pollOnce, pollUntilTerminal, resultPath } from "./polling.js";
import type { Target } from "./target.js";

/** A bearer key no provider issued, for the checks that a wrong key gets nothing. */
export const UNKNOWN_KEY = "image2-kit-contract-suite-unknown-key";

export interface FollowedTask {
  readonly created: CreateImageResponse;
  readonly steps: readonly PollStep[];
  readonly final: CompletedResult | FailedResult;
  /** The task polled once more after it ended. */
  readonly again: TaskResult;
  /** The same task polled without a key, and with a key the target does not know. */
  readonly withoutKey: Answer;
  readonly withUnknownKey: Answer;
  /** The image, when the task completed. */
  readonly image: (Download & { readonly info: ImageInfo | undefined }) | undefined;
}

/**
 * Follows a created task to its end and gathers what the checks need.
 *
 * @example const task = await followTask(target, client, config, created, target.now());
 */
export async function followTask(
  target: Target,
  client: HttpClient,
  config: SuiteConfig,
  created: CreateImageResponse,
  createdAt: number,
): Promise<FollowedTask> {
  const { steps, final } = await pollUntilTerminal(target, client, config, created.id, createdAt);
  await target.sleep(config.pollMs);
  const again = await pollAgain(target, client, config, created.id);
  // Free checks, once the task exists for sure: they cost no task.
  const path = resultPath(created.id);
  const withoutKey = await client.send({ method: "GET", path, auth: false, label: "unauthorized" });
  // Not labelled `unauthorized`: a server may answer another key's task as unknown, and
  // fixtures:import should not take that for the answer to a missing key.
  const withUnknownKey = await client.send({
    method: "GET",
    path,
    headers: { Authorization: `Bearer ${UNKNOWN_KEY}` },
    label: "result_unknown_key",
  });
  const image =
    final.status === "completed"
      ? await client.download(final.image_url, "image").then((download) => ({
          ...download,
          info: imageInfo(download.bytes),
        }))
      : undefined;
  return { created, steps, final, again, withoutKey, withUnknownKey, image };
}

/** The task once more, waiting out a 429 or a 5xx as any poll does. */
async function pollAgain(target: Target, client: HttpClient, config: SuiteConfig, id: string) {
  const started = target.now();
  for (;;) {
    const polled = await pollOnce(client, id, config.pollMs);
    if (polled.kind === "task") return polled.result;
    if (target.now() - started >= config.timeoutMs) {
      throw new Error(`polling ${id} once more was answered ${polled.why} for too long`);
    }
    await target.sleep(polled.ms);
  }
}

/** Whether an answer hands out this task. */
const answersTask = (answer: Answer, id: string) => {
  const parsed = TaskResult.safeParse(answer.json);
  return answer.status >= 200 && answer.status < 300 && parsed.success && parsed.data.id === id;
};

/** A terminal answer as it may not change; a signed image URL may be signed anew, its image not. */
const stable = (result: TaskResult) => ({
  status: result.status,
  error: result.status === "failed" ? result.error : undefined,
  image:
    result.status === "completed"
      ? new URL(result.image_url).origin + new URL(result.image_url).pathname
      : undefined,
});

/**
 * The documented rules a followed task keeps; fails naming the first it breaks.
 *
 * @example assertLifecycle(await followTask(target, client, config, created, createdAt), "gpt-image-2");
 */
export function assertLifecycle(task: FollowedTask, model: Model): void {
  const { created, steps, final, again } = task;
  expect(created.model, `${cite("createResponse")} the create answers the model asked for`).toBe(
    model,
  );
  expect(
    answersTask(task.withoutKey, created.id),
    `${cite("bearerKey")} a poll without a key was answered with the task: ${describeAnswer(task.withoutKey)}`,
  ).toBe(false);
  expect(
    answersTask(task.withUnknownKey, created.id),
    `${cite("bearerKey")} a poll with a key the target does not know was answered with the task: ${describeAnswer(task.withUnknownKey)}`,
  ).toBe(false);
  const statuses = [created.status, ...steps.map((step) => step.status)];
  const forward = statuses.every(
    (status, i) => i === 0 || isForwardMove(statuses[i - 1] ?? status, status),
  );
  expect(forward, `${cite("lifecycle")} the status went back: ${statuses.join(" → ")}`).toBe(true);
  const asCreated = { id: created.id, created: created.created, model: created.model };
  for (const { result } of steps) {
    const polled = { id: result.id, created: result.created, model: result.model };
    expect(
      polled,
      `${cite("taskIdentity")} a poll of ${created.id} answered ${JSON.stringify(polled)}, the create ${JSON.stringify(asCreated)}`,
    ).toEqual(asCreated);
  }
  expect(
    stable(again),
    `${cite("lifecycle")} the task changed after it ended: ${JSON.stringify(stable(final))}, then ${JSON.stringify(stable(again))}`,
  ).toEqual(stable(final));
  if (final.status !== "completed") return;
  expect(
    task.image?.status,
    `${cite("imageDownload")} image_url ${final.image_url} does not download`,
  ).toBe(200);
  expect(
    task.image?.info,
    `${cite("imageDownload")} image_url ${final.image_url} serves no image (content type ${task.image?.contentType})`,
  ).toBeDefined();
}
