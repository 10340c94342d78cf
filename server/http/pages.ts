/**
 * Pages for people: `/`, a small page that says what this fake is and links everything else;
 * `/docs`, the API reference rendered by Swagger UI from the documents the fake serves (its own URL
 * first, so "Try it out" reaches the fake), with the control API as a second definition; and the
 * assets, served from the swagger-ui-dist package (no CDN: CI machines are often offline). The
 * inspector, `/__fake/ui`, lives with the control API (inspector-page.ts).
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { Hono } from "hono";
import { onFirstUse } from "../../contract/on-first-use.js";
import { BASE_PATH, routes } from "../../contract/routes.js";
import { packageVersion } from "../version.js";
import { CONTROL_DOCUMENT_PATH, CONTROL_PREFIX } from "./control-paths.js";
import type { FakeEnv } from "./fake-env.js";
import { INSPECTOR_PATH, TOKEN_SCRIPT } from "./inspector-page.js";
import { OPENAPI_PATHS } from "./openapi-document.js";

const swaggerDir = onFirstUse(() =>
  dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json")),
);

const ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
};

/** Where the control API's document is served, when the control API is on. */
const CONTROL_OPENAPI_PATH = CONTROL_PREFIX + CONTROL_DOCUMENT_PATH;

const cache = new Map<string, string>();
async function cached(key: string, load: () => Promise<string>): Promise<string> {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const text = await load();
  cache.set(key, text);
  return text;
}

function docsHtml(control: boolean): string {
  const definitions = [
    { url: OPENAPI_PATHS.json, name: "GPT Image 2 task API" },
    ...(control ? [{ url: CONTROL_OPENAPI_PATH, name: "image2-kit control API (/__fake)" }] : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>GPT Image 2 task API · image2-kit</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<style>body { margin: 0; } .swagger-ui .topbar .download-url-wrapper .select-label { max-width: 40rem; }</style>
</head>
<body>
<div id="docs"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
<script>
${TOKEN_SCRIPT}
window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify(definitions)},
  dom_id: "#docs",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  plugins: [SwaggerUIBundle.plugins.DownloadUrl],
  layout: "StandaloneLayout",
  // The control token of a fake that has one (opened as /docs#token=…) goes to /__fake only.
  requestInterceptor: (request) => {
    const url = new URL(request.url, location.href);
    if (controlToken && url.origin === location.origin && url.pathname.startsWith("${CONTROL_PREFIX}/")) {
      request.headers.Authorization = "Bearer " + controlToken;
    }
    return request;
  },
});
</script>
</body>
</html>`;
}

function homeHtml(control: boolean): string {
  const { createImageTask, getTaskResult } = routes;
  const controlLinks = control
    ? `<li><a href="${INSPECTOR_PATH}">${INSPECTOR_PATH}</a>: the inspector, its tasks, the request journal and the clock</li>
<li><a href="${CONTROL_OPENAPI_PATH}">${CONTROL_OPENAPI_PATH}</a>: the control API's OpenAPI document</li>`
    : "<li>The control API (/__fake) is off: this fake was started with --no-control.</li>";
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>image2-kit fake</title>
<link rel="icon" href="data:,">
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 2.5rem auto; padding: 0 1.2rem; color: #1f1f24; }
h1 { font-size: 1.4rem; margin-bottom: .2rem; } p.lead { color: #667; margin-top: 0; }
code { font-size: 13px; background: #f2f2f5; padding: .05rem .3rem; border-radius: .2rem; }
li { margin: .3rem 0; }
</style>
</head>
<body>
<h1>image2-kit fake</h1>
<p class="lead">A fake of the GPT Image 2 task API, version ${packageVersion()}. It bills nothing and takes any bearer key unless started with --api-key.</p>
<p>The API answers under <code>${BASE_PATH}</code> and at the root:
<code>${createImageTask.method.toUpperCase()} ${BASE_PATH}${createImageTask.path}</code>, then
<code>${getTaskResult.method.toUpperCase()} ${BASE_PATH}${getTaskResult.path}</code> until completed or failed.</p>
<ul>
<li><a href="/docs">/docs</a>: the API reference; "Try it out" sends requests to this fake</li>
${controlLinks}
<li><a href="${OPENAPI_PATHS.json}">${OPENAPI_PATHS.json}</a> and <a href="${OPENAPI_PATHS.yaml}">${OPENAPI_PATHS.yaml}</a>: the API's OpenAPI document, this fake first in its servers</li>
</ul>
</body>
</html>`;
}

/**
 * `/`, `/docs` and the assets. Registered before the journal and the fault rules, so a person
 * reading them never shows up among the API requests, nor is faulted.
 *
 * @example servePages(app, { control: true });
 */
export function servePages(app: Hono<FakeEnv>, { control }: { control: boolean }): void {
  // Written on first request, not at start: nothing here is needed by the API's first answer.
  const home = onFirstUse(() => homeHtml(control));
  const docs = onFirstUse(() => docsHtml(control));
  app.get("/", (c) => c.html(home()));
  // What a browser asks of any page it shows (a JSON document included): nothing, not an API 404.
  app.get("/favicon.ico", (c) => c.body(null, 204));
  app.get("/docs", (c) => c.html(docs()));
  app.get("/docs/assets/:file", async (c) => {
    const file = c.req.param("file");
    const type = ASSETS[file];
    if (!type) return c.json({ message: `No asset '${file}'` }, 404);
    return c.body(await cached(file, () => readFile(join(swaggerDir(), file), "utf8")), 200, {
      "Content-Type": type,
      "Cache-Control": "public, max-age=3600",
    });
  });
}
