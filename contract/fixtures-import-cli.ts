/** `npm run fixtures:import -- <recording dir>`: rewrites fixtures/assumed/errors.json from a recording. */
import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { assumedErrorsFixture } from "./fixtures.js";
import { importErrors, readRecordings } from "./fixtures-import.js";

const DEFAULT_OUT = fileURLToPath(new URL("../fixtures/assumed/errors.json", import.meta.url));
const USAGE = `Usage: npm run fixtures:import -- <recording dir> [--out FILE] [--dry-run]

Reads the exchanges a contract run recorded (CONTRACT_RECORD_DIR) and writes the error answers it saw
into the fake's assumed error bodies. Error kinds the recording did not probe keep their assumption.

  --out FILE   where to write (default fixtures/assumed/errors.json)
  --dry-run    print what would change; write nothing
  --help       show this text

Afterwards run \`npm run openapi\` so openapi.yaml shows the new answers, and rebuild the fake.
Exit status: 0 when every probed kind was imported, 1 when some could not be, 2 for bad usage.`;

const parse = () =>
  parseArgs({
    options: { out: { type: "string" }, "dry-run": { type: "boolean" }, help: { type: "boolean" } },
    allowPositionals: true,
  });

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
      `${dir} holds no recordings (*.json); record a run with CONTRACT_RECORD_DIR=${dir} npm run contract`,
    );
    return 1;
  }
  const outcome = importErrors(
    recordings,
    assumedErrorsFixture,
    new Date().toISOString().slice(0, 10),
  );
  for (const item of outcome.imported) {
    console.log(
      `imported ${item.kind}: HTTP ${item.status} (${item.seen} of ${item.of} exchanges agree)`,
    );
  }
  for (const kind of outcome.kept) console.log(`kept ${kind}: not probed in this recording`);
  for (const item of outcome.unusable)
    console.error(`could not import ${item.kind}: ${item.reason}`);
  const out = values.out ?? DEFAULT_OUT;
  if (values["dry-run"]) {
    console.log(JSON.stringify(outcome.fixture, null, 2));
  } else {
    await writeFile(out, `${JSON.stringify(outcome.fixture, null, 2)}\n`);
    console.log(`Wrote ${out}. Run npm run openapi to refresh openapi.yaml.`);
  }
  return outcome.unusable.length > 0 ? 1 : 0;
}

process.exitCode = await main();
