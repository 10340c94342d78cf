/**
 * The tasks the fake answers, without keeping them: a task's id holds its facts (task-id.ts) and
 * a poll computes the answer from them, so no task is forgotten while a client may still ask and
 * any process with the same seed answers it. What an id cannot hold is kept here, bounded: error
 * texts by slot, plans that no id holds (TaskChanges), and a ring of recent tasks for the inspector.
 */
import { randomInt } from "node:crypto";
import type { CreateImageRequest } from "../../contract/schemas.js";
import { ErrorTexts } from "./error-texts.js";
import { type Page, type PageOptions, Ring } from "./ring.js";
import { TaskChanges } from "./task-changes.js";
import {
  createTaskIdCodec,
  NONCES,
  roundMs,
  sizeOfFacts,
  type TableOutput,
  type TaskFacts,
  type TaskIdCodec,
} from "./task-id.js";
import { defaultErrorOf } from "./task-planner.js";
import type { Task, TaskPlan } from "./tasks.js";

/** A task this process created, as the inspector lists it. */
export interface RecentTask extends Task {
  readonly id: string;
  /** The fingerprint of the key that created it. */
  readonly keyId: string;
  /** The request as the fake understood it. */
  readonly request: Readonly<Record<string, unknown>>;
}

/**
 * What the book keeps of a recent task: its facts and the request as the inspector shows it, in one
 * flat record that the task replacing it overwrites in place. Ten thousand of them live through
 * every collection of the heap, and a create's own objects, kept, would be copied by scavenges until
 * promoted. Its plan, size and status follow from its facts when it is read.
 */
type KeptTask = { -readonly [K in keyof TaskFacts]: TaskFacts[K] } & {
  id: string;
  keyId: string;
  prompt: string;
  quality: CreateImageRequest["quality"];
  ratio: CreateImageRequest["ratio"];
  size: CreateImageRequest["size"];
  referenceImages: number;
};

export interface NewTask {
  readonly request: CreateImageRequest;
  readonly output: TableOutput;
  readonly plan: TaskPlan;
  /** The bearer key that creates it: only that key can poll its id. */
  readonly ownerKey: string;
  readonly keyId: string;
  readonly now: number;
}

/** How much of a prompt the inspector shows. */
const PROMPT_SHOWN = 200;

/**
 * A new task written over the record it replaces, or into a new one while the ring fills. Every
 * field is written: task-book.test.ts checks a record overwritten by a task that differs in each.
 */
function keep(
  record: KeptTask | undefined,
  id: string,
  facts: TaskFacts,
  { request, keyId }: NewTask,
): KeptTask {
  const kept = record ?? ({} as KeptTask);
  kept.id = id;
  kept.keyId = keyId;
  kept.createdMs = facts.createdMs;
  kept.model = facts.model;
  kept.output = facts.output;
  kept.outcome = facts.outcome;
  kept.queuedMs = facts.queuedMs;
  kept.processingMs = facts.processingMs;
  kept.errorSlot = facts.errorSlot;
  kept.nonce = facts.nonce;
  kept.prompt = firstChars(request.prompt, PROMPT_SHOWN);
  kept.quality = request.quality;
  kept.ratio = request.ratio;
  kept.size = request.size;
  kept.referenceImages = request.image_urls.length;
  return kept;
}

/**
 * The first `max` characters of a text, in a string of their own: V8's slice of a long string
 * keeps the whole of it alive, and a prompt may be a MiB, ten thousand times over. A pair of
 * surrogates (an emoji) is kept whole or left out, never cut in two.
 */
function firstChars(text: string, max: number): string {
  if (text.length <= max) return text;
  const high = text.charCodeAt(max - 1);
  const end = high >= 0xd800 && high <= 0xdbff ? max - 1 : max;
  // UTF-16 both ways: a copy of the code units as they are, lone surrogates included.
  return Buffer.from(text.slice(0, end), "utf16le").toString("utf16le");
}

export type Created =
  | { ok: true; task: Task & { readonly id: string } }
  | { ok: false; problem: string };

export class TaskBook {
  readonly #codec: TaskIdCodec;
  readonly #texts = new ErrorTexts();
  readonly #changes: TaskChanges;
  readonly #recent: Ring<KeptTask>;
  // A random start, so two processes with the same seed rarely hand out the same nonce at once.
  #nonce = randomInt(NONCES);
  #millisecond = Number.NaN;
  #inMillisecond = 0;

  /** `maxTasks`: how many recent tasks are listed, and how many changed plans are kept at most. */
  constructor(seed: string, maxTasks: number) {
    this.#codec = createTaskIdCodec(seed);
    this.#changes = new TaskChanges(maxTasks);
    this.#recent = new Ring(maxTasks);
  }

