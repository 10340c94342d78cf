import { createHash } from "node:crypto";

/** A seeded source of randomness: the same seed gives the same outcomes, faults and pictures. */
export interface Random {
  /** A float in [0, 1). */
  next(): number;
}

/** 32 bits from any string, so seeds and prompts can feed the generator. */
export function hash32(text: string): number {
  return createHash("sha256").update(text).digest().readUInt32LE(0);
}

/**
 * sfc32: small, fast and good enough for test data; not for anything secret.
 *
 * @example createRandom("42").next() // the same number on every run
 */
export function createRandom(seed: string): Random {
  let a = hash32(`${seed}:a`);
  let b = hash32(`${seed}:b`);
  let c = hash32(`${seed}:c`);
  let d = hash32(`${seed}:d`);
  const nextUint32 = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  return {
    next: () => nextUint32() / 2 ** 32,
  };
}
