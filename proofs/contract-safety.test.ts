/**
 * Proof that the contract suite is safe to point at a hostile server: a key echoed back in any
 * encoding reaches no output, report or recording; a server that hangs or trickles ends the run
 * within CONTRACT_REQUEST_TIMEOUT_MS, naming the request; an endless image is cut off.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectKeyNowhere, keyForms } from "./key-forms.js";
import type { Wrapper } from "./stand-ins.js";
import { failures, KEY, runAgainst } from "./suite-runner.js";

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "image2-kit-safety-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The key as a target might echo it, written out by hand rather than by the suite's redactor. */
const ECHOES = keyForms(KEY);
const echoText = Object.values(ECHOES).join(" | ");

/**
 * Echoes the key everywhere: in error bodies and their content type (which the drift report
 * shows), in a header, in an extra field of every task; and a create without a key is answered
 * HTTP 200 with an echoing body, so a test fails and prints it.
 */
const echoingServer: Wrapper = {
  name: "echoes the key",
  fake: { queuedMs: 0, processingMs: 20 },
  replace: async (response, exchange) => {
    if (exchange.route === "image") return undefined;
    const echoBody = `{"error": "bad request from ${echoText}"}`;
    const headers = { "X-Echo": ECHOES.base64 };
    if (!response) {
      return exchange.route === "create" && !exchange.headers.has("authorization")
        ? new Response(echoBody, { headers: { ...headers, "Content-Type": "application/json" } })
        : undefined;
    }
    if (response.status >= 400) {
      // Raw JSON text, so the escaped forms reach the suite as they are.
      return new Response(echoBody, {
        status: response.status,
        headers: { ...headers, "Content-Type": `application/json; echo=${ECHOES.percent}` },
      });
    }
    const body = (await response.json()) as Record<string, unknown>;
    const text = JSON.stringify({ ...body, echo: "ECHO" }).replace('"ECHO"', `"${echoText}"`);
    return new Response(text, {
      status: response.status,
      headers: { ...headers, "Content-Type": "application/json" },
    });
  },
};

describe("a key echoed back in any encoding", () => {
  it("reaches no output, report or recording", async () => {
    const report = join(work, "report");
    const recordings = join(work, "recordings");
    const run = await runAgainst(echoingServer, {
      CONTRACT_REPORT: report,
      CONTRACT_RECORD_DIR: recordings,
    });
    // It did reach the suite: a test fails printing the body, the drift report shows the header.
    expect(run.failed.map((f) => f.title)).toEqual(["rejects a create without a key"]);
    expect(run.output).toContain("bad request from [redacted]");
    expect(await readFile(`${report}.md`, "utf8")).toContain("application/json; echo=[redacted]");
    const files = [
      `${report}.json`,
      `${report}.md`,
      ...(await readdir(recordings)).map((f) => join(recordings, f)),
    ];
    expect(files.length).toBeGreaterThan(100);
    expectKeyNowhere(KEY, [
      ["output", run.output],
      ["failures", JSON.stringify(run.failed)],
      ...(await Promise.all(
        files.map(async (file) => [file, await readFile(file, "utf8")] as const),
      )),
    ]);
  });
});

describe("a target that hangs, trickles or sends endless images", () => {
  it("ends the run at the first request that hangs, naming it, and sends nothing after", async () => {
    let hungAt = -1;
    const run = await runAgainst(
      {
        name: "hangs on creates",
        replace: async (response, exchange) => {
          if (response || exchange.route !== "create") return undefined;
          hungAt = hungAt < 0 ? Date.now() : hungAt;
          await new Promise(() => undefined);
        },
      },
      { CONTRACT_REQUEST_TIMEOUT_MS: "1500" },
    );
    expect(run.exitCode).not.toBe(0);
    expect(
      run.failed.map((f) => f.title),
      failures(run),
    ).toEqual(["rejects a body that is an array"]);
    expect(run.failed[0]?.messages.join("\n")).toMatch(
      /POST http:\/\/127\.0\.0\.1:\d+\/kyyReactApiServer\/v1\/image2\/images \(invalid_request\) did not finish within CONTRACT_REQUEST_TIMEOUT_MS=1500/,
    );
    const creates = run.server.seen.requests.filter((r) => r.path.endsWith("/v1/image2/images"));
    expect(creates).toHaveLength(1);
    expect(run.server.seen.requests.at(-1)?.path).toMatch(/\/v1\/image2\/images$/);
    expect(run.output).toMatch(/skipped \d+ tests: not run: POST .* did not finish/);
  });

  it("gives up on an answer that trickles within CONTRACT_REQUEST_TIMEOUT_MS, not twice that", async () => {
    const cut: number[] = [];
    const run = await runAgainst(
      {
        name: "trickles results",
        replace: (response, exchange) => {
          if (response || exchange.route !== "result") return undefined;
          const started = Date.now();
          return new Response(
            new ReadableStream({
              async pull(controller) {
                await sleep(200);
                controller.enqueue(new TextEncoder().encode(" "));
              },
              cancel() {
                cut.push(Date.now() - started);
              },
            }),
            { headers: { "Content-Type": "application/json" } },
          );
        },
      },
      { CONTRACT_REQUEST_TIMEOUT_MS: "2000" },
      { only: "accepts the provider's example request" },
    );
    expect(run.failed[0]?.messages.join("\n"), failures(run)).toMatch(
      /GET http:\/\/127\.0\.0\.1:\d+\/kyyReactApiServer\/v1\/result\/image_[0-9a-f-]+ \(result\) did not finish within CONTRACT_REQUEST_TIMEOUT_MS=2000/,
    );
    expect(cut).toHaveLength(1);
    // The deadline covers the whole answer: cut after about 2 s, well before twice that.
    expect(cut[0]).toBeGreaterThanOrEqual(1900);
    expect(cut[0]).toBeLessThan(3000);
  });

  it("stops reading an image at 64 MiB", async () => {
    let sent = 0;
    const run = await runAgainst(
      {
        name: "serves an endless image",
        replace: (response, exchange) => {
          if (!response || exchange.route !== "image") return undefined;
          const chunk = new Uint8Array(1024 * 1024);
          return new Response(
            new ReadableStream({
              pull(controller) {
                sent += chunk.byteLength;
                controller.enqueue(chunk);
              },
            }),
            { headers: { "Content-Type": "image/png" } },
          );
        },
      },
      {},
      { only: "accepts the provider's example request" },
    );
    expect(run.failed[0]?.messages.join("\n"), failures(run)).toMatch(
      /GET http:\/\/127\.0\.0\.\d:\d+\/images\/[^/]+\.png \(image\) is larger than 64 MiB: stopped reading it/,
    );
    expect(sent).toBeLessThan(200 * 1024 * 1024);
  });
});
