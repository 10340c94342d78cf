/**
 * `npm run bench:polling`: how long the polling grades take on a large journal, as figures.
 *
 * First end to end: a fake whose journal holds N requests that really went through it (creates
 * repeating a few bodies, polls every 2 s, a share of them answered 503 or 429 by fault rules),
 * graded by `GET /__fake/polling`. Then the grader alone on generated journals of every mistake,
 * as large and ten and fifty times larger, and on a load test's journal of creates from one body
 * (the worst case of a grader that compares creates pairwise): a linear grader keeps about the
 * same time per entry at every size.
 */
import { parseArgs } from "node:util";
import type { JournalEntry } from "../server/core/journal.js";
import { gradePolling } from "../server/core/polling-grader.js";
import { createFakeFetch } from "../server/fake-fetch.js";
import { syntheticJournal } from "../server/test-support/synthetic-journal.js";

const USAGE = `Usage: npm run bench:polling -- [--entries N] [--runs N]

  --entries N   requests journaled by the fake, end to end (default 20000, 100 to 50000);
                the grader alone then runs on 10 and 50 times as many
  --runs N      timed runs per figure, the median printed (default 5, 1 to 50)`;

function options() {
  const { values } = parseArgs({
    options: {
      entries: { type: "string", default: "20000" },
      runs: { type: "string", default: "5" },
      help: { type: "boolean" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (name: string, text: string, min: number, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      console.error(`--${name} must be a whole number from ${min} to ${max}, not '${text}'\n`);
      console.error(USAGE);
      process.exit(2);
    }
    return value;
  };
  return {
    entries: number("entries", values.entries, 100, 50_000),
    runs: number("runs", values.runs, 1, 50),
  };
}

async function median(runs: number, work: () => unknown): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? Number.NaN;
}

/** Fills a fake's journal with `entries` requests of a client that polls every 2 s. */
async function journaledFake(entries: number) {
  const fetch = createFakeFetch({ clock: "manual", journalSize: entries, queuedMs: 3000 });
  const { fake } = fetch;
  fake.addFault({
    match: { route: "createImageTask" },
    action: { type: "status", status: 503 },
    probability: 0.2,
  });
  fake.addFault({
    match: { route: "getTaskResult" },
    action: { type: "status", status: 429 },
    probability: 0.1,
  });
  const headers = { Authorization: "Bearer sk-bench", "Content-Type": "application/json" };
  const base = "http://fake.bench";
  let sent = 0;
  const send = (url: string, init?: RequestInit) => {
    sent += 1;
    return fetch(url, init);
  };
  for (let cycle = 0; sent < entries; cycle += 1) {
    const body = JSON.stringify({ model: "gpt-image-2", prompt: `picture ${cycle % 7}` });
    const created = await send(`${base}/v1/image2/images`, { method: "POST", headers, body });
    if (created.status !== 200) {
      fake.advance(3000);
      continue;
    }
    const { id } = (await created.json()) as { id: string };
    for (let poll = 0; poll < 5 && sent < entries; poll += 1) {
      fake.advance(2000);
      await (await send(`${base}/v1/result/${id}`, { headers })).arrayBuffer();
    }
  }
  return fetch;
}

/** A load test's journal: one key creating tasks from one body, 10 ms apart. */
const createsOnly = (size: number): JournalEntry[] =>
  Array.from({ length: size }, (_, index) => ({
    seq: index + 1,
    at: 1_700_000_000_000 + index * 10,
    durationMs: 1,
    method: "POST",
    path: "/v1/image2/images",
    status: 200,
    route: "createImageTask",
    keyId: "key_load",
    bodyHash: "0123456789abcdef",
    taskId: `image_${index}`,
    taskStatus: "queued",
  }));

async function main(): Promise<void> {
  const { entries, runs } = options();
  console.log(`Polling grades, median of ${runs} run(s), Node ${process.version}\n`);
  console.log("| journal | entries | grading time | per entry |");
  console.log("|---|---|---|---|");
  const row = (what: string, size: number, ms: number) =>
    console.log(
      `| ${what} | ${size.toLocaleString("en")} | ${ms.toFixed(1)} ms | ${((ms * 1e6) / size).toFixed(0)} ns |`,
    );

  const fetch = await journaledFake(entries);
  const size = fetch.fake.requests().length;
  const ms = await median(runs, async () => {
    const res = await fetch("http://fake.bench/__fake/polling");
    if (res.status !== 200) throw new Error(`GET /__fake/polling answered ${res.status}`);
    await res.arrayBuffer();
  });
  row("a fake's, through faults, `GET /__fake/polling`", size, ms);

  for (const factor of [1, 10, 50]) {
    const journal = syntheticJournal(entries * factor);
    row(
      "every mistake, `gradePolling()`",
      journal.length,
      await median(runs, () => gradePolling(journal)),
    );
  }
  for (const factor of [1, 10]) {
    const journal = createsOnly(entries * factor);
    row(
      "creates of one body, `gradePolling()`",
      journal.length,
      await median(runs, () => gradePolling(journal)),
    );
  }
}

await main();
