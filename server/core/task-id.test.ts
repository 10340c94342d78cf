import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { OutputRequest } from "../../contract/output-size.js";
import { Model, Ratio, Resolution, Size, TaskId } from "../../contract/schemas.js";
import {
  createTaskIdCodec,
  ERROR_SLOTS,
  MAX_DURATION_MS,
  NONCES,
  roundMs,
  type TaskFacts,
} from "./task-id.js";

const codec = createTaskIdCodec("task-id-test");
const KEY = "sk-owner";
const NOW = Date.UTC(2026, 0, 15, 12, 0, 0, 123);
const DAY_MS = 86_400_000;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const OUTPUTS: OutputRequest[] = [
  ...Size.options.map((size) => ({ size })),
  ...Ratio.options.flatMap((ratio) =>
    Resolution.options.map((resolution) => ({ ratio, resolution })),
  ),
];

const facts = (over: Partial<TaskFacts> = {}): TaskFacts => ({
  createdMs: NOW,
  model: "gpt-image-2",
  output: { size: "1024x1024" },
  outcome: "completed",
  queuedMs: 2000,
  processingMs: 40_000,
  errorSlot: 0,
  nonce: 7,
  ...over,
});

/** The 122 bits of a UUID that are neither version nor variant, as a string of 0s and 1s. */
const freeBits = (uuid: string) => {
  const bits = [...uuid.replaceAll("-", "")]
    .map((digit) => Number.parseInt(digit, 16).toString(2).padStart(4, "0"))
    .join("");
  return bits.slice(0, 48) + bits.slice(52, 64) + bits.slice(66);
};

const withBit = (uuid: string, bit: number) => {
  const hex = uuid.replaceAll("-", "");
  // Free bit `bit` sits at this position of the 128: past the version nibble and the variant.
  const at = bit < 48 ? bit : bit < 60 ? bit + 4 : bit + 6;
  const digit = Number.parseInt(hex[at >> 2] ?? "0", 16) ^ (8 >> (at & 3));
  const flipped = hex.slice(0, at >> 2) + digit.toString(16) + hex.slice((at >> 2) + 1);
  return `${flipped.slice(0, 8)}-${flipped.slice(8, 12)}-${flipped.slice(12, 16)}-${flipped.slice(16, 20)}-${flipped.slice(20)}`;
};

