/**
 * Checking a live client and its target, exchange by exchange, with the contract suite's own
 * checks (create-request-rules.ts for requests; answers.ts, task-rules.ts and lifecycle-drift.ts
 * for answers): a documented rule broken by either side goes to the verdict and to stderr at once,
 * a difference from what the fake assumes to the drift, and every API request to a journal the
 * polling grader (server/core/polling-grader.ts) reads, as `GET /__fake/polling` does. Nothing here
 * runs on a client's path: the proxy calls it once an exchange is over, and a check that throws is
 * logged and counted, never passed on.
 */
import type { RuleBreak } from "../../contract/documented-rules.js";
import { imageInfo } from "../../contract/image-size.js";
import { outputSizeOf } from "../../contract/output-size.js";
import type { Redactor } from "../../contract/redact.js";
import { parseRetryAfter } from "../../contract/retry-after.js";
import {
  type CreateImageRequest,
  CreateImageResponse,
  TaskResult,
} from "../../contract/schemas.js";
import {
  createOutcome,
  describeAnswer,
  errorSignature,
  isRecognisedRejection,
} from "../../contract/suite/answers.js";
import type { Answer } from "../../contract/suite/http-client.js";
import {
  assumedFate,
  observeCreated,
  observeImage,
  observeOutcome,
  observeRejection,
  observeResultFields,
  observeTimings,
} from "../../contract/suite/lifecycle-drift.js";
import {
  createdTask,
  imageServed,
  keylessPoll,
  modelAsAsked,
  polledTask,
  sameTask,
  statusOrder,
  unchangedAfterEnd,
} from "../../contract/suite/task-rules.js";
import { Journal } from "../core/journal.js";
import { gradePolling, type PollingGrade } from "../core/polling-grader.js";
import { BrokenRules, type Party } from "./broken-rules.js";
import { CountedDrift } from "./counted-drift.js";
import { type Exchange, statusSeenByClient } from "./exchange.js";
import type { ProxyRecorder } from "./proxy-recorder.js";
import { recordingOf } from "./proxy-recording.js";
import { type RequestReading, readRequest } from "./request-reading.js";
import { SeenKeys } from "./seen-keys.js";
import { TaskTracker, type TrackedTask } from "./task-tracker.js";

/** API requests the polling grades read: the most recent ones. */
export const JOURNAL_SIZE = 20_000;
/** How long production keeps a task to poll [DOC: image URLs live 24 hours after completion]. */
const TASK_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** What the proxy counted of its exchanges. */
export interface ExchangeCounts {
  forwarded: number;
  answered: number;
  targetUnreachable: number;
  targetTimedOut: number;
  targetCut: number;
  clientGone: number;
  /** Checks that threw: logged, never passed on to the client. */
  checkErrors: number;
  /** API answers longer than the copy the checks read: forwarded whole, checked by nothing. */
  answersUnchecked: number;
}

const utf8 = new TextDecoder("utf-8");

/** The target's answer as the suite's checks read it, secrets redacted; undefined when cut short. */
function answerOf(exchange: Exchange, redactor: Redactor): Answer | undefined {
  const response = exchange.response;
  if (!response || exchange.end !== "answered" || response.body.truncated) return undefined;
  const text = redactor.text(utf8.decode(response.body.kept()));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    contentType: response.headers["content-type"],
    headers: redactor.value({ ...response.headers }),
    json: redactor.value(json),
    text,
  };
}

/** How drift names a request the documentation decides: model, quality and output. */
export function shapeOf(request: CreateImageRequest): string {
  const output = request.size
    ? `size ${request.size}`
    : `${request.ratio} at ${outputSizeOf(request).resolution}`;
  return `${request.model} ${request.quality} ${output}`;
}

const requestName = (exchange: Exchange) => `#${exchange.seq} ${exchange.method} ${exchange.path}`;

