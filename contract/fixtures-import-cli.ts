/**
 * `npm run fixtures:import -- <recording dir>`: rewrites fixtures/assumed/*.json (error answers,
 * pixel sizes, timings) from what a recording of production shows, printing what changed.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { isDeepStrictEqual, parseArgs } from "node:util";
import { z } from "zod";
import {
  AssumedErrorsFixture,
  AssumedPixelSizesFixture,
  AssumedTimingsFixture,
} from "./assumed-schemas.js";
import { formatFixture } from "./fixture-format.js";
import { importErrors, learnedSource, readRecordings } from "./fixtures-import.js";
import { importPixelSizes } from "./import-pixel-sizes.js";
import { importTimings } from "./import-timings.js";
import { recordedTasks } from "./recorded-tasks.js";

const DEFAULT_DIR = fileURLToPath(new URL("../fixtures/assumed", import.meta.url));
const USAGE = `Usage: npm run fixtures:import -- <recording dir> [--fixtures DIR] [--dry-run]

Reads the exchanges recorded by a contract run (CONTRACT_RECORD_DIR) or by the proxy
(image2-kit proxy --record DIR) and updates every assumption of the fake they show:
  errors.json       the status and body of each error kind the recording probed
  pixel-sizes.json  the pixel size of each ratio × resolution whose image it downloaded
  timings.json      the median time queued and processing of each quality × resolution it
                    followed to the end (with the number of tasks behind each median)
What the recording does not show keeps its assumption. Each change is printed.

  --fixtures DIR  the folder of errors.json, pixel-sizes.json and timings.json to update
                  (default fixtures/assumed)
  --dry-run       print what would change; write nothing
  --help          show this text

Afterwards run \`npm run openapi\` so openapi.yaml and openapi.json show the new assumptions; the
fake picks them up at its next build (npm start and npm test rebuild when a fixture changed).
Exit status: 0 when everything the recording showed was imported, 1 when some error kind could
not be (or the folder holds no recordings), 2 for bad usage.`;

const parse = () =>
  parseArgs({
    options: {
      fixtures: { type: "string" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });

async function readFixture<S extends z.ZodType>(schema: S, path: string): Promise<z.output<S>> {
  const parsed = schema.safeParse(JSON.parse(await readFile(path, "utf8")));
  if (!parsed.success)
    throw new Error(`${path} breaks its schema:\n${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

async function main(): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse();
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const [dir, ...extra] = positionals;
  if (!dir || extra.length > 0) {
    console.error(`name exactly one recording folder\n\n${USAGE}`);
    return 2;
  }
  const recordings = await readRecordings(dir);
  if (recordings.length === 0) {
    console.error(
      `${dir} holds no recordings (*.json); record with CONTRACT_RECORD_DIR=${dir} npm run contract, or image2-kit proxy --record ${dir}`,
    );
    return 1;
  }
  const fixturesDir = values.fixtures ?? DEFAULT_DIR;
  const files = {
    errors: join(fixturesDir, "errors.json"),
    pixelSizes: join(fixturesDir, "pixel-sizes.json"),
    timings: join(fixturesDir, "timings.json"),
  };
  const current = {
    errors: await readFixture(AssumedErrorsFixture, files.errors),
    pixelSizes: await readFixture(AssumedPixelSizesFixture, files.pixelSizes),
    timings: await readFixture(AssumedTimingsFixture, files.timings),
  };
  const today = new Date().toISOString().slice(0, 10);
  const tasks = recordedTasks(recordings);
  const hosts = [...new Set(tasks.map((task) => task.host))].join(", ");
  const errors = importErrors(recordings, current.errors, today);
  const pixels = importPixelSizes(tasks, current.pixelSizes);
  const timings = importTimings(tasks, current.timings);

  console.log(
    `${recordings.length} recordings, ${tasks.length} tasks the documentation fully decides`,
  );
  for (const item of errors.imported) {
    console.log(
      `error ${item.kind}: HTTP ${item.status} (${item.seen} of ${item.of} exchanges agree)`,
    );
  }
  for (const item of errors.unusable)
    console.error(`could not import ${item.kind}: ${item.reason}`);
  for (const c of pixels.changes) {
    const agree = c.images === c.of ? `${c.images} images` : `${c.images} of ${c.of} images agree`;
    console.log(
      `pixel size ${c.ratio} at ${c.resolution}: ${c.from ?? "none"} → ${c.to} (${agree})`,
    );
  }
  for (const c of timings.changes) {
    const what = c.figure === "queued_ms" ? "queued" : "processing";
    console.log(
      `time ${what}, ${c.quality} at ${c.resolution}: ${c.from} → ${c.to} ms (median of ${c.tasks} tasks)`,
    );
  }
  const learned = (unit: string) =>
    `Learned from recordings of ${hosts} on ${today} by npm run fixtures:import: the figures listed with a count of ${unit} are production's; every other one is still the assumption.`;
  const updates = [
    { path: files.errors, before: current.errors, after: errors.fixture },
    {
      path: files.pixelSizes,
      before: current.pixelSizes,
      after:
        pixels.changes.length === 0
          ? current.pixelSizes
          : {
              ...pixels.fixture,
              source: learnedSource(current.pixelSizes.source, learned("images")),
            },
    },
    {
      path: files.timings,
      before: current.timings,
      after:
        timings.changes.length === 0
          ? current.timings
          : { ...timings.fixture, source: learnedSource(current.timings.source, learned("tasks")) },
    },
  ];
  const changed = updates.filter(({ before, after }) => !isDeepStrictEqual(before, after));
  if (changed.length === 0) console.log("nothing changed: the fixtures already say all this");
  for (const { path, after } of changed) {
    if (values["dry-run"]) {
      console.log(`would write ${path}:\n${formatFixture(after)}`);
    } else {
      await writeFile(path, formatFixture(after));
      console.log(`wrote ${path}`);
    }
  }
  if (changed.length > 0 && !values["dry-run"]) {
    console.log("Run npm run openapi so openapi.yaml and openapi.json show the new assumptions.");
  }
  return errors.unusable.length > 0 ? 1 : 0;
}

process.exitCode = await main();