describe("task ids", () => {
  it("carry every model, output and outcome the fake can create, and read back exactly", () => {
    for (const model of Model.options) {
      for (const output of OUTPUTS) {
        for (const outcome of ["completed", "failed"] as const) {
          const sealed = facts({ model, output, outcome });
          expect(codec.openTaskId(codec.taskId(sealed, KEY), KEY, NOW)).toEqual(sealed);
          expect(codec.openImageName(codec.imageName(sealed), NOW)).toEqual(sealed);
        }
      }
    }
  });

  it("read back any creation time, timings, error slot and nonce, from a reader's clock within range", () => {
    const anyFacts = fc.record({
      createdMs: fc.integer({ min: 0, max: 99_999_999_999_999 }),
      model: fc.constantFrom(...Model.options),
      output: fc.constantFrom(...OUTPUTS),
      outcome: fc.constantFrom("completed" as const, "failed" as const),
      queuedMs: fc.integer({ min: 0, max: 2 ** 32 }).map(roundMs),
      processingMs: fc.integer({ min: 0, max: 2 ** 32 }).map(roundMs),
      errorSlot: fc.integer({ min: 0, max: ERROR_SLOTS }),
      nonce: fc.integer({ min: 0, max: NONCES - 1 }),
    });
    // A replica's clock may be up to 13 months behind the creator's, or years ahead of it.
    const readerOffset = fc.integer({ min: -395 * DAY_MS, max: 7 * 365 * DAY_MS });
    fc.assert(
      fc.property(anyFacts, readerOffset, fc.string({ minLength: 1 }), (sealed, offset, key) => {
        const now = sealed.createdMs + offset;
        expect(codec.openTaskId(codec.taskId(sealed, key), key, now)).toEqual(sealed);
        expect(codec.openImageName(codec.imageName(sealed), now)).toEqual(sealed);
      }),
      { numRuns: 2000 },
    );
  });

  it("keep the documented form: image_ and a version-4 UUID", () => {
    for (let nonce = 0; nonce < 1000; nonce += 1) {
      const id = codec.taskId(facts({ nonce }), KEY);
      expect(TaskId.safeParse(id).success).toBe(true);
      expect(id.slice("image_".length)).toMatch(UUID_V4);
      expect(codec.imageName(facts({ nonce }))).toMatch(UUID_V4);
    }
  });

  it("answer another key, another seed, or the wrong kind of name with nothing", () => {
    const sealed = facts();
    const id = codec.taskId(sealed, KEY);
    expect(codec.openTaskId(id, "sk-someone-else", NOW)).toBeUndefined();
    expect(createTaskIdCodec("another seed").openTaskId(id, KEY, NOW)).toBeUndefined();
    expect(codec.openImageName(id.slice("image_".length), NOW)).toBeUndefined();
    expect(codec.openTaskId(`image_${codec.imageName(sealed)}`, KEY, NOW)).toBeUndefined();
    expect(codec.openTaskId(id.slice("image_".length), KEY, NOW)).toBeUndefined();
  });

  it("answer a tampered id with nothing: every one of its 122 free bits, and its version and variant", () => {
    for (let nonce = 0; nonce < 20; nonce += 1) {
      const id = codec.taskId(facts({ nonce }), KEY);
      const uuid = id.slice("image_".length);
      for (let bit = 0; bit < 122; bit += 1) {
        expect(
          codec.openTaskId(`image_${withBit(uuid, bit)}`, KEY, NOW),
          `bit ${bit}`,
        ).toBeUndefined();
      }
      const otherVersion = `${uuid.slice(0, 14)}5${uuid.slice(15)}`;
      const otherVariant = `${uuid.slice(0, 19)}${uuid[19] === "c" ? "d" : "c"}${uuid.slice(20)}`;
      expect(codec.openTaskId(`image_${otherVersion}`, KEY, NOW)).toBeUndefined();
      expect(codec.openTaskId(`image_${otherVariant}`, KEY, NOW)).toBeUndefined();
      expect(codec.openTaskId(id.toUpperCase(), KEY, NOW)).toBeUndefined();
    }
  });

  it("answer random well-formed ids with nothing", () => {
    fc.assert(
      fc.property(fc.uuid({ version: 4 }), (uuid) => {
        expect(codec.openTaskId(`image_${uuid}`, KEY, NOW)).toBeUndefined();
      }),
      // A fixed seed: a random id passes a 26-bit MAC once in 67 million, and a test never may.
      { numRuns: 5000, seed: 10 },
    );
  });

  it("look random: every free bit is set in about half of the ids of tasks alike but for their nonce", () => {
    const count = 20_000;
    const ones = new Array<number>(122).fill(0);
    const seen = new Set<string>();
    for (let nonce = 0; nonce < count; nonce += 1) {
      const id = codec.taskId(facts({ nonce }), KEY);
      seen.add(id);
      const bits = freeBits(id.slice("image_".length));
      for (let bit = 0; bit < 122; bit += 1)
        if (bits[bit] === "1") ones[bit] = (ones[bit] ?? 0) + 1;
    }
    expect(seen.size).toBe(count);
    // Five standard deviations of a fair coin over 20,000 draws: about ±1.8%.
    const tolerance = (5 * Math.sqrt(count * 0.25)) / count;
    for (const [bit, set] of ones.entries()) {
      expect(Math.abs(set / count - 0.5), `bit ${bit}`).toBeLessThan(tolerance);
    }
  });

  it("differ from the first character on, for tasks created one after another", () => {
    const firsts = new Set<string>();
    for (let nonce = 0; nonce < 200; nonce += 1)
      firsts.add(codec.taskId(facts({ nonce }), KEY)[6] ?? "");
    expect(firsts.size).toBe(16);
  });
});

describe("durations an id holds", () => {
  it("are exact below 256 ms and for round figures, and saturate at the longest", () => {
    for (let ms = 0; ms < 256; ms += 1) expect(roundMs(ms)).toBe(ms);
    for (const ms of [300, 1500, 2000, 15_000, 100_000, 3_600_000]) expect(roundMs(ms)).toBe(ms);
    expect(roundMs(1234)).toBe(1230);
    expect(roundMs(86_400_000)).toBe(86_000_000);
    expect(roundMs(2555)).toBe(2600);
    expect(roundMs(MAX_DURATION_MS)).toBe(MAX_DURATION_MS);
    expect(roundMs(1e15)).toBe(MAX_DURATION_MS);
  });

  it("are at most 2% off below the longest", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: MAX_DURATION_MS }), (ms) => {
        expect(Math.abs(roundMs(ms) - ms) / ms).toBeLessThanOrEqual(0.02);
        expect(roundMs(roundMs(ms))).toBe(roundMs(ms));
      }),
      { numRuns: 5000 },
    );
  });
});