export class LiveChecks {
  readonly keys = new SeenKeys();
  readonly drift = new CountedDrift();
  readonly broken: BrokenRules;
  readonly journal = new Journal(JOURNAL_SIZE);
  readonly tasks = new TaskTracker();
  readonly counts: ExchangeCounts = {
    forwarded: 0,
    answered: 0,
    targetUnreachable: 0,
    targetTimedOut: 0,
    targetCut: 0,
    clientGone: 0,
    checkErrors: 0,
    answersUnchecked: 0,
  };
  readonly #readings = new WeakMap<Exchange, RequestReading>();

  constructor(
    private readonly origin: string,
    private readonly log: (line: string) => void,
    private readonly recorder: ProxyRecorder | undefined,
  ) {
    this.broken = new BrokenRules(log);
  }

  /** The client's whole request arrived: the rules it broke are printed now. */
  requestDone(exchange: Exchange): void {
    this.#safely(exchange, () => this.#reading(exchange));
  }

  /** The exchange is over: checks the answer, journals it, records it. */
  exchangeDone(exchange: Exchange): void {
    this.counts.forwarded += 1;
    const end = {
      answered: "answered",
      client_gone: "clientGone",
      target_unreachable: "targetUnreachable",
      target_timeout: "targetTimedOut",
      target_cut: "targetCut",
    } as const;
    if (exchange.end) this.counts[end[exchange.end]] += 1;
    this.#safely(exchange, () => this.#check(exchange));
  }

  /** The polling grades of each key, as `GET /__fake/polling` answers them. */
  polling(now = Date.now()): PollingGrade[] {
    return gradePolling(this.journal.list(), { now });
  }

