/**
 * Pages for people: `/docs`, the API reference rendered by Swagger UI from the document the fake
 * serves at /openapi.json (its own URL first, so "Try it out" reaches the fake), the assets served
 * from the swagger-ui-dist package (no CDN: CI machines are often offline); and
 * `/__fake/ui`, an inspector of tasks and requests that refreshes by itself.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Hono } from "hono";
import type { FakeEnv } from "./fake-env.js";
import { OPENAPI_PATHS } from "./openapi-document.js";

const SWAGGER_DIR = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};

const cache = new Map<string, string>();
async function cached(key: string, load: () => Promise<string>): Promise<string> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const text = await load();
  cache.set(key, text);
  return text;
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GPT Image 2 task API · image2-kit</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({ url: "${OPENAPI_PATHS.json}", dom_id: "#docs", deepLinking: true });
</script>
</body>
</html>`;

const UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>image2-kit fake · inspector</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5rem; color: #222; }
h1 { font-size: 1.3rem; } h2 { font-size: 1.05rem; margin-top: 2rem; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .3rem .6rem; border-bottom: 1px solid #ddd; vertical-align: middle; }
th { background: #f4f4f4; } code { font-size: 12px; }
.status { font-weight: 600; } .completed { color: #18794e; } .failed { color: #c62828; }
.queued, .processing { color: #8a6d00; } img { height: 48px; border: 1px solid #ccc; }
#updated { color: #777; }
</style>
</head>
<body>
<h1>image2-kit fake</h1>
<p id="updated">Loading…</p>
<h2>Tasks</h2>
<table id="tasks"><thead><tr><th>image</th><th>id</th><th>model</th><th>status</th><th>queued ms</th><th>processing ms</th><th>pixels</th><th>prompt</th></tr></thead><tbody></tbody></table>
<h2>Requests</h2>
<table id="requests"><thead><tr><th>#</th><th>method</th><th>path</th><th>status</th><th>key</th></tr></thead><tbody></tbody></table>
<script>
// A fake started with --control-token is opened as /__fake/ui#token=<token>: a fragment never
// leaves the browser, so no server or proxy log sees it. The tab keeps it; the address bar drops it.
const TOKEN_KEY = "image2-kit-control-token";
const fromFragment = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromFragment) {
  sessionStorage.setItem(TOKEN_KEY, fromFragment);
  history.replaceState(null, "", location.pathname + location.search);
}
const token = sessionStorage.getItem(TOKEN_KEY);
const headers = token ? { Authorization: "Bearer " + token } : {};
async function getJson(path) {
  const res = await fetch(path, { headers });
  if (res.status === 401) {
    throw new Error("This fake needs its control token: open " + location.pathname + "#token=<the token it was started with>");
  }
  if (!res.ok) throw new Error(path + " answered " + res.status);
  return res.json();
}
// Every value goes in as text, never as HTML: prompts are whatever clients sent.
function cell(row, value) { const td = row.insertCell(); td.textContent = value == null ? "" : String(value); return td; }
async function refresh() {
  let tasks, requests;
  try {
    [tasks, requests] = await Promise.all([getJson("/__fake/tasks"), getJson("/__fake/requests")]);
  } catch (error) {
    document.querySelector("#updated").textContent = error.message;
    return;
  }
  const taskBody = document.querySelector("#tasks tbody");
  taskBody.replaceChildren();
  for (const task of tasks.tasks.slice().reverse()) {
    const row = taskBody.insertRow();
    row.dataset.id = task.id;
    const image = row.insertCell();
    if (task.image) {
      const img = document.createElement("img");
      img.src = task.image;
      img.alt = "image of " + task.id;
      image.append(img);
    }
    cell(row, task.id);
    cell(row, task.model);
    const status = cell(row, task.status);
    status.className = "status " + task.status;
    cell(row, task.queuedMs);
    cell(row, task.processingMs);
    cell(row, task.pixels ? task.pixels.width + "×" + task.pixels.height : "—");
    cell(row, task.request.prompt);
  }
  const requestBody = document.querySelector("#requests tbody");
  requestBody.replaceChildren();
  for (const entry of requests.requests.slice().reverse()) {
    const row = requestBody.insertRow();
    cell(row, entry.seq);
    cell(row, entry.method);
    cell(row, entry.path);
    cell(row, entry.status);
    cell(row, entry.keyId);
  }
  document.querySelector("#updated").textContent =
    tasks.tasks.length + " task(s), " + requests.requests.length + " request(s); updated " + new Date().toLocaleTimeString();
}
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>`;

/** `/docs` and its assets. */
export function servePages(app: Hono<FakeEnv>): void {
  app.get("/docs", (c) => c.html(DOCS_HTML));
  app.get("/docs/assets/:file", async (c) => {
    const file = c.req.param("file");
    const type = ASSETS[file];
    if (!type) return c.json({ message: `No asset '${file}'` }, 404);
    return c.body(await cached(file, () => readFile(join(SWAGGER_DIR, file), "utf8")), 200, {
      "Content-Type": type,
      "Cache-Control": "public, max-age=3600",
    });
  });
}

/** `/__fake/ui`, to mount with the control API. */
export function serveInspector(control: Hono<FakeEnv>): void {
  control.get("/ui", (c) => c.html(UI_HTML));
}
