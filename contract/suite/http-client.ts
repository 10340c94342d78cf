/**
 * Every request the suite makes goes through here, to the API, to the fake's control API and for
 * images: supertest (fetch for images), one deadline for the whole of each request, a cap on what
 * is read, every secret redacted from what comes back, and, when asked, a recording of each API
 * exchange. A target that hangs, trickles or cannot be reached stops the run: later requests are
 * refused at once, naming the one that failed.
 */
import type { IncomingMessage } from "node:http";
import request from "supertest";
import { imageInfo } from "../image-size.js";
import { type Recording, recordedImage, writeRecording } from "../recording.js";
import type { Redactor } from "../redact.js";

export interface SentRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH";
  /** Appended to the target's base URL. */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent as JSON, whatever its type (a string becomes a JSON string). */
  readonly body?: unknown;
  /** Sent as it is, for bodies that are not JSON. */
  readonly rawBody?: string;
  /** Sends `Authorization: Bearer <key>` unless false. */
  readonly auth?: boolean;
  /** What the exchange is about, for recordings and for `fixtures:import` (e.g. `invalid_request`). */
  readonly label: string;
}

/** An answer, every secret already redacted from it. */
export interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON when it is JSON, whatever its content type says; else undefined. */
  readonly json: unknown;
  readonly text: string;
}

export interface Download {
  readonly status: number;
  readonly contentType: string | null;
  readonly bytes: Uint8Array;
}

export interface HttpClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** The bearer credential of the fake's control API; never sent to the API. */
  readonly controlToken: string | undefined;
  /** CONTRACT_REQUEST_TIMEOUT_MS: the most one request may take, headers and body. */
  readonly timeoutMs: number;
  readonly recordDir: string | undefined;
  readonly redactor: Redactor;
  /** The target's time in Unix ms, which recordings are stamped with; the wall clock by default. */
  readonly now?: () => number;
}

/** No API answer is anywhere near this; a bigger one is cut off. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;
/** An image bigger than this is cut off: a 4K PNG is a few MiB. */
const MAX_IMAGE_BYTES = 64 * 1024 * 1024;

const mib = (bytes: number) => `${bytes / 1024 / 1024} MiB`;

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

class TooLarge extends Error {}

/**
 * The suite's one way to the target.
 *
 * @example const answer = await client.send({ method: "GET", path: resultPath(id), label: "result" });
 */
export class HttpClient {
  #seq = 0;
  #halted: string | undefined;
  readonly #origin: string;

  constructor(private readonly options: HttpClientOptions) {
    this.#origin = new URL(options.baseUrl).origin;
  }

  /** Why the run stopped sending: the request that hung or could not be sent; else undefined. */
  get halted(): string | undefined {
    return this.#halted;
  }

  /** One API request, recorded when a recording folder is set. */
  async send(sent: SentRequest): Promise<Answer> {
    const headers: Record<string, string> = {
      ...(sent.auth !== false && { Authorization: `Bearer ${this.options.apiKey}` }),
      ...((sent.body !== undefined || sent.rawBody !== undefined) && {
        "Content-Type": "application/json",
      }),
      ...sent.headers,
    };
    const payload = sent.body === undefined ? sent.rawBody : JSON.stringify(sent.body);
    const url = this.options.baseUrl + sent.path;
    const at = this.#now();
    const started = Date.now();
    const answer = await this.#exchange(sent.method, url, headers, payload, sent.label);
    await this.#record(sent, url, headers, answer, { at, durationMs: Date.now() - started });
    return answer;
  }

  /**
   * One request to the fake's control API at `<origin>/__fake<path>`: a JSON body, no Origin header,
   * the control token (never the API key) as its bearer credential. Never recorded.
   */
  control(method: "GET" | "POST", path: string, body?: unknown): Promise<Answer> {
    const headers: Record<string, string> = {
      ...(this.options.controlToken && { Authorization: `Bearer ${this.options.controlToken}` }),
      ...(body !== undefined && { "Content-Type": "application/json" }),
    };
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return this.#exchange(method, `${this.#origin}/__fake${path}`, headers, payload, "control");
  }

