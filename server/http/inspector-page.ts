/**
 * `/__fake/ui`: a page that shows a person what the fake is doing: its clock (and whether it is
 * manual), its tasks a page at a time (status, error, timings, pixel size, prompt, thumbnail) and
 * the request journal (time, status, duration, task), filtered and paged, refreshed every 2 s, and
 * a visible "disconnected" state when the fake stops answering. It reads the control API like any
 * client, marking its own requests so the request log leaves them out.
 */
import type { Hono } from "hono";
import { CONTROL_PREFIX } from "./control-paths.js";
import type { FakeEnv } from "./fake-env.js";

/** Marks the inspector's own requests, which the request log leaves out (it asks every 2 s). */
export const INSPECTOR_HEADER = "x-image2-kit-page";

/**
 * Reads a control token from the page's fragment (`#token=…`) into the tab's sessionStorage and
 * drops it from the address bar: a fragment never leaves the browser, so no log sees it. Defines
 * `controlToken`, for the page's own requests to /__fake.
 */
export const TOKEN_SCRIPT = `const TOKEN_KEY = "image2-kit-control-token";
const fromFragment = new URLSearchParams(location.hash.slice(1)).get("token");
if (fromFragment) {
  sessionStorage.setItem(TOKEN_KEY, fromFragment);
  history.replaceState(null, "", location.pathname + location.search);
}
const controlToken = sessionStorage.getItem(TOKEN_KEY);`;

/** Rows a page shows: tasks are tall (thumbnails), requests short. */
const PAGE_SIZES = { tasks: 25, requests: 50 } as const;

/** Where the inspector is served. */
export const INSPECTOR_PATH = `${CONTROL_PREFIX}/ui`;

