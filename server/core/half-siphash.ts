/**
 * HalfSipHash-2-4 with a 32-bit output (Aumasson and Bernstein's keyed hash for short inputs), over
 * whole 32-bit words. Task ids are sealed with it on every create and opened on every poll: in plain
 * JavaScript it costs a fraction of a `node:crypto` call, which pays for its setup on each use.
 */

const rotl = (x: number, bits: number) => (x << bits) | (x >>> (32 - bits));

/**
 * The keyed hash of `words` (each a 32-bit word, as read little-endian from the message bytes).
 *
 * @example halfSipHash(0x03020100, 0x07060504, [0x03020100]) // 0x89466e2a, the reference vector
 */
export function halfSipHash(k0: number, k1: number, words: ArrayLike<number>): number {
  let v0 = k0 | 0;
  let v1 = k1 | 0;
  let v2 = 0x6c796765 ^ k0;
  let v3 = 0x74656462 ^ k1;
  // One block per word, then a last one holding the message length in bytes in its top byte; then
  // four finishing rounds. Written as one loop without closures so V8 keeps v0…v3 in registers.
  const blocks = words.length + 1;
  for (let block = 0; block <= blocks; block += 1) {
    const finishing = block === blocks;
    const word = block < words.length ? (words[block] ?? 0) : (words.length * 4) << 24;
    if (finishing) v2 ^= 0xff;
    else v3 ^= word;
    for (let round = finishing ? 4 : 2; round > 0; round -= 1) {
      v0 = (v0 + v1) | 0;
      v1 = rotl(v1, 5) ^ v0;
      v0 = rotl(v0, 16);
      v2 = (v2 + v3) | 0;
      v3 = rotl(v3, 8) ^ v2;
      v0 = (v0 + v3) | 0;
      v3 = rotl(v3, 7) ^ v0;
      v2 = (v2 + v1) | 0;
      v1 = rotl(v1, 13) ^ v2;
      v2 = rotl(v2, 16);
    }
    if (!finishing) v0 ^= word;
  }
  return (v1 ^ v3) >>> 0;
}
