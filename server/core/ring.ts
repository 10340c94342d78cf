/**
 * The most recent `size` items, oldest first; a new one overwrites the oldest. The journal and the
 * inspector's recent tasks are both bounded this way, so memory stays flat at any rate.
 */
export class Ring<T> {
  #items: T[] = [];
  #next = 0;

  constructor(readonly size: number) {}

  add(item: T): void {
    if (this.#items.length < this.size) this.#items.push(item);
    else this.#items[this.#next] = item;
    this.#next = (this.#next + 1) % this.size;
  }

  /** The item the next `add` overwrites: the oldest once the ring is full, else undefined. */
  get overwritten(): T | undefined {
    return this.#items.length < this.size ? undefined : this.#items[this.#next];
  }

  /** The first item, oldest first, that satisfies `test`. */
  find(test: (item: T) => boolean): T | undefined {
    return this.#items.find(test);
  }

  /** Every item, oldest first, as a new array. */
  list(): T[] {
    return this.#items.length < this.size
      ? [...this.#items]
      : [...this.#items.slice(this.#next), ...this.#items.slice(0, this.#next)];
  }

  /**
   * The items that satisfy `test`, newest first or oldest first, past the first `offset` of them and
   * at most `limit`, each as `view` shows it (with its place among all items, 0 for the oldest),
   * and how many satisfy `test` in all: one pass, no copy of the ring.
   *
   * @example ring.page((entry) => entry.status === 429, { offset: 0, limit: 50, newestFirst: true }, (entry) => entry)
   */
  page<U>(
    test: (item: T) => boolean,
    options: PageOptions,
    view: (item: T, age: number) => U,
  ): Page<U> {
    const count = this.#items.length;
    const oldest = count < this.size ? 0 : this.#next;
    const items: U[] = [];
    let total = 0;
    for (let i = 0; i < count; i += 1) {
      const age = options.newestFirst ? count - 1 - i : i;
      const item = this.#items[(oldest + age) % count] as T;
      if (!test(item)) continue;
      if (total >= options.offset && items.length < options.limit) items.push(view(item, age));
      total += 1;
    }
    return { items, total };
  }

  get count(): number {
    return this.#items.length;
  }

  clear(): void {
    this.#items = [];
    this.#next = 0;
  }
}

/** Which part of a ring to read. */
export interface PageOptions {
  readonly offset: number;
  readonly limit: number;
  readonly newestFirst: boolean;
}

/** One page of a ring, and how many items matched in all. */
export interface Page<T> {
  readonly items: T[];
  readonly total: number;
}