  #safely(exchange: Exchange, check: () => void): void {
    try {
      check();
    } catch (error) {
      this.counts.checkErrors += 1;
      const message = this.keys.redactor.text(String((error as Error).stack ?? error));
      this.log(
        `image2-kit proxy: a check failed on request #${exchange.seq} (forwarded as it was): ${message.split("\n").slice(0, 3).join(" | ")}`,
      );
    }
  }

  /** The request read once, its breaks printed the first time. */
  #reading(exchange: Exchange): RequestReading {
    const known = this.#readings.get(exchange);
    if (known) return known;
    const redactor = this.keys.note(exchange.requestHeaders);
    const reading = readRequest(exchange);
    this.#readings.set(exchange, reading);
    for (const found of reading.breaks) this.#broke("client", found, exchange, redactor);
    return reading;
  }

  #broke(by: Party, found: RuleBreak, exchange: Exchange, redactor: Redactor): void {
    this.broken.add(by, found, requestName(exchange), redactor);
  }

  #check(exchange: Exchange): void {
    const redactor = this.keys.note(exchange.requestHeaders);
    const reading = exchange.requestEnded ? this.#reading(exchange) : undefined;
    // Only the API's answers are read as text: an image or a page passes unread.
    const answer = reading?.route ? answerOf(exchange, redactor) : undefined;
    if (reading?.route && exchange.end === "answered" && exchange.response?.body.truncated) {
      this.counts.answersUnchecked += 1;
    }
    let label = "other";
    if (reading?.route === "createImageTask")
      label = this.#checkCreate(exchange, reading, answer, redactor);
    else if (reading?.route === "getTaskResult")
      label = this.#checkPoll(exchange, reading, answer, redactor);
    else if (reading?.wrongMethod) label = "method_not_allowed";
    else if (exchange.method === "GET") label = this.#checkImage(exchange, redactor) ?? label;
    if (exchange.response?.status === 429) label = "rate_limited";
    if (reading?.route) this.#journal(exchange, reading, answer);
    if (this.recorder && exchange.end === "answered") {
      this.recorder.record(recordingOf(exchange, this.origin, label), redactor);
    }
  }

  /** Checks a create's answer; answers the label its recording gets. */
  #checkCreate(
    exchange: Exchange,
    reading: RequestReading,
    answer: Answer | undefined,
    redactor: Redactor,
  ): string {
    const { create } = reading;
    const label = !reading.keyId
      ? "unauthorized"
      : create?.kind === "not json"
        ? "malformed_json"
        : create?.kind === "unread"
          ? "payload_too_large"
          : create?.kind === "judged" && !create.judged.ok
            ? "invalid_request"
            : "create";
    if (!answer) return label;
    const outcome = createOutcome(answer);
    if (reading.breaks.length > 0) {
      // A request that breaks a documented rule must make no task.
      if (outcome === "task") {
        for (const found of reading.breaks) {
          this.#broke(
            "target",
            {
              ...found,
              detail: `a request that breaks it must create no task, but was answered with one: ${describeAnswer(answer)}`,
            },
            exchange,
            redactor,
          );
        }
      } else if (outcome === "rejected") {
        const [first] = reading.breaks;
        if (
          first &&
          (label === "unauthorized" || label === "malformed_json" || label === "invalid_request")
        ) {
          observeRejection(
            this.drift,
            label,
            `a create that breaks "${first.rule}" (field ${first.field})`,
            answer,
          );
        }
      }
      return label;
    }
    if (create?.kind !== "judged" || !create.judged.ok) return label;
    const { judged, body } = create;
    const [open] = judged.open;
    const subject = open?.subject ?? (judged.request ? shapeOf(judged.request) : judged.model);
    if (outcome === "rejected") {
      if (open) {
        for (const c of judged.open)
          this.drift.observe(c.question, c.subject, assumedFate(body), "refused at create");
        observeRejection(this.drift, "invalid_request", open.subject, answer);
      } else if (answer.status === 429) {
        observeRejection(this.drift, "rate_limited", "a create", answer);
      } else {
        // Balance, moderation, a revoked key: nothing documents why a valid create may be refused.
        this.drift.observe(
          "a create the documentation calls valid",
          subject,
          "a task",
          errorSignature(answer),
          false,
        );
      }
      return label;
    }
    if (outcome === "unrecognised" && (answer.status < 200 || answer.status >= 300)) return label;
    const created = createdTask(answer);
    if (!created.ok) {
      this.#broke("target", created.found, exchange, redactor);
      return label;
    }
    const wrongModel = modelAsAsked(created.value, judged.model);
    if (wrongModel) this.#broke("target", wrongModel, exchange, redactor);
    const createdAt = Math.round(exchange.at + exchange.durationMs);
    this.tasks.add({
      created: created.value,
      createdAt,
      keyId: reading.keyId,
      body,
      request: judged.request,
      open: judged.open,
      subject,
      last: created.value.status,
      steps: [],
      final: undefined,
    });
    if (judged.request && !open)
      observeCreated(this.drift, subject, judged.request, answer, created.value);
    return label;
  }

  /** Checks a poll's answer; answers the label its recording gets. */
  #checkPoll(
    exchange: Exchange,
    reading: RequestReading,
    answer: Answer | undefined,
    redactor: Redactor,
  ): string {
    const id = reading.taskId ?? "";
    if (!reading.keyId) {
      if (!answer) return "unauthorized";
      const leaked = keylessPoll(answer, id, "without a key");
      if (leaked) this.#broke("target", leaked, exchange, redactor);
      else if (isRecognisedRejection(answer))
        observeRejection(this.drift, "unauthorized", "a poll without a key", answer);
      return "unauthorized";
    }
    if (!answer) return "result";
    if (answer.status === 429) {
      observeRejection(this.drift, "rate_limited", "a poll", answer);
      return "rate_limited";
    }
    const task = this.tasks.get(id);
    const success = answer.status >= 200 && answer.status < 300;
    // A task the proxy saw created with this key, within its lifetime, must be answered.
    const owed =
      task !== undefined &&
      task.keyId === reading.keyId &&
      exchange.at - task.createdAt < TASK_LIFETIME_MS &&
      answer.status >= 400 &&
      answer.status < 500;
    if (!(success && !isRecognisedRejection(answer)) && !owed) return "result";
    const polled = polledTask(answer, id);
    if (!polled.ok) {
      this.#broke("target", polled.found, exchange, redactor);
      return "result";
    }
    const result = polled.value;
    if (result.id !== id) {
      this.#broke(
        "target",
        { rule: "taskIdentity", field: "id", detail: `a poll of ${id} answered task ${result.id}` },
        exchange,
        redactor,
      );
      return "result";
    }
    if (task) this.#followTask(exchange, task, result, redactor);
    return "result";
  }

  #followTask(exchange: Exchange, task: TrackedTask, result: TaskResult, redactor: Redactor): void {
    const found =
      sameTask(task.created, result) ??
      statusOrder([task.last, result.status]) ??
      (task.final ? unchangedAfterEnd(task.final, result) : undefined);
    if (found) this.#broke("target", found, exchange, redactor);
    const decided = task.request !== undefined && task.open.length === 0;
    if (decided) observeResultFields(this.drift, task.subject, result);
    if (task.final) return;
    const afterMs = Math.round(exchange.at + exchange.durationMs) - task.createdAt;
    this.tasks.step(task, afterMs, result.status);
    if (result.status !== "completed" && result.status !== "failed") return;
    const final = result;
    task.final = final;
    if (final.status === "completed") this.tasks.noteImage(final.image_url, task.created.id);
    for (const c of task.open) {
      this.drift.observe(c.question, c.subject, assumedFate(task.body), `task ${final.status}`);
    }
    if (decided && task.request) {
      observeTimings(this.drift, task.subject, task.request, task.steps);
      observeOutcome(this.drift, task.subject, task.body, final);
    }
  }

  /** Checks a download of a task's image, when the proxy saw the task complete. */
  #checkImage(exchange: Exchange, redactor: Redactor): string | undefined {
    const url = this.origin + exchange.path;
    const task = this.tasks.imageOf(url);
    const response = exchange.response;
    if (task?.final?.status !== "completed" || !response) return undefined;
    if (exchange.end !== "answered") return "image";
    // A partial or conditional download, or a redirect, says nothing of the image's bytes.
    const headers = exchange.requestHeaders;
    const partial = headers.range || headers["if-none-match"] || headers["if-modified-since"];
    if (partial || (response.status >= 300 && response.status < 400)) return "image";
    const info = imageInfo(response.body.kept());
    const contentType = response.headers["content-type"] ?? null;
    const found = imageServed(task.final.image_url, { status: response.status, contentType, info });
    if (found) this.#broke("target", found, exchange, redactor);
    else if (task.request && task.open.length === 0)
      observeImage(this.drift, task.subject, task.request, info);
    return "image";
  }

  #journal(exchange: Exchange, reading: RequestReading, answer: Answer | undefined): void {
    const status = statusSeenByClient(exchange);
    const created =
      reading.route === "createImageTask" ? CreateImageResponse.safeParse(answer?.json) : undefined;
    const polled =
      reading.route === "getTaskResult" ? TaskResult.safeParse(answer?.json) : undefined;
    const success = status >= 200 && status < 300;
    const taskStatus = success
      ? created?.success
        ? created.data.status
        : polled?.success
          ? polled.data.status
          : undefined
      : undefined;
    this.journal.add({
      at: exchange.at,
      durationMs: exchange.durationMs,
      method: exchange.method,
      path: reading.pathname,
      status,
      outcome:
        exchange.end === "client_gone"
          ? "aborted"
          : exchange.end === "target_cut"
            ? "dropped"
            : undefined,
      route: reading.route,
      keyId: reading.keyId,
      taskId: created?.success ? created.data.id : reading.taskId,
      taskStatus,
      retryAfterMs:
        status === 429 || status === 503
          ? parseRetryAfter(exchange.response?.headers["retry-after"], exchange.at)
          : undefined,
      bodyHash: reading.bodyHash,
    });
  }
}
