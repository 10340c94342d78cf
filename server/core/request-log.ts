/**
 * One line per request for a person watching the fake: time, method, path, status, duration,
 * task id and the task's status, as text (`pretty`) or JSON lines (`json`).
 *
 * It sits on every request's path, so it costs little: a line is one string built from fields the
 * journal has already, the time of day is formatted once a second, and lines are gathered and
 * written once per turn of the event loop, never waiting on the terminal or the pipe. When the
 * reader falls behind by more than a MiB, lines are counted and dropped rather than kept in memory,
 * and a line says how many. It never sees a key, a token, a body or a prompt: only the fields below.
 */
import type { JournalEntry } from "./journal.js";

export type LogFormat = "pretty" | "json" | "off";

/** What a line is made of: a journal entry's fields (a control request has no `seq`). */
export type LoggedRequest = Omit<JournalEntry, "seq" | "bodyHash" | "retryAfterMs">;

/** Where lines go: process.stdout, or anything with its `write`. */
export interface LogSink {
  write(text: string): unknown;
  /** Bytes written but not yet taken by the reader (a Node stream's backlog). */
  readonly writableLength?: number;
  readonly isTTY?: boolean;
}

/** How far the reader may fall behind before lines are dropped instead of kept. */
const MAX_BACKLOG_BYTES = 1024 * 1024;
/** Lines are written at the latest once this much has gathered, whatever the loop does. */
const BATCH_BYTES = 64 * 1024;
const MAX_SHOWN = 512;
/** Visible ASCII only: anything else a client wrote (a decoded %0A, a bidi mark) is shown escaped. */
const PLAIN_TEXT = /^[\x21-\x7e]*$/;

/** The real time since `started` (a `performance.now()`), in ms to two decimals: a line's duration. */
export const msSince = (started: number) => Math.round((performance.now() - started) * 100) / 100;

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));

/** A character outside visible ASCII as a URL has it: percent-encoded UTF-8. */
function percentEncoded(char: string): string {
  try {
    return encodeURIComponent(char);
  } catch {
    return "%EF%BF%BD"; // a lone surrogate: U+FFFD
  }
}

/**
 * What a client wrote (a path, the task id a poll asked for) as one token a reader can trust: a
 * decoded line break, control character or bidi mark is shown percent-encoded, never obeyed; a
 * very long one is cut.
 */
function shown(text: string): string {
  const cut = text.length > MAX_SHOWN;
  const head = cut ? text.slice(0, MAX_SHOWN) : text;
  const safe = PLAIN_TEXT.test(head) ? head : head.replace(/[^\x21-\x7e]/gu, percentEncoded);
  return cut ? `${safe}…` : safe;
}

/** A JSON field, or nothing when absent; `plain` values (the fake's own names) need no escaping. */
const jsonField = (name: string, value: string | undefined, plain = false) =>
  value === undefined ? "" : `,"${name}":${plain ? `"${value}"` : JSON.stringify(value)}`;

const COLOURS = { 2: "\x1b[32m", 3: "\x1b[36m", 4: "\x1b[33m", 5: "\x1b[31m" } as const;

/**
 * Formats and writes the lines; `createRequestLog` picks the format.
 *
 * @example const log = createRequestLog("pretty"); log?.write(entry);
 */
export class RequestLog {
  readonly #format: "pretty" | "json";
  readonly #sink: LogSink;
  readonly #colour: boolean;
  #pending = "";
  #pendingLines = 0;
  #dropped = 0;
  #scheduled = false;
  // The time of day changes once a second: formatted then, not on every line.
  #second = Number.NaN;
  #secondText = "";

  constructor(format: "pretty" | "json", sink: LogSink, colour: boolean) {
    this.#format = format;
    this.#sink = sink;
    this.#colour = colour;
  }

  write(request: LoggedRequest): void {
    this.#pending += this.#format === "json" ? this.#jsonLine(request) : this.#prettyLine(request);
    this.#pendingLines += 1;
    if (this.#pending.length >= BATCH_BYTES) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#flushSoon);
    }
  }

  /** Writes what has gathered now, or drops it when the reader is more than a MiB behind. */
  flush(): void {
    if (this.#pending === "") return;
    if ((this.#sink.writableLength ?? 0) > MAX_BACKLOG_BYTES) {
      this.#dropped += this.#pendingLines;
    } else {
      const notice =
        this.#dropped === 0
          ? ""
          : `image2-kit: ${this.#dropped} request line(s) dropped: the output did not keep up\n`;
      this.#dropped = 0;
      this.#sink.write(notice + this.#pending);
    }
    this.#pending = "";
    this.#pendingLines = 0;
  }

  readonly #flushSoon = () => {
    this.#scheduled = false;
    this.flush();
  };

  #timeOfDay(at: number, utc: boolean): string {
    const second = Math.floor(at / 1000);
    if (second !== this.#second) {
      const date = new Date(second * 1000);
      this.#second = second;
      this.#secondText = utc
        ? `${date.toISOString().slice(0, 19)}.`
        : `${pad2(date.getHours())}:${pad2(date.getMinutes())}:${pad2(date.getSeconds())}.`;
    }
    return this.#secondText + pad3(Math.floor(at - second * 1000));
  }

  #prettyLine(request: LoggedRequest): string {
    const outcome = request.outcome ?? String(request.status);
    const status = this.#colour
      ? `${COLOURS[Math.floor(request.status / 100) as keyof typeof COLOURS] ?? "\x1b[35m"}${outcome}\x1b[0m`
      : outcome;
    const ms = request.durationMs;
    return `${this.#timeOfDay(request.at, false)} ${request.method} ${shown(request.path)} ${status} ${
      ms < 10 ? ms.toFixed(1) : Math.round(ms)
    }ms${request.taskId === undefined ? "" : ` ${shown(request.taskId)}`}${
      request.taskStatus === undefined ? "" : ` ${request.taskStatus}`
    }${request.fault === undefined ? "" : ` (${request.fault})`}\n`;
  }

  #jsonLine(request: LoggedRequest): string {
    // Written by hand: the fields are known. The path and the task id come from the client and are
    // escaped; route, statuses, key fingerprint and fault id are the fake's own names.
    return `{"time":"${this.#timeOfDay(request.at, true)}Z","method":"${request.method}","path":${JSON.stringify(
      request.path,
    )},"status":${request.status},"ms":${Math.round(request.durationMs * 100) / 100}${jsonField(
      "outcome",
      request.outcome,
      true,
    )}${jsonField("route", request.route, true)}${jsonField("taskId", request.taskId)}${jsonField(
      "taskStatus",
      request.taskStatus,
      true,
    )}${jsonField("keyId", request.keyId, true)}${jsonField("fault", request.fault, true)}}\n`;
  }
}

/**
 * The request log of a format, or undefined for `off` (which then costs nothing at all). Colours
 * only on a terminal, and never with NO_COLOR set.
 *
 * @example createRequestLog("json", process.stdout)?.write(entry)
 */
export function createRequestLog(
  format: LogFormat,
  sink: LogSink = process.stdout,
): RequestLog | undefined {
  if (format === "off") return undefined;
  const colour = format === "pretty" && sink.isTTY === true && !process.env.NO_COLOR;
  return new RequestLog(format, sink, colour);
}
