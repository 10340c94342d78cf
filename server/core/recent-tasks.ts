/** The most recent `size` tasks a process created, oldest first, for the inspector and the control API. */
export class RecentTasks<T extends { readonly id: string }> {
  #tasks: T[] = [];
  #next = 0;

  constructor(readonly size: number) {}

  add(task: T): void {
    if (this.#tasks.length < this.size) this.#tasks.push(task);
    else this.#tasks[this.#next] = task;
    this.#next = (this.#next + 1) % this.size;
  }

  /** The task with this id, if it is among the recent ones. */
  find(id: string): T | undefined {
    return this.#tasks.find((task) => task.id === id);
  }

  list(): T[] {
    return this.#tasks.length < this.size
      ? [...this.#tasks]
      : [...this.#tasks.slice(this.#next), ...this.#tasks.slice(0, this.#next)];
  }

  get count(): number {
    return this.#tasks.length;
  }

  clear(): void {
    this.#tasks = [];
    this.#next = 0;
  }
}
