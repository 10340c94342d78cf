/** Encoded pictures by task id, least recently used first out once over `maxBytes`. */
export class ImageCache {
  readonly #images = new Map<string, Buffer>();
  #bytes = 0;

  constructor(readonly maxBytes: number) {}

  getOrRender(id: string, render: () => Buffer): Buffer {
    const cached = this.#images.get(id);
    if (cached) {
      this.#images.delete(id);
      this.#images.set(id, cached);
      return cached;
    }
    const image = render();
    this.#images.set(id, image);
    this.#bytes += image.length;
    for (const [oldest, bytes] of this.#images) {
      if (this.#bytes <= this.maxBytes || oldest === id) break;
      this.#images.delete(oldest);
      this.#bytes -= bytes.length;
    }
    return image;
  }

  clear(): void {
    this.#images.clear();
    this.#bytes = 0;
  }
}
