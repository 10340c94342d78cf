/**
 * Writing the proxy's exchanges as the contract suite's recordings (contract/recording.ts: one
 * schema, one writer, secrets redacted), one file each, in order, without ever holding up a
 * client: writes queue behind each other, and past a bound of pending writes (a disk slower than
 * the traffic) an exchange is counted as not recorded rather than kept in memory.
 */
import { readdir } from "node:fs/promises";
import { type Recording, writeRecording } from "../../contract/recording.js";
import type { Redactor } from "../../contract/redact.js";

/** Writes waiting at once. */
const PENDING_KEPT = 1000;

export class ProxyRecorder {
  #seq = 0;
  #pending = 0;
  #queue: Promise<void> = Promise.resolve();
  #written = 0;
  #dropped = 0;
  #failure: string | undefined;

  private constructor(
    readonly dir: string,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * A recorder for `dir`, numbering after the recordings already there so a second run adds to the
   * folder instead of overwriting it.
   *
   * @example const recorder = await ProxyRecorder.open("reports/recordings", console.error);
   */
  static async open(dir: string, log: (line: string) => void): Promise<ProxyRecorder> {
    const recorder = new ProxyRecorder(dir, log);
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const seq = Number(/^(\d+)-.*\.json$/.exec(name)?.[1] ?? 0);
      recorder.#seq = Math.max(recorder.#seq, seq);
    }
    return recorder;
  }

  /** Queues one exchange; `redactor` must know the exchange's own key. */
  record(recording: Omit<Recording, "seq">, redactor: Redactor): void {
    if (this.#pending >= PENDING_KEPT) {
      this.#dropped += 1;
      return;
    }
    this.#seq += 1;
    const full: Recording = { seq: this.#seq, ...recording };
    this.#pending += 1;
    this.#queue = this.#queue
      .then(() => writeRecording(this.dir, full, redactor))
      .then(
        () => {
          this.#written += 1;
        },
        (error: Error) => {
          this.#dropped += 1;
          if (this.#failure === undefined) {
            this.#failure = error.message;
            this.log(
              `image2-kit proxy: could not write a recording to ${this.dir}: ${error.message}`,
            );
          }
        },
      )
      .finally(() => {
        this.#pending -= 1;
      });
  }

  /** Resolves once every queued recording is on disk (or has failed). */
  flush(): Promise<void> {
    return this.#queue;
  }

  /** Recordings written, and exchanges not recorded (a full queue or a failed write). */
  get counts(): { written: number; dropped: number } {
    return { written: this.#written, dropped: this.#dropped };
  }
}