  /**
   * A new task and its id; refused only past NONCES creates in one millisecond of the clock, or
   * when its error text needs a kept plan and TaskChanges is full.
   */
  create(input: NewTask): Created {
    const createdMs = Math.floor(input.now);
    if (createdMs !== this.#millisecond) {
      this.#millisecond = createdMs;
      this.#inMillisecond = 0;
    }
    if (this.#inMillisecond >= NONCES) {
      return {
        ok: false,
        problem: `More than ${NONCES} tasks were created in one millisecond of the fake's clock; advance the clock`,
      };
    }
    this.#inMillisecond += 1;
    this.#nonce = (this.#nonce + 1) % NONCES;
    // The plan as the id holds it, so the create answers what every later poll will.
    const plan: TaskPlan = {
      queuedMs: roundMs(input.plan.queuedMs),
      processingMs: roundMs(input.plan.processingMs),
      outcome: input.plan.outcome,
      error: input.plan.error,
    };
    const customError = plan.error !== defaultErrorOf(input.request.ratio, input.output.size);
    const errorSlot = customError ? this.#texts.slotOf(plan.error) : 0;
    const facts: TaskFacts = {
      createdMs,
      model: input.request.model,
      output: input.output.request,
      outcome: plan.outcome,
      queuedMs: plan.queuedMs,
      processingMs: plan.processingMs,
      errorSlot: errorSlot ?? 0,
      nonce: this.#nonce,
    };
    if (
      errorSlot === undefined &&
      !this.#changes.set(this.imageNameOf(facts), createdMs, plan, input.now)
    ) {
      return { ok: false, problem: this.#changesFull() };
    }
    const id = this.#codec.taskId(facts, input.ownerKey);
    this.#recent.add(keep(this.#recent.overwritten, id, facts, input));
    const task = {
      id,
      facts,
      model: facts.model,
      createdMs,
      plan,
      pixels: input.output.size.pixels,
    };
    return { ok: true, task };
  }

  /** The task an id names for this key, or undefined: unknown, forged or another key's. */
  find(id: string, ownerKey: string, now: number): Task | undefined {
    const facts = this.#codec.openTaskId(id, ownerKey, now);
    return facts && this.#taskOf(facts);
  }

  /** The task an image name names, or undefined. */
  findImage(name: string, now: number): Task | undefined {
    const facts = this.#codec.openImageName(name, now);
    return facts && this.#taskOf(facts);
  }

  /** The name of a task's image, in `/images/<name>.png`. */
  imageNameOf(facts: TaskFacts): string {
    return this.#codec.imageName(facts);
  }

  /** A task among the recent ones, by id. */
  recent(id: string): RecentTask | undefined {
    const kept = this.#recent.find((task) => task.id === id);
    return kept && this.#recentOf(kept);
  }

  /** A page of the recent tasks: see Ring.page. */
  pageRecent(options: PageOptions): Page<RecentTask> {
    return this.#recent.page(
      () => true,
      options,
      (kept) => this.#recentOf(kept),
    );
  }

  get recentCount(): number {
    return this.#recent.count;
  }

  /** Changes a recent task's plan for every later answer: the task as changed, or a problem. */
  change<T extends Task>(
    task: T,
    plan: TaskPlan,
    now: number,
  ): { ok: true; task: T } | { ok: false; problem: string } {
    if (!this.#changes.set(this.imageNameOf(task.facts), task.createdMs, plan, now)) {
      return { ok: false, problem: this.#changesFull() };
    }
    return { ok: true, task: { ...task, plan } };
  }

  /** Forgets the recent tasks; every id still answers, with any change made to its task. */
  clearRecent(): void {
    this.#recent.clear();
  }

  #changesFull(): string {
    return `This process already keeps ${this.#changes.max} changed tasks whose images have not expired (--max-tasks)`;
  }

  #recentOf(kept: KeptTask): RecentTask {
    const facts: TaskFacts = {
      createdMs: kept.createdMs,
      model: kept.model,
      output: kept.output,
      outcome: kept.outcome,
      queuedMs: kept.queuedMs,
      processingMs: kept.processingMs,
      errorSlot: kept.errorSlot,
      nonce: kept.nonce,
    };
    const task = this.#taskOf(facts);
    // Written out whole, `size` undefined when not asked (JSON leaves it out): a spread followed by
    // another property is V8's slow copy.
    const request = {
      model: kept.model,
      prompt: kept.prompt,
      quality: kept.quality,
      ratio: kept.ratio,
      resolution: sizeOfFacts(facts).resolution,
      size: kept.size,
      reference_images: kept.referenceImages,
    };
    return { ...task, id: kept.id, keyId: kept.keyId, request };
  }

  #taskOf(facts: TaskFacts): Task {
    const output = sizeOfFacts(facts);
    const changed = this.#changes.size > 0 ? this.#changes.get(this.imageNameOf(facts)) : undefined;
    const plan = changed ?? {
      queuedMs: facts.queuedMs,
      processingMs: facts.processingMs,
      outcome: facts.outcome,
      // Another process's text, or one this process has not seen: the default text.
      error:
        (facts.errorSlot && this.#texts.textOf(facts.errorSlot)) ||
        defaultErrorOf("ratio" in facts.output ? facts.output.ratio : undefined, output),
    };
    return { facts, model: facts.model, createdMs: facts.createdMs, plan, pixels: output.pixels };
  }
}
