/**
 * Drift: where the target differs from what the fake assumes (never from what is documented,
 * which fails the run instead). Every observation is kept, so the report also shows what matched.
 */

import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { isDeepStrictEqual } from "node:util";

export interface Observation {
  /** The assumed behaviour, e.g. `rejection: invalid_request`. */
  readonly behaviour: string;
  /** What was probed, e.g. the request case. */
  readonly subject: string;
  readonly assumed: unknown;
  readonly observed: unknown;
  readonly matches: boolean;
}

export interface ReportMeta {
  readonly target: string;
  readonly startedAt: string;
  readonly strict: boolean;
  readonly tasksCreated: number;
  readonly maxTasks: number;
  readonly skipped: readonly { test: string; reason: string }[];
}

export class DriftLog {
  readonly #observations: Observation[] = [];

  observe(
    behaviour: string,
    subject: string,
    assumed: unknown,
    observed: unknown,
    matches = isDeepStrictEqual(assumed, observed),
  ): void {
    const seen = this.#observations.some(
      (o) =>
        o.behaviour === behaviour &&
        o.subject === subject &&
        isDeepStrictEqual(o.observed, observed),
    );
    if (!seen) this.#observations.push({ behaviour, subject, assumed, observed, matches });
  }

  all(): readonly Observation[] {
    return this.#observations;
  }

  drifted(): Observation[] {
    return this.#observations.filter((observation) => !observation.matches);
  }
}

const cell = (value: unknown) =>
  `\`${(typeof value === "string" ? value : (JSON.stringify(value) ?? "—")).replaceAll("|", "\\|").replaceAll("`", "'")}\``;

function reportMarkdown(log: DriftLog, meta: ReportMeta): string {
  const drifted = log.drifted();
  const rows = [...drifted, ...log.all().filter((observation) => observation.matches)].map(
    (o) =>
      `| ${o.matches ? "same" : "**drift**"} | ${o.behaviour} | ${o.subject} | ${cell(o.assumed)} | ${cell(o.observed)} |`,
  );
  return `# Contract drift report

- target: ${meta.target}
- started: ${meta.startedAt}
- tasks created: ${meta.tasksCreated} of at most ${Number.isFinite(meta.maxTasks) ? meta.maxTasks : "unlimited"}
- strict: ${meta.strict ? "yes (drift fails the run)" : "no (drift is reported only)"}
- observations: ${log.all().length}, of which drift: ${drifted.length}

Drift is where the target differs from what the fake assumes (fixtures/assumed/). Documented rules
are not listed here: a broken one fails the run.

| | behaviour | subject | the fake assumes | the target did |
|---|---|---|---|---|
${rows.join("\n")}
${
  meta.skipped.length > 0
    ? `\n## Skipped\n\n${meta.skipped.map((skip) => `- ${skip.test}: ${skip.reason}`).join("\n")}\n`
    : ""
}`;
}

/** Writes `<path>.json` and `<path>.md` (a `.json` or `.md` ending on the path is dropped). */
export async function writeReport(
  path: string,
  log: DriftLog,
  meta: ReportMeta,
): Promise<string[]> {
  const base = path.replace(/\.(json|md)$/i, "");
  await mkdir(dirname(base), { recursive: true });
  const json = {
    ...meta,
    drift: log.drifted(),
    observations: log.all(),
  };
  await writeFile(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(`${base}.md`, reportMarkdown(log, meta));
  return [`${base}.json`, `${base}.md`];
}
