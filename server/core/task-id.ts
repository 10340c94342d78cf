/**
 * Task ids that carry their task. A task id is `image_` + a version-4 UUID whose 122 free bits hold
 * what a poll and the image route need, sealed with a MAC keyed by the seed and bound to the key
 * that created the task; an image name is the same facts sealed with no owner, since anyone holding
 * an `image_url` may download it. So any process started with the same seed answers any id, and
 * no process needs to remember one.
 *
 * The UUID, as four big-endian 32-bit words (bit 31 first):
 *
 *   word 0   tag (26) · created, bits 37–32 (6)
 *   word 1   nonce (16) · version `0100` (4) · error text slot (12)
 *   word 2   variant `10` (2) · model (1) · outcome (1) · output (6) · queued ms (11) · processing ms (11)
 *   word 3   created, bits 31–0 (32)
 *
 * The tag is 26 bits of HalfSipHash-2-4 over the facts and the owner; every other free bit is
 * XORed with a mask drawn from the tag, so ids look random and one changed bit changes the facts.
 * The creation time is held modulo 2^38 ms (8.7 years) and read as the nearest such time from
 * 2^35 ms (13 months) ahead of the reader's clock, for replicas whose clocks differ, to 7.6 years
 * behind it.
 */
import { hash } from "node:crypto";
import {
  type OutputRequest,
  type OutputSize,
  outputRequestOf,
  sizeOfOutput,
} from "../../contract/output-size.js";
import { type CreateImageRequest, Model, Ratio, Resolution, Size } from "../../contract/schemas.js";
import { halfSipHash } from "./half-siphash.js";

/** What a task id holds. */
export interface TaskFacts {
  /** Unix ms, whole. */
  readonly createdMs: number;
  readonly model: Model;
  readonly output: OutputRequest;
  readonly outcome: "completed" | "failed";
  /** Representable durations only: see `roundMs`. */
  readonly queuedMs: number;
  readonly processingMs: number;
  /** 0 for the task's default error text, else a slot of the process's error texts. */
  readonly errorSlot: number;
  /** Tells apart tasks with the same facts created in the same millisecond. */
  readonly nonce: number;
}

/** Error text slots an id can name: 1 to this. */
export const ERROR_SLOTS = 0xfff;
/** Distinct nonces: at most this many tasks per millisecond of the fake's clock get distinct ids. */
export const NONCES = 0x10000;

const CREATED_SPAN = 2 ** 38;
const CREATED_AHEAD = 2 ** 35;
const MODELS = Model.options;
/** An output of the table: what a request asks for and what it makes, shared by every task. */
export interface TableOutput {
  readonly request: OutputRequest;
  readonly size: OutputSize;
}
/** Every output a request can ask for, in a fixed order: the id holds its index. */
const OUTPUTS: readonly (TableOutput & { readonly index: number })[] = [
  ...Size.options.map((size) => ({ size })),
  ...Ratio.options.flatMap((ratio) =>
    Resolution.options.map((resolution) => ({ ratio, resolution })),
  ),
].map((request, index) => ({ request, size: sizeOfOutput(request), index }));

// Facts hold the table's own objects (see tableOutputOf): found by identity, no key to build.
const BY_REQUEST = new Map(OUTPUTS.map((output) => [output.request, output]));
const BY_SIZE = new Map<string, (typeof OUTPUTS)[number]>();
const BY_RATIO = new Map<string, Map<string, (typeof OUTPUTS)[number]>>();
for (const output of OUTPUTS) {
  if ("size" in output.request) BY_SIZE.set(output.request.size, output);
  else {
    const { ratio, resolution } = output.request;
    BY_RATIO.set(ratio, (BY_RATIO.get(ratio) ?? new Map()).set(resolution, output));
  }
}
/** The table's entry for an output with these fields; undefined for one outside the table. */
const byFields = (output: OutputRequest) =>
  "size" in output ? BY_SIZE.get(output.size) : BY_RATIO.get(output.ratio)?.get(output.resolution);
const entryOf = (output: OutputRequest) => BY_REQUEST.get(output) ?? byFields(output);
const outputIndex = (output: OutputRequest) => entryOf(output)?.index ?? 0;

/**
 * The table's entry for the output a request asks for: facts hold its objects rather than a copy
 * each, and a create finds its size without computing it.
 *
 * @example tableOutputOf(request).size // { resolution: "2k", pixels: { width: 2048, height: 1152 } } for 16:9 at 2k
 */
export function tableOutputOf(request: CreateImageRequest): TableOutput {
  const wanted = outputRequestOf(request);
  return byFields(wanted) ?? { request: wanted, size: sizeOfOutput(wanted) };
}

