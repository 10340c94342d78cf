/**
 * Turns recordings of a target (the contract suite's CONTRACT_RECORD_DIR, the proxy's --record)
 * into the fake's assumed error bodies, so what production really answers flows into the fake
 * without a code change. Pixel sizes and timings are learned in import-pixel-sizes.ts and
 * import-timings.ts.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import { AssumedErrorBody, type AssumedErrorsFixture, ErrorKind } from "./assumed-schemas.js";
import { Recording } from "./recording.js";
import { CreateImageResponse, TaskResult } from "./schemas.js";

export interface ImportOutcome {
  readonly fixture: AssumedErrorsFixture;
  /** Kinds now taken from the recording, with how many exchanges agreed on the chosen answer. */
  readonly imported: { kind: ErrorKind; status: number; seen: number; of: number }[];
  /** Kinds the recording said nothing about: the fake keeps its assumption. */
  readonly kept: ErrorKind[];
  /** Kinds whose recorded answers cannot serve as an error body, and why. */
  readonly unusable: { kind: ErrorKind; reason: string }[];
}

/**
 * Reads every recording in a folder, in the order they were made; a file that is no recording is
 * an error naming it.
 *
 * @example const recordings = await readRecordings("reports/recordings");
 */
export async function readRecordings(dir: string): Promise<Recording[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith(".json"));
  const recordings = await Promise.all(
    files.map(async (file) => {
      const path = join(dir, file);
      let json: unknown;
      try {
        json = JSON.parse(await readFile(path, "utf8"));
      } catch (error) {
        throw new Error(`${path} is not JSON: ${(error as Error).message}`);
      }
      const parsed = Recording.safeParse(json);
      if (!parsed.success)
        throw new Error(`${path} is not a recording:\n${z.prettifyError(parsed.error)}`);
      return parsed.data;
    }),
  );
  // By number, not by name: names sort wrongly past 9999 recordings.
  return recordings.sort((a, b) => a.seq - b.seq);
}

/**
 * A fixture's `source` with a sentence saying what recordings taught it, in place of any earlier one.
 *
 * @example learnedSource(fixture.source, "Pixel sizes under 'measured' were learned …")
 */
export const learnedSource = (source: string, learned: string) =>
  `${source.replace(/\s*Learned from recordings\b[\s\S]*$/, "")} ${learned}`;

const answeredATask = (recording: Recording) =>
  recording.response.status >= 200 &&
  recording.response.status < 300 &&
  (CreateImageResponse.safeParse(recording.response.body).success ||
    TaskResult.safeParse(recording.response.body).success);

/** The recorded body with what belongs to one request (its method and path) turned back into placeholders. */
function template(recording: Recording): unknown {
  const path = new URL(recording.request.url).pathname;
  return JSON.parse(JSON.stringify(recording.response.body), (_, value: unknown) =>
    typeof value === "string"
      ? value
          .split(path)
          .join("{path}")
          .split(`${recording.request.method} {path}`)
          .join("{method} {path}")
      : value,
  );
}

/** Which fields a body has, ignoring their values: answers with the same shape are one answer. */
const shapeOf = (body: unknown) =>
  typeof body === "object" && body !== null && !Array.isArray(body)
    ? Object.keys(body).sort()
    : typeof body;

/**
 * One body standing for several answers of the same shape: a field whose text differs between
 * them (the message naming what was wrong) becomes the `{message}` the fake fills in per request.
 */
function generalise(bodies: readonly unknown[]): unknown {
  const [first] = bodies;
  if (typeof first !== "object" || first === null || Array.isArray(first)) return first;
  const records = bodies as Record<string, unknown>[];
  return Object.fromEntries(
    Object.entries(first).flatMap(([key, value]) => {
      const varies = records.some((body) => JSON.stringify(body[key]) !== JSON.stringify(value));
      if (!varies) return [[key, value]];
      // Varying detail that is not text (a list of issues, say) belongs to one request only.
      return typeof value === "string" ? [[key, "{message}"]] : [];
    }),
  );
}

/**
 * The errors fixture with each error kind the recordings probed replaced by the answer most of
 * them agree on.
 *
 * @example importErrors(recordings, assumedErrorsFixture, "2026-11-28").imported
 */
export function importErrors(
  recordings: readonly Recording[],
  current: AssumedErrorsFixture,
  today: string,
): ImportOutcome {
  const errors = { ...current.errors };
  const imported: ImportOutcome["imported"] = [];
  const kept: ErrorKind[] = [];
  const unusable: ImportOutcome["unusable"] = [];
  for (const kind of ErrorKind.options) {
    const rejections = recordings.filter((r) => r.label === kind && !answeredATask(r));
    if (rejections.length === 0) {
      kept.push(kind);
      continue;
    }
    const groups = new Map<string, { status: number; bodies: unknown[] }>();
    for (const recording of rejections) {
      const body = template(recording);
      const key = JSON.stringify([recording.response.status, shapeOf(body)]);
      const group = groups.get(key) ?? { status: recording.response.status, bodies: [] };
      group.bodies.push(body);
      groups.set(key, group);
    }
    const [largest] = [...groups.values()].sort((a, b) => b.bodies.length - a.bodies.length);
    if (!largest) continue;
    const chosen = {
      status: largest.status,
      body: generalise(largest.bodies),
      seen: largest.bodies.length,
    };
    const body = AssumedErrorBody.safeParse(chosen.body);
    if (!body.success) {
      unusable.push({
        kind,
        reason: `the body ${JSON.stringify(chosen.body).slice(0, 200)} is neither the {code, msg, data} envelope nor a Spring-style {message}`,
      });
      continue;
    }
    errors[kind] = { status: chosen.status, body: body.data };
    imported.push({ kind, status: chosen.status, seen: chosen.seen, of: rejections.length });
  }
  const hosts = [...new Set(recordings.map((r) => new URL(r.request.url).host))].join(", ");
  const source =
    imported.length === 0
      ? current.source
      : `Recorded from ${hosts} on ${today} by npm run fixtures:import for ${imported.map((i) => i.kind).join(", ")}. ` +
        `Still the fake's assumption for ${kept.length + unusable.length === 0 ? "none" : [...kept, ...unusable.map((u) => u.kind)].join(", ")}. ` +
        "The provider documents no request-level error of this API.";
  return { fixture: { assumed: true, source, errors }, imported, kept, unusable };
}
