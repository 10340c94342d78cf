/**
 * A created task followed to its end, and the documented rules its answers must keep: the status
 * never goes back, every poll is the same task, `image_url` only and always when completed, the
 * image downloads, a terminal task stays as it is, and nobody without the account's key gets it.
 * What the answers say about assumed behaviour is recorded apart (lifecycle-drift.ts).
 */
import { breakMessage, type RuleBreak } from "../documented-rules.js";
import { type ImageInfo, imageInfo } from "../image-size.js";
import type {
  CompletedResult,
  CreateImageResponse,
  FailedResult,
  Model,
  TaskResult,
} from "../schemas.js";
import type { SuiteConfig } from "./config.js";
import type { Answer, Download, HttpClient } from "./http-client.js";
import { type PollStep, pollOnce, pollUntilTerminal, resultPath } from "./polling.js";
import type { Target } from "./target.js";
import {
  imageServed,
  keylessPoll,
  modelAsAsked,
  sameTask,
  statusOrder,
  unchangedAfterEnd,
} from "./task-rules.js";

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

/** Fails the test with the first break found, citing its documented rule. */
function expectKept(...checks: (RuleBreak | undefined)[]): void {
  const found = checks.find((check) => check !== undefined);
  if (found) throw new Error(breakMessage(found));
}

/**
 * The documented rules a followed task keeps; fails naming the first it breaks.
 *
 * @example assertLifecycle(await followTask(target, client, config, created, createdAt), "gpt-image-2");
 */
export function assertLifecycle(task: FollowedTask, model: Model): void {
  const { created, steps, final, again } = task;
  expectKept(
    modelAsAsked(created, model),
    keylessPoll(task.withoutKey, created.id, "without a key"),
    keylessPoll(task.withUnknownKey, created.id, "with a key the target does not know"),
    statusOrder([created.status, ...steps.map((step) => step.status)]),
    ...steps.map(({ result }) => sameTask(created, result)),
    unchangedAfterEnd(final, again),
    final.status === "completed" ? imageServed(final.image_url, task.image) : undefined,
  );
}