/** The resolution and pixels of the output the facts name. */
export const sizeOfFacts = (facts: TaskFacts): OutputSize =>
  entryOf(facts.output)?.size ?? sizeOfOutput(facts.output);

const POWERS_OF_TEN = [1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000];
const MAX_MANTISSA = 255;

/** An 11-bit duration: an 8-bit mantissa times a power of ten from 10^0 to 10^7. */
function msCode(ms: number): number {
  let exponent = 0;
  while (
    exponent < POWERS_OF_TEN.length - 1 &&
    Math.round(ms / (POWERS_OF_TEN[exponent] ?? 1)) > MAX_MANTISSA
  ) {
    exponent += 1;
  }
  const mantissa = Math.min(MAX_MANTISSA, Math.round(ms / (POWERS_OF_TEN[exponent] ?? 1)));
  return (exponent << 8) | mantissa;
}

const msOfCode = (code: number) => (code & 0xff) * (POWERS_OF_TEN[code >>> 8] ?? 0);

/** The longest duration an id holds; longer ones are held as this. */
export const MAX_DURATION_MS = MAX_MANTISSA * 10_000_000;

/**
 * The duration an id holds for `ms`: exact below 256 ms, else rounded to its first two or three
 * significant digits (at most 2% off), and at most MAX_DURATION_MS (about 29.5 days).
 *
 * @example roundMs(1500) // 1500; roundMs(1234) // 1230; roundMs(2555) // 2600
 */
export const roundMs = (ms: number): number => msOfCode(msCode(ms));

/** MurmurHash3's finaliser: spreads the tag over a mask word. */
function mix(value: number): number {
  let h = value;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// Hex by table and by hand: `toString(16)`, `padStart` and `parseInt` cost more than the MAC.
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));
const hex4 = (half: number) => `${HEX[(half >>> 8) & 0xff]}${HEX[half & 0xff]}`;
const hex8 = (word: number) => hex4(word >>> 16) + hex4(word);
const NIBBLES = new Int8Array(128).fill(-1);
for (const [value, digit] of [..."0123456789abcdef"].entries())
  NIBBLES[digit.charCodeAt(0)] = value;

/** The four words of a lowercase UUID (dashes where RFC 9562 puts them), or false. */
function readUuid(text: string, into: Uint32Array): boolean {
  if (text.length !== 36) return false;
  let value = 0;
  let digits = 0;
  for (let at = 0; at < 36; at += 1) {
    const code = text.charCodeAt(at);
    if (at === 8 || at === 13 || at === 18 || at === 23) {
      if (code !== 0x2d) return false;
      continue;
    }
    const nibble = code < 128 ? (NIBBLES[code] ?? -1) : -1;
    if (nibble < 0) return false;
    value = (value << 4) | nibble;
    digits += 1;
    if (digits % 8 === 0) into[digits / 8 - 1] = value >>> 0;
  }
  return true;
}

const TASK_PREFIX = "image_";
const TASK_DOMAIN = 1;
const IMAGE_DOMAIN = 2;

export interface TaskIdCodec {
  /** The id the owner polls; another key gets nothing from it. */
  taskId(facts: TaskFacts, ownerKey: string): string;
  /** The facts of a task id sealed for this owner, or undefined (unknown, forged or another key's). */
  openTaskId(id: string, ownerKey: string, now: number): TaskFacts | undefined;
  /** The name of the task's image, sealed with no owner. */
  imageName(facts: TaskFacts): string;
  /** The facts of an image name, or undefined. */
  openImageName(name: string, now: number): TaskFacts | undefined;
}

/**
 * The codec for a seed: processes with the same seed read each other's ids.
 *
 * @example
 * const codec = createTaskIdCodec("42");
 * const id = codec.taskId(facts, "sk-key"); // "image_5f0c…"
 * codec.openTaskId(id, "sk-key", Date.now()); // facts
 */
