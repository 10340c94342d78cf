/**
 * What a run tells a person, verdict first: passed or failed and each broken rule with its message,
 * then the budget, then each drift, then what was skipped and why (once per reason), then what
 * matched the fake's assumptions, collapsed. The console summary, `<report>.md` and
 * `<report>.json` say the same. What came from the target (messages, observed values) is redacted
 * again on the way out; the suite's own words are left alone, so a short key such as `test` does
 * not blank them.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { Redactor } from "../redact.js";
import type { Observation } from "./drift.js";

export interface RunOutcome {
  readonly target: string;
  readonly startedAt: string;
  readonly strict: boolean;
  readonly checksPassed: number;
  readonly budget: {
    readonly max: number;
    readonly placesUsed: number;
    readonly tasksConfirmed: number;
  };
  /** Each failed check and its message, which names the documented rule it rests on. */
  readonly failures: readonly { readonly test: string; readonly message: string }[];
  readonly drift: readonly Observation[];
  readonly matched: readonly Observation[];
  readonly skipped: readonly { readonly test: string; readonly reason: string }[];
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);
const show = (value: unknown) =>
  typeof value === "string" ? value : (JSON.stringify(value) ?? "—");

function verdictLine(outcome: RunOutcome): string {
  const { failures, checksPassed, skipped } = outcome;
  return failures.length > 0
    ? `FAILED: ${plural(failures.length, "check")} broke a documented rule${outcome.strict ? " or, strict, an assumption" : ""}`
    : `passed: ${plural(checksPassed, "check")} held, ${skipped.length} skipped`;
}

function budgetLine({ budget }: RunOutcome): string {
  const max = Number.isFinite(budget.max) ? `at most ${budget.max}` : "no limit";
  return `budget: ${plural(budget.placesUsed, "place")} used of ${max} (creates that made or may have made a task); the target confirmed ${plural(budget.tasksConfirmed, "task")}`;
}

/** Skips grouped by reason, so each reason appears once. */
function skipGroups(outcome: RunOutcome): { reason: string; tests: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const { test, reason } of outcome.skipped)
    groups.set(reason, [...(groups.get(reason) ?? []), test]);
  return [...groups].map(([reason, tests]) => ({ reason, tests }));
}

/** The outcome with every secret redacted from what the target could have put in it. */
function redacted(outcome: RunOutcome, redactor: Redactor): RunOutcome {
  const observed = (o: Observation) => ({ ...o, observed: redactor.value(o.observed) });
  return {
    ...outcome,
    failures: outcome.failures.map((f) => ({ ...f, message: redactor.text(f.message) })),
    drift: outcome.drift.map(observed),
    matched: outcome.matched.map(observed),
    skipped: outcome.skipped.map((s) => ({ ...s, reason: redactor.text(s.reason) })),
  };
}

/**
 * The console summary printed at the end of a run.
 *
 * @example console.log(consoleSummary(outcome, redactor)) // "[contract] passed: 115 checks held, 1 skipped\n…"
 */
export function consoleSummary(run: RunOutcome, redactor: Redactor): string {
  const outcome = redacted(run, redactor);
  const lines = [`[contract] ${verdictLine(outcome)}`];
  for (const failure of outcome.failures) {
    lines.push(
      `  ✗ ${failure.test}`,
      `    ${clip(failure.message.replace(/\s+/g, " ").trim(), 500)}`,
    );
  }
  lines.push(`[contract] ${budgetLine(outcome)}`);
  lines.push(
    `[contract] ${plural(outcome.drift.length, "drift")} from the fake's assumptions${
      outcome.drift.length > 0 && !outcome.strict
        ? " (reported; CONTRACT_STRICT=1 fails on it)"
        : ""
    }`,
  );
  for (const o of outcome.drift) {
    lines.push(
      `  ~ ${o.behaviour}, ${o.subject}: the fake assumes ${clip(show(o.assumed), 120)}, the target did ${clip(show(o.observed), 160)}`,
    );
  }
  for (const { reason, tests } of skipGroups(outcome)) {
    lines.push(`[contract] skipped ${plural(tests.length, "test")}: ${reason}`);
  }
  return lines.join("\n");
}

