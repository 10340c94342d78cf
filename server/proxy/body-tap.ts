/**
 * A bounded copy of a body streaming through the proxy: the checks read it once the exchange is
 * over, the client never waits for it, and a body larger than the cap is counted, not kept.
 */
export class BodyTap {
  readonly #chunks: Buffer[] = [];
  #kept = 0;
  #bytes = 0;

  constructor(readonly cap: number) {}

  /** Takes a chunk as it passes. */
  add(chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#kept >= this.cap) return;
    const part =
      chunk.length <= this.cap - this.#kept ? chunk : chunk.subarray(0, this.cap - this.#kept);
    this.#chunks.push(part);
    this.#kept += part.length;
  }

  /** Every byte that passed, kept or not. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Whether bytes past the cap went by without a copy. */
  get truncated(): boolean {
    return this.#bytes > this.#kept;
  }

  /** The bytes kept, at most `cap`. */
  kept(): Buffer {
    return Buffer.concat(this.#chunks, this.#kept);
  }
}