  /** Downloads an absolute URL (an image, often on another host) without the bearer key. */
  async download(url: string, label: string): Promise<Download> {
    this.#refuseWhenHalted();
    const at = this.#now();
    const started = Date.now();
    const what = this.options.redactor.text(`GET ${url} (${label})`);
    let download: Download;
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.options.timeoutMs) });
      download = {
        status: res.status,
        contentType: res.headers.get("content-type"),
        bytes: await readCapped(res, MAX_IMAGE_BYTES),
      };
      const answer: Answer = {
        status: download.status,
        contentType: download.contentType ?? undefined,
        headers: this.options.redactor.value(Object.fromEntries(res.headers)),
        json: undefined,
        text: `<${download.bytes.byteLength} bytes of ${download.contentType ?? "unknown type"}>`,
      };
      const durationMs = Date.now() - started;
      const body = recordedImage(
        download.contentType,
        download.bytes.byteLength,
        imageInfo(download.bytes),
      );
      await this.#record({ method: "GET", label }, url, {}, answer, { at, durationMs, body });
    } catch (error) {
      if (error instanceof TooLarge) {
        throw new Error(`${what} is larger than ${mib(MAX_IMAGE_BYTES)}: stopped reading it`);
      }
      throw this.#halt(what, error);
    }
    return download;
  }

  async #exchange(
    method: SentRequest["method"],
    url: string,
    headers: Record<string, string>,
    payload: string | undefined,
    label: string,
  ): Promise<Answer> {
    this.#refuseWhenHalted();
    const { redactor, timeoutMs } = this.options;
    const target = new URL(url);
    const what = redactor.text(`${method} ${url} (${label})`);
    let res: request.Response;
    try {
      let req = request(target.origin)
        [method.toLowerCase() as "get"](target.pathname + target.search)
        .set(headers)
        .timeout({ deadline: timeoutMs })
        .buffer(true)
        .parse(cappedText(MAX_ANSWER_BYTES))
        .ok(() => true);
      if (payload !== undefined) req = req.send(payload);
      res = await req;
    } catch (error) {
      if (error instanceof TooLarge) {
        throw new Error(`${what} answered more than ${mib(MAX_ANSWER_BYTES)}: stopped reading it`);
      }
      throw this.#halt(what, error);
    }
    // A target that echoes a secret back (some error pages do) must not carry it any further.
    const text = redactor.text(typeof res.body === "string" ? res.body : "");
    return {
      status: res.status,
      contentType: res.headers["content-type"],
      headers: redactor.value(res.headers as Record<string, string>),
      json: redactor.value(parseJson(text)),
      text,
    };
  }

  #now(): number {
    return this.options.now?.() ?? Date.now();
  }

  #refuseWhenHalted(): void {
    if (this.#halted) throw new Error(`not sent: ${this.#halted}`);
  }

  #halt(what: string, error: unknown): Error {
    const { timeoutMs, redactor } = this.options;
    const timedOut =
      (error as { timeout?: unknown }).timeout !== undefined ||
      (error as Error).name === "TimeoutError";
    const reason = timedOut
      ? `did not finish within CONTRACT_REQUEST_TIMEOUT_MS=${timeoutMs}: the target hung or trickled`
      : `could not be sent: ${(error as Error).message}`;
    this.#halted = redactor.text(`${what} ${reason}`);
    return new Error(`${this.#halted}; the rest of the run is skipped`);
  }

  async #record(
    sent: Pick<SentRequest, "method" | "label" | "body" | "rawBody">,
    url: string,
    headers: Record<string, string>,
    answer: Answer,
    timing: { at: number; durationMs: number; body?: unknown },
  ) {
    if (!this.options.recordDir) return;
    this.#seq += 1;
    const recording: Recording = {
      seq: this.#seq,
      label: sent.label,
      request: {
        method: sent.method,
        url,
        headers,
        ...(sent.body !== undefined && { body: sent.body }),
        ...(sent.rawBody !== undefined && { body: sent.rawBody }),
      },
      response: {
        status: answer.status,
        headers: { ...answer.headers },
        body: timing.body ?? answer.json ?? answer.text,
      },
      durationMs: timing.durationMs,
      at: new Date(timing.at).toISOString(),
    };
    await writeRecording(this.options.recordDir, recording, this.options.redactor);
  }
}

/** A supertest body parser that keeps the text and cuts the connection past `limit` bytes. */
function cappedText(limit: number) {
  return (answer: request.Response, done: (error: Error | null, body?: string) => void) => {
    // In Node, superagent hands its parsers the response stream itself.
    const res = answer as unknown as IncomingMessage;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (error: Error | null, body?: string) => {
      if (settled) return;
      settled = true;
      done(error, body);
    };
    res.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        res.destroy();
        settle(new TooLarge());
        return;
      }
      chunks.push(chunk);
    });
    res.on("end", () => settle(null, Buffer.concat(chunks).toString("utf8")));
    res.on("error", (error: Error) => settle(error));
  };
}

/** Reads a fetch body, cancelling it past `limit` bytes. */
async function readCapped(res: Response, limit: number): Promise<Uint8Array> {
  if (!res.body) return new Uint8Array();
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new TooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