/**
 * A value as one markdown table cell, in code: pipes escaped, backquotes and newlines defused.
 *
 * @example markdownCell({ status: 401 }) // "`{\"status\":401}`"
 */
export const markdownCell = (value: unknown) =>
  `\`${show(value).replaceAll("|", "\\|").replaceAll("`", "'").replaceAll("\n", " ")}\``;

const table = (rows: readonly Observation[]) =>
  [
    "| behaviour | subject | the fake assumes | the target did |",
    "|---|---|---|---|",
    ...rows.map(
      (o) =>
        `| ${o.behaviour} | ${o.subject} | ${markdownCell(o.assumed)} | ${markdownCell(o.observed)} |`,
    ),
  ].join("\n");

function reportMarkdown(outcome: RunOutcome): string {
  const sections = [
    `# Contract run: ${verdictLine(outcome)}`,
    [
      `- target: ${outcome.target}`,
      `- started: ${outcome.startedAt}`,
      `- ${budgetLine(outcome)}`,
      `- strict: ${outcome.strict ? "yes (drift fails the run)" : "no (drift is reported only)"}`,
    ].join("\n"),
  ];
  if (outcome.failures.length > 0) {
    sections.push(
      `## Failed (${outcome.failures.length})`,
      ...outcome.failures.map(
        (f) => `### ${f.test}\n\n\`\`\`text\n${clip(f.message, 4000)}\n\`\`\``,
      ),
    );
  }
  sections.push(
    `## Drift from the fake's assumptions (${outcome.drift.length})`,
    "Where the target differs from what the fake assumes (fixtures/assumed/). A broken documented rule is listed above, never here.",
  );
  if (outcome.drift.length > 0) sections.push(table(outcome.drift));
  const groups = skipGroups(outcome);
  if (groups.length > 0) {
    sections.push(
      `## Skipped (${outcome.skipped.length})`,
      groups.map((g) => `- ${g.reason} (${g.tests.length}): ${g.tests.join("; ")}`).join("\n"),
    );
  }
  sections.push(
    `<details><summary>Matched what the fake assumes (${outcome.matched.length})</summary>\n\n${table(outcome.matched)}\n\n</details>`,
  );
  return `${sections.join("\n\n")}\n`;
}

/**
 * Writes a report as `<path>.json` and `<path>.md` (a `.json` or `.md` ending on the path is
 * dropped), making the folder; answers both paths.
 *
 * @example await writeReportFiles("reports/proxy", json, markdown) // ["reports/proxy.json", "reports/proxy.md"]
 */
export async function writeReportFiles(
  path: string,
  json: unknown,
  markdown: string,
): Promise<string[]> {
  const base = path.replace(/\.(json|md)$/i, "");
  await mkdir(dirname(base), { recursive: true });
  await writeFile(`${base}.json`, `${JSON.stringify(json, null, 2)}\n`);
  await writeFile(`${base}.md`, markdown);
  return [`${base}.json`, `${base}.md`];
}

/**
 * Writes `<path>.json` and `<path>.md` (a `.json` or `.md` ending on the path is dropped).
 *
 * @example await writeReport("reports/drift", outcome, redactor) // ["reports/drift.json", "reports/drift.md"]
 */
export async function writeReport(
  path: string,
  run: RunOutcome,
  redactor: Redactor,
): Promise<string[]> {
  const outcome = redacted(run, redactor);
  const json = {
    verdict: outcome.failures.length > 0 ? "failed" : "passed",
    failures: outcome.failures,
    target: outcome.target,
    startedAt: outcome.startedAt,
    strict: outcome.strict,
    checksPassed: outcome.checksPassed,
    budget: {
      ...outcome.budget,
      max: Number.isFinite(outcome.budget.max) ? outcome.budget.max : null,
    },
    drift: outcome.drift,
    skipped: outcome.skipped,
    matched: outcome.matched,
  };
  return writeReportFiles(path, json, reportMarkdown(outcome));
}
