/**
 * Every request the suite makes goes through here: supertest against the target, a timeout on
 * each request, and, when asked, a recording of each exchange with the bearer key redacted.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import request from "supertest";
import type { Recording } from "./recording.js";

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

export interface Answer {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  /** The body parsed as JSON when it is JSON, whatever its content type says; else undefined. */
  readonly json: unknown;
  readonly text: string;
}

const REDACTED = "[redacted]";

/** Replaces every occurrence of the key, and any bearer credential, with a marker. */
function redact<T>(value: T, key: string): T {
  const text = JSON.stringify(value);
  if (text === undefined) return value;
  const scrubbed = text
    .split(key)
    .join(REDACTED)
    .replace(/(Bearer\s+)(?!\[redacted\])[^"\\\s]+/gi, `$1${REDACTED}`);
  return JSON.parse(scrubbed) as T;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export class HttpClient {
  #seq = 0;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs: number,
    private readonly recordDir: string | undefined,
  ) {}

  async send(sent: SentRequest): Promise<Answer> {
    const headers: Record<string, string> = {
      ...(sent.auth !== false && { Authorization: `Bearer ${this.apiKey}` }),
      ...(sent.body !== undefined && { "Content-Type": "application/json" }),
      ...sent.headers,
    };
    const payload = sent.body === undefined ? sent.rawBody : JSON.stringify(sent.body);
    const started = Date.now();
    let req = request(this.baseUrl)
      [sent.method.toLowerCase() as "get"](sent.path)
      .set(headers)
      .timeout({ response: this.timeoutMs, deadline: this.timeoutMs * 2 })
      .buffer(true)
      .parse((res, done) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () => done(null, text));
      })
      .ok(() => true);
    if (payload !== undefined) req = req.send(payload);
    const res = await req;
    // A target that echoes the key back (some error pages do) must not carry it into test output.
    const text = (typeof res.body === "string" ? res.body : "").split(this.apiKey).join(REDACTED);
    const answer: Answer = {
      status: res.status,
      contentType: res.headers["content-type"],
      headers: res.headers as Record<string, string>,
      json: parseJson(text),
      text,
    };
    await this.#record(sent, headers, answer, Date.now() - started);
    return answer;
  }

  /** Downloads an absolute URL (an image, often on another host) without the bearer key. */
  async download(
    url: string,
    label: string,
  ): Promise<{ status: number; contentType: string | null; bytes: Uint8Array }> {
    const started = Date.now();
    const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) });
    const bytes = new Uint8Array(await res.arrayBuffer());
    const contentType = res.headers.get("content-type");
    const answer: Answer = {
      status: res.status,
      contentType: contentType ?? undefined,
      headers: Object.fromEntries(res.headers),
      json: undefined,
      text: `<${bytes.byteLength} bytes of ${contentType ?? "unknown type"}>`,
    };
    await this.#record(
      { method: "GET", path: url, label, auth: false },
      {},
      answer,
      Date.now() - started,
      url,
    );
    return { status: res.status, contentType, bytes };
  }

  async #record(
    sent: SentRequest,
    headers: Record<string, string>,
    answer: Answer,
    durationMs: number,
    url = this.baseUrl + sent.path,
  ) {
    if (!this.recordDir) return;
    const seq = ++this.#seq;
    const recording: Recording = {
      seq,
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
        body: answer.json ?? answer.text,
      },
      durationMs,
    };
    await mkdir(this.recordDir, { recursive: true });
    const file = `${String(seq).padStart(4, "0")}-${sent.label.replace(/[^a-z0-9_-]+/gi, "-")}.json`;
    await writeFile(
      join(this.recordDir, file),
      `${JSON.stringify(redact(recording, this.apiKey), null, 2)}\n`,
    );
  }
}