const UI_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>image2-kit fake · inspector</title>
<link rel="icon" href="data:,">
<style>
:root { --muted: #667; --line: #e3e3e8; --bad: #b3261e; --good: #18794e; --wait: #8a6d00; }
body { font: 14px/1.45 system-ui, sans-serif; margin: 0; color: #1f1f24; background: #fafafb; }
header { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; align-items: baseline;
  padding: .8rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 1.15rem; margin: 0; }
header a { color: #2a5bd7; }
header nav { margin-left: auto; display: flex; gap: 1rem; }
body.disconnected #clock, body.disconnected #updated { opacity: .5; }
main { padding: 0 1.5rem 2rem; }
h2 { font-size: 1.02rem; margin: 1.6rem 0 .5rem; display: flex; gap: 1rem; align-items: baseline; flex-wrap: wrap; }
h2 small { font-weight: normal; color: var(--muted); }
#connection { font-weight: 600; padding: .1rem .55rem; border-radius: 1rem; background: #e6f4ea; color: var(--good); }
body.disconnected #connection { background: #fce8e6; color: var(--bad); }
#banner { display: none; margin: 1rem 0 0; padding: .7rem 1rem; border-radius: .4rem; background: #fce8e6; color: var(--bad); font-weight: 600; }
body.disconnected #banner, body.refused #banner { display: block; }
body.disconnected main > section { opacity: .45; }
#clock { color: var(--muted); }
#clock b { color: #1f1f24; }
.hint { color: var(--wait); }
.pager { display: inline-flex; gap: .4rem; align-items: baseline; font-weight: normal; font-size: .9rem; }
.pager button, .filters button { font: inherit; padding: .1rem .55rem; }
.filters { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin: 0 0 .5rem; font-size: .9rem; color: var(--muted); }
.filters input, .filters select { font: inherit; }
.table { overflow-x: auto; background: #fff; border: 1px solid var(--line); border-radius: .4rem; }
table { border-collapse: collapse; width: 100%; }
table { font-size: 13px; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; white-space: nowrap; }
tr:last-child td { border-bottom: none; }
th { background: #f4f4f6; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.wrap { white-space: normal; min-width: 9rem; max-width: 26rem; overflow-wrap: anywhere; }
.clamp { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 4; line-clamp: 4; overflow: hidden; }
td.id, td.key { font: 11.5px ui-monospace, monospace; }
#clock b { font-variant-numeric: tabular-nums; }
td.id button { font: inherit; border: 0; background: none; color: #2a5bd7; cursor: pointer; padding: 0; text-decoration: underline dotted; }
.status { font-weight: 600; } .completed, .s2 { color: var(--good); } .failed, .s4, .s5, .s0 { color: var(--bad); }
.queued, .processing { color: var(--wait); }
td.error { color: var(--bad); }
td.error.planned { color: var(--muted); font-style: italic; }
img { height: 40px; display: block; border: 1px solid var(--line); }
.empty td { color: var(--muted); text-align: center; padding: 1rem; }
</style>
</head>
<body>
<header>
<h1>image2-kit fake</h1>
<span id="connection">connecting…</span>
<span id="clock"></span>
<span id="updated"></span>
<nav><a href="/docs">API reference</a><a href="/">all links</a></nav>
</header>
<main>
<p id="banner" role="alert"></p>
<section>
<h2>Tasks <small id="task-count"></small>
<span class="pager" data-for="tasks"><button data-step="-1">‹ newer</button><span class="range"></span><button data-step="1">older ›</button></span></h2>
<div class="table"><table id="tasks"><thead><tr><th>image</th><th>id</th><th>model</th><th>status</th><th>error</th><th>created</th><th title="time queued + time processing, in ms">timings ms</th><th>pixels</th><th>prompt</th></tr></thead><tbody></tbody></table></div>
</section>
<section>
<h2>Requests <small id="request-count"></small>
<span class="pager" data-for="requests"><button data-step="-1">‹ newer</button><span class="range"></span><button data-step="1">older ›</button></span></h2>
<form class="filters" id="filters">
<label>route <select name="route"><option value="">any</option><option>createImageTask</option><option>getTaskResult</option><option>image</option></select></label>
<label>status <input name="status" size="4" placeholder="429, 5xx"></label>
<label>task <input name="taskId" size="44" placeholder="image_…"></label>
<button type="reset">clear</button>
</form>
<div class="table"><table id="requests"><thead><tr><th>#</th><th>time</th><th>method</th><th>path</th><th>status</th><th>ms</th><th>task</th><th>task status</th><th>key</th></tr></thead><tbody></tbody></table></div>
</section>
</main>
<script>
${TOKEN_SCRIPT}
const PAGE_SIZES = ${JSON.stringify(PAGE_SIZES)};
const headers = { "${INSPECTOR_HEADER}": "inspector" };
if (controlToken) headers.Authorization = "Bearer " + controlToken;
const offsets = { tasks: 0, requests: 0 };
const totals = { tasks: 0, requests: 0 };
let lastAnswer;

class Refused extends Error {}
async function getJson(path) {
  // A fake that stops answering without closing its connections still shows as disconnected.
  const res = await fetch(path, { headers, signal: AbortSignal.timeout(5000) });
  if (res.status === 401) {
    throw new Refused("This fake needs its control token: open " + location.pathname + "#token=<the token it was started with>");
  }
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    throw new Refused(path + " answered " + res.status + (body.error ? ": " + body.error : ""));
  }
  return res.json();
}

// Every value goes in as text, never as HTML: prompts and paths are whatever clients sent.
// A long prompt or error is cut to a few lines, so one task cannot push the rest off the screen;
// the whole text is its title.
function cell(row, value, className) {
  const td = row.insertCell();
  const text = value == null ? "" : String(value);
  if (className) td.className = className;
  if (className && className.split(" ").includes("wrap")) {
    const clamp = td.appendChild(document.createElement("div"));
    clamp.className = "clamp";
    clamp.textContent = text;
    if (text.length > 0) clamp.title = text;
  } else {
    td.textContent = text;
  }
  return td;
}
const pad = (n, width) => String(n).padStart(width, "0");
function timeOf(ms) {
  const d = new Date(ms);
  return pad(d.getHours(), 2) + ":" + pad(d.getMinutes(), 2) + ":" + pad(d.getSeconds(), 2) + "." + pad(d.getMilliseconds(), 3);
}
const dateOf = (ms) => new Date(ms).toLocaleDateString(undefined, { year: "numeric", month: "short", day: "numeric" });

// Thumbnails come through the control API (so they stay out of the API journal and carry the
// token), once per task: an image never changes.
const thumbnails = new Map();
function thumbnail(task) {
  let url = thumbnails.get(task.id);
  if (!url) {
    url = fetch("/__fake/tasks/" + encodeURIComponent(task.id) + "/image", { headers })
      .then((res) => (res.ok ? res.blob() : Promise.reject(new Error(String(res.status)))))
      .then((blob) => URL.createObjectURL(blob));
    url.catch(() => thumbnails.delete(task.id));
    thumbnails.set(task.id, url);
    if (thumbnails.size > 4 * PAGE_SIZES.tasks) {
      const [oldest, old] = thumbnails.entries().next().value;
      thumbnails.delete(oldest);
      old.then(URL.revokeObjectURL, () => {});
    }
  }
  const img = document.createElement("img");
  img.alt = "image of " + task.id;
  url.then((src) => { img.src = src; }, () => { img.alt = "image unavailable"; });
  return img;
}

function emptyRow(body, columns, text) {
  const row = body.insertRow();
  row.className = "empty";
  const td = row.insertCell();
  td.colSpan = columns;
  td.textContent = text;
}

function showPager(name, shown) {
  const pager = document.querySelector('.pager[data-for="' + name + '"]');
  const from = offsets[name] + 1;
  pager.querySelector(".range").textContent =
    totals[name] === 0 ? "none" : from + "–" + (offsets[name] + shown) + " of " + totals[name];
  pager.querySelector('[data-step="-1"]').disabled = offsets[name] === 0;
  pager.querySelector('[data-step="1"]').disabled = offsets[name] + shown >= totals[name];
}

function renderTasks(page, clockNow) {
  totals.tasks = page.total;
  document.querySelector("#task-count").textContent = page.total + " recent";
  const body = document.querySelector("#tasks tbody");
  body.replaceChildren();
  if (page.tasks.length === 0) emptyRow(body, 9, "No task yet: create one with POST /v1/image2/images.");
  for (const task of page.tasks) {
    const row = body.insertRow();
    row.dataset.id = task.id;
    const image = row.insertCell();
    if (task.image) image.append(thumbnail(task));
    const id = row.insertCell();
    id.className = "id";
    const filter = document.createElement("button");
    filter.type = "button";
    filter.title = "show this task's requests";
    filter.textContent = task.id;
    filter.addEventListener("click", () => setFilter("taskId", task.id));
    id.append(filter);
    cell(row, task.model);
    const status = cell(row, task.status, "status " + task.status);
    if (task.status === "queued" || task.status === "processing") {
      status.title = "until " + timeOf(task.finishesAtMs) + " on the fake's clock, " + Math.max(0, task.finishesAtMs - clockNow) + " ms from now";
    }
    // The error a failed task answers; a pending task planned to fail says so, apart.
    if (task.status === "failed") cell(row, task.error, "error wrap");
    else cell(row, task.error === undefined ? "" : "will fail: " + task.error, "error planned wrap");
    cell(row, timeOf(task.createdMs));
    cell(row, task.queuedMs + " + " + task.processingMs, "num");
    cell(row, task.pixels ? task.pixels.width + "×" + task.pixels.height : "—");
    cell(row, task.request.prompt, "wrap");
  }
  showPager("tasks", page.tasks.length);
}

function renderRequests(page) {
  totals.requests = page.total;
  document.querySelector("#request-count").textContent = page.total + (filterQuery() ? " matching" : " journalled");
  const body = document.querySelector("#requests tbody");
  body.replaceChildren();
  if (page.requests.length === 0) emptyRow(body, 9, filterQuery() ? "No request matches these filters." : "No API request yet.");
  for (const entry of page.requests) {
    const row = body.insertRow();
    cell(row, entry.seq, "num");
    cell(row, timeOf(entry.at));
    cell(row, entry.method);
    cell(row, entry.path, "wrap");
    cell(row, entry.outcome || entry.status, "status s" + String(entry.status)[0]);
    cell(row, entry.durationMs.toFixed(1), "num");
    cell(row, entry.taskId, "id");
    cell(row, entry.taskStatus, entry.taskStatus ? "status " + entry.taskStatus : "");
    cell(row, entry.keyId, "key");
  }
  showPager("requests", page.requests.length);
}

function filterQuery() {
  const query = new URLSearchParams();
  for (const [name, value] of new FormData(document.querySelector("#filters"))) {
    if (String(value).trim() !== "") query.set(name, String(value).trim());
  }
  return query.toString();
}
function setFilter(name, value) {
  document.querySelector("#filters").elements[name].value = value;
  offsets.requests = 0;
  refresh();
}

function showClock(clock) {
  const manual = clock.kind === "manual";
  const text = document.querySelector("#clock");
  text.title = "the fake's time: " + dateOf(clock.now) + " " + timeOf(clock.now);
  text.replaceChildren(
    "fake clock ",
    Object.assign(document.createElement("b"), { textContent: timeOf(clock.now) }),
    " · " + clock.kind,
  );
  if (manual) {
    text.append(" ", Object.assign(document.createElement("span"), {
      className: "hint",
      textContent: "(moves only through POST /__fake/clock)",
    }));
  }
}

function showState(state, message) {
  document.body.classList.toggle("disconnected", state === "disconnected");
  document.body.classList.toggle("refused", state === "refused");
  document.querySelector("#connection").textContent = state === "live" ? "● live" : state === "refused" ? "● refused" : "● disconnected";
  document.querySelector("#banner").textContent = message || "";
}

let refreshing = false;
async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    const page = (name) => "limit=" + PAGE_SIZES[name] + "&order=newest&offset=" + offsets[name];
    const filters = filterQuery();
    const [clock, tasks, requests] = await Promise.all([
      getJson("/__fake/clock"),
      getJson("/__fake/tasks?" + page("tasks")),
      getJson("/__fake/requests?" + page("requests") + (filters ? "&" + filters : "")),
    ]);
    lastAnswer = new Date();
    showState("live");
    showClock(clock);
    renderTasks(tasks, clock.now);
    renderRequests(requests);
    document.querySelector("#updated").textContent = "refreshed " + timeOf(lastAnswer.getTime()).slice(0, 8);
  } catch (error) {
    if (error instanceof Refused) showState("refused", error.message);
    else {
      showState("disconnected", "Disconnected: the fake at " + location.origin + " does not answer" +
        (lastAnswer ? " (last answer at " + timeOf(lastAnswer.getTime()).slice(0, 8) + ")" : "") + ". Retrying every 2 s.");
    }
  } finally {
    refreshing = false;
  }
}

for (const pager of document.querySelectorAll(".pager")) {
  pager.addEventListener("click", (event) => {
    const step = Number(event.target.dataset?.step);
    if (!step) return;
    const name = pager.dataset.for;
    offsets[name] = Math.max(0, offsets[name] + step * PAGE_SIZES[name]);
    refresh();
  });
}
const filters = document.querySelector("#filters");
filters.addEventListener("change", () => { offsets.requests = 0; refresh(); });
filters.addEventListener("submit", (event) => { event.preventDefault(); offsets.requests = 0; refresh(); });
filters.addEventListener("reset", () => setTimeout(() => { offsets.requests = 0; refresh(); }));
refresh();
setInterval(refresh, 2000);
</script>
</body>
</html>`;

/** `/__fake/ui`, to mount with the control API. */
export function serveInspector(control: Hono<FakeEnv>): void {
  control.get(INSPECTOR_PATH.slice(CONTROL_PREFIX.length), (c) => c.html(UI_HTML));
}
