/**
 * The benchmark's baseline: the same two endpoints on bare node:http, validation and storage
 * written by hand, no framework. What the fake is measured against.
 */
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import {
  MODEL_LIMITS,
  Model,
  Quality,
  Ratio,
  resolutionsFor,
  sizesFor,
} from "../contract/schemas.js";

// The documented sets come from the contract; checking a value against them is done by hand here.
const MODELS = new Map(
  Model.options.map((model) => [
    model,
    {
      refs: MODEL_LIMITS[model].maxReferenceImages,
      resolutions: new Set<string>(resolutionsFor(model)),
      sizes: new Set<string>(sizesFor(model)),
    },
  ]),
);
const QUALITIES = new Set<string>(Quality.options);
const RATIOS = new Set<string>(Ratio.options);
const MAX_TASKS = 10_000;
const MAX_BODY = 1024 * 1024;

interface Task {
  id: string;
  model: string;
  createdMs: number;
  queuedMs: number;
  processingMs: number;
}
const tasks = new Map<string, Task>();

function send(res: ServerResponse, status: number, body: unknown) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}
const fail = (res: ServerResponse, status: number, msg: string) =>
  send(res, status, { code: status, msg, data: null });

function validate(body: unknown): string[] {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    return ["the body must be a JSON object"];
  const b = body as Record<string, unknown>;
  const limits = MODELS.get(b.model as Model);
  if (!limits) return ["model: invalid"];
  const problems: string[] = [];
  if (typeof b.prompt !== "string" || b.prompt.length === 0) problems.push("prompt: invalid");
  if (b.quality !== undefined && !QUALITIES.has(b.quality as string))
    problems.push("quality: invalid");
  if (b.ratio !== undefined && !RATIOS.has(b.ratio as string)) problems.push("ratio: invalid");
  if (b.resolution !== undefined && !limits.resolutions.has(b.resolution as string))
    problems.push("resolution: invalid");
  if (b.size !== undefined && !limits.sizes.has(b.size as string)) problems.push("size: invalid");
  if (b.image_urls !== undefined) {
    const urls = b.image_urls;
    if (
      !Array.isArray(urls) ||
      urls.length > limits.refs ||
      urls.some((u) => typeof u !== "string" || !/^https?:\/\//.test(u))
    ) {
      problems.push("image_urls: invalid");
    }
  }
  return problems;
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        resolve(undefined);
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
  });
}

const server = createServer(async (req, res) => {
  const url = req.url ?? "/";
  const auth = req.headers.authorization;
  if (!auth || !/^Bearer \S+$/.test(auth)) return fail(res, 401, "missing key");
  if (req.method === "POST" && url === "/v1/image2/images") {
    if (!/^application\/json/.test(req.headers["content-type"] ?? ""))
      return fail(res, 415, "json only");
    const raw = await readBody(req);
    if (!raw) return fail(res, 413, "too large");
    let body: unknown;
    try {
      body = JSON.parse(raw.toString("utf8"));
    } catch {
      return fail(res, 400, "malformed");
    }
    const problems = validate(body);
    if (problems.length > 0) return fail(res, 400, problems.join("; "));
    const now = Date.now();
    const task: Task = {
      id: `image_${randomUUID()}`,
      model: (body as { model: string }).model,
      createdMs: now,
      queuedMs: 50,
      processingMs: 200,
    };
    tasks.set(task.id, task);
    if (tasks.size > MAX_TASKS) tasks.delete(tasks.keys().next().value as string);
    return send(res, 200, {
      id: task.id,
      object: "image",
      created: Math.floor(now / 1000),
      model: task.model,
      status: "queued",
      error: null,
    });
  }
  if (req.method === "GET" && url.startsWith("/v1/result/")) {
    const task = tasks.get(url.slice("/v1/result/".length));
    if (!task) return fail(res, 404, "no such task");
    const age = Date.now() - task.createdMs;
    const status =
      age < task.queuedMs
        ? "queued"
        : age < task.queuedMs + task.processingMs
          ? "processing"
          : "completed";
    const base = {
      id: task.id,
      object: "image.generation",
      created: Math.floor(task.createdMs / 1000),
      model: task.model,
      status,
    };
    return send(
      res,
      200,
      status === "completed"
        ? { ...base, image_url: `http://${req.headers.host}/images/${task.id}.png` }
        : base,
    );
  }
  return send(res, 404, { message: `No handler found for ${req.method} ${url}` });
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  if (address && typeof address === "object")
    console.log(`baseline listening on http://127.0.0.1:${address.port}`);
});
process.on("SIGTERM", () => server.close(() => process.exit(0)));