export function createTaskIdCodec(seed: string): TaskIdCodec {
  // The version string makes an id of another layout fail the MAC instead of being misread.
  const secret = hash("sha256", `image2-kit task id v1\0${seed}`, "buffer");
  const [k0, k1, m0, m1, m2, m3] = [0, 4, 8, 12, 16, 20].map((at) => secret.readUInt32LE(at)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const owners = new Map<string, readonly [number, number]>();
  const ownerWords = (key: string) => {
    let words = owners.get(key);
    if (words === undefined) {
      const digest = hash("sha256", `${secret.toString("hex")}\0${key}`, "buffer");
      words = [digest.readUInt32LE(0), digest.readUInt32LE(4)];
      // Every request names its key: remember a bounded number of them rather than hash each time.
      if (owners.size >= 1000) owners.clear();
      owners.set(key, words);
    }
    return words;
  };
  const input = new Uint32Array(7);
  const tagOf = (
    domain: number,
    high: number,
    word1: number,
    word2: number,
    low: number,
    owner: readonly [number, number],
  ) => {
    input[0] = domain;
    input[1] = high;
    input[2] = word1;
    input[3] = word2;
    input[4] = low;
    input[5] = owner[0];
    input[6] = owner[1];
    return halfSipHash(k0, k1, input) >>> 6;
  };

  function seal(facts: TaskFacts, domain: number, owner: readonly [number, number]): string {
    const created = ((facts.createdMs % CREATED_SPAN) + CREATED_SPAN) % CREATED_SPAN;
    const high = Math.floor(created / 2 ** 32);
    const low = created >>> 0;
    const word1 = ((facts.nonce & 0xffff) << 16) | (facts.errorSlot & ERROR_SLOTS);
    const word2 =
      (MODELS.indexOf(facts.model) << 29) |
      ((facts.outcome === "failed" ? 1 : 0) << 28) |
      (outputIndex(facts.output) << 22) |
      (msCode(facts.queuedMs) << 11) |
      msCode(facts.processingMs);
    const tag = tagOf(domain, high, word1, word2, low, owner);
    const u0 = ((tag << 6) | (high ^ (mix(tag ^ m0) & 0x3f))) >>> 0;
    const u1 = ((word1 ^ (mix(tag ^ m1) & 0xffff0fff)) | 0x4000) >>> 0;
    const u2 = ((word2 ^ (mix(tag ^ m2) & 0x3fffffff)) | 0x80000000) >>> 0;
    const u3 = (low ^ mix(tag ^ m3)) >>> 0;
    return `${hex8(u0)}-${hex4(u1 >>> 16)}-${hex4(u1 & 0xffff)}-${hex4(u2 >>> 16)}-${hex4(u2 & 0xffff)}${hex8(u3)}`;
  }

  const words = new Uint32Array(4);
  function open(
    uuid: string,
    domain: number,
    owner: readonly [number, number],
    now: number,
  ): TaskFacts | undefined {
    if (!readUuid(uuid, words)) return undefined;
    const u0 = words[0] ?? 0;
    const u1 = words[1] ?? 0;
    const u2 = words[2] ?? 0;
    const u3 = words[3] ?? 0;
    // Version 4 and the RFC variant, as every id this fake hands out has them.
    if ((u1 & 0xf000) !== 0x4000 || u2 >>> 30 !== 2) return undefined;
    const tag = u0 >>> 6;
    const high = (u0 ^ mix(tag ^ m0)) & 0x3f;
    const word1 = ((u1 ^ mix(tag ^ m1)) & 0xffff0fff) >>> 0;
    const word2 = ((u2 ^ mix(tag ^ m2)) & 0x3fffffff) >>> 0;
    const low = (u3 ^ mix(tag ^ m3)) >>> 0;
    if (tagOf(domain, high, word1, word2, low, owner) !== tag) return undefined;
    const output = OUTPUTS[(word2 >>> 22) & 0x3f];
    const model = MODELS[(word2 >>> 29) & 1];
    if (!output || !model) return undefined;
    const nowMs = Math.floor(now);
    let offset = (((high * 2 ** 32 + low - nowMs) % CREATED_SPAN) + CREATED_SPAN) % CREATED_SPAN;
    if (offset >= CREATED_AHEAD) offset -= CREATED_SPAN;
    return {
      createdMs: nowMs + offset,
      model,
      output: output.request,
      outcome: (word2 >>> 28) & 1 ? "failed" : "completed",
      queuedMs: msOfCode((word2 >>> 11) & 0x7ff),
      processingMs: msOfCode(word2 & 0x7ff),
      errorSlot: word1 & ERROR_SLOTS,
      nonce: word1 >>> 16,
    };
  }

  const noOwner = [0, 0] as const;
  return {
    taskId: (facts, ownerKey) => TASK_PREFIX + seal(facts, TASK_DOMAIN, ownerWords(ownerKey)),
    openTaskId: (id, ownerKey, now) =>
      id.startsWith(TASK_PREFIX)
        ? open(id.slice(TASK_PREFIX.length), TASK_DOMAIN, ownerWords(ownerKey), now)
        : undefined,
    imageName: (facts) => seal(facts, IMAGE_DOMAIN, noOwner),
    openImageName: (name, now) => open(name, IMAGE_DOMAIN, noOwner, now),
  };
}
