/**
 * What the proxy's proofs share: the proxy as a process (the built CLI), requests over node:http
 * that keep the raw headers an answer came with, and waiting on a process's output.
 */
import { type Agent, request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { endToEnd } from "../server/proxy/hop-by-hop.js";
import { runCli } from "../server/test-support/cli-process.js";

/** A bearer key the proofs send through the proxy; it must appear in no file the proxy writes. */
export const PROXY_KEY = "sk-proxy-proof-4c2e/9a7b+1f==";

/** The proxy started on a free port against `target`. */
export async function proxyTo(target: string, args: string[] = []) {
  const proxy = runCli(["proxy", "--target", target, "--port", "0", ...args]);
  return { ...proxy, url: await proxy.listening };
}

export interface RawAnswer {
  readonly status: number;
  readonly statusMessage: string;
  /** Node's raw list: each header's case, order and repeats as they arrived. */
  readonly rawHeaders: string[];
  readonly body: Buffer;
}

/**
 * One request over node:http, the answer as it arrived.
 *
 * @example const answer = await call(url, "GET", "/v1/result/image_…", { headers: { Authorization: "Bearer k" } });
 */
export function call(
  origin: string,
  method: string,
  path: string,
  options: {
    headers?: Record<string, string> | string[];
    body?: string | Buffer;
    agent?: Agent;
  } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${path}`,
      { method, headers: options.headers, agent: options.agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            statusMessage: res.statusMessage ?? "",
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

/** An answer as a client must get it through the proxy: all but Date and the hop-by-hop headers. */
export const endToEndOf = (answer: RawAnswer) => ({
  status: answer.status,
  statusMessage: answer.statusMessage,
  headers: endToEnd(answer.rawHeaders, ["date"]),
  body: answer.body.toString("base64"),
});

/**
 * Waits, in short steps and for at most `ms`, until `check` holds; fails saying what it waited for.
 *
 * @example await waitFor(() => proxy.output().stderr.includes("field object"), "the stderr line");
 */
export async function waitFor(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await sleep(20);
  }
}
