/**
 * The proxy's report: the verdict first (passed, or each documented rule broken, by whom, in which
 * request), then the drift from what the fake assumes, then the polling grades of each key. The
 * JSON (`GET /__proxy/report`, `<report>.json`) and the markdown (`<report>.md`) have these three
 * sections, in this order. Whatever came from the client or the target was redacted as it arrived.
 */
import type { Redactor } from "../../contract/redact.js";
import { markdownCell, writeReportFiles } from "../../contract/suite/run-report.js";
import type { PollingGrade } from "../core/polling-grader.js";
import type { BrokenRule } from "./broken-rules.js";
import type { CountedObservation } from "./counted-drift.js";
import { ANSWER_COPY_BYTES } from "./forward.js";
import type { ExchangeCounts, LiveChecks } from "./live-checks.js";

export interface ProxyReport {
  readonly verdict: {
    readonly result: "passed" | "failed";
    /** Each documented rule broken: by whom, which rule, the first request that broke it, …. */
    readonly broken: readonly BrokenRule[];
    /** Breaks past the listing cap, counted only. */
    readonly unlistedBreaks: number;
    readonly target: string;
    readonly startedAt: string;
    readonly exchanges: ExchangeCounts & {
      readonly recorded?: {
        readonly dir: string;
        readonly written: number;
        readonly dropped: number;
      };
    };
  };
  readonly drift: {
    readonly differences: readonly CountedObservation[];
    readonly matched: readonly CountedObservation[];
    /** Observations past the listing caps, counted only. */
    readonly unlisted: { readonly drifted: number; readonly matched: number };
  };
  readonly polling: { readonly keys: readonly PollingGrade[] };
}

export interface ReportContext {
  readonly target: string;
  readonly startedAt: string;
  readonly recorded?: { readonly dir: string; readonly written: number; readonly dropped: number };
}

/**
 * The report as it stands now.
 *
 * @example const report = buildProxyReport(checks, { target, startedAt });
 */
export function buildProxyReport(checks: LiveChecks, context: ReportContext): ProxyReport {
  const redactor: Redactor = checks.keys.redactor;
  const broken = checks.broken.list();
  return {
    verdict: {
      result: broken.length > 0 || checks.broken.unlisted > 0 ? "failed" : "passed",
      broken,
      unlistedBreaks: checks.broken.unlisted,
      target: context.target,
      startedAt: context.startedAt,
      exchanges: { ...checks.counts, ...(context.recorded && { recorded: context.recorded }) },
    },
    drift: {
      differences: checks.drift.drifted(),
      matched: checks.drift.matched(),
      unlisted: checks.drift.unlisted(),
    },
    // Task ids in the sentences came from the target: redacted like everything it sent.
    polling: {
      keys: checks.polling().map((grade) => ({
        ...grade,
        problems: grade.problems.map((problem) => redactor.text(problem)),
      })),
    },
  };
}

const COPY_LIMIT = `${ANSWER_COPY_BYTES / (1024 * 1024)} MiB`;

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** The verdict in one line, for the report's title and the proxy's last words. */
export function verdictLine(report: ProxyReport): string {
  const { broken } = report.verdict;
  const { exchanges } = report.verdict;
  if (report.verdict.result === "passed") {
    const unchecked =
      exchanges.answersUnchecked > 0
        ? `, but ${plural(exchanges.answersUnchecked, "API answer")} over ${COPY_LIMIT} ${exchanges.answersUnchecked === 1 ? "was" : "were"} not checked`
        : "";
    return `passed: no documented rule broken in ${plural(exchanges.forwarded, "exchange")}${unchecked}`;
  }
  const by = (party: "client" | "target") => broken.filter((b) => b.by === party).length;
  return `FAILED: ${plural(broken.length, "documented rule")} broken (${by("client")} by the client, ${by("target")} by the target)`;
}

function exchangesLine({ exchanges }: ProxyReport["verdict"]): string {
  const parts = [
    `${exchanges.answered} answered by the target`,
    exchanges.targetUnreachable > 0 && `${exchanges.targetUnreachable} target unreachable (502)`,
    exchanges.targetTimedOut > 0 && `${exchanges.targetTimedOut} target too slow (504)`,
    exchanges.targetCut > 0 && `${exchanges.targetCut} cut off by the target`,
    exchanges.clientGone > 0 && `${exchanges.clientGone} given up by the client`,
    exchanges.checkErrors > 0 && `${exchanges.checkErrors} checks failed (see stderr)`,
    exchanges.answersUnchecked > 0 &&
      `${plural(exchanges.answersUnchecked, "API answer")} over ${COPY_LIMIT} not checked`,
  ].filter(Boolean);
  return `${plural(exchanges.forwarded, "exchange")}: ${parts.join(", ")}`;
}

const markdownTable = (head: readonly string[], rows: readonly (readonly unknown[])[]) =>
  [head, head.map(() => "---"), ...rows]
    .map((row) => `| ${row.map((cell) => String(cell)).join(" | ")} |`)
    .join("\n");

const observationTable = (rows: readonly CountedObservation[]) =>
  markdownTable(
    ["behaviour", "subject", "the fake assumes", "the target did", "times"],
    rows.map((o) => [
      o.behaviour,
      o.subject,
      markdownCell(o.assumed),
      markdownCell(o.observed),
      o.times,
    ]),
  );

/**
 * The report as markdown: the same sections as the JSON, in the same order.
 *
 * @example await writeFile("proxy.md", proxyReportMarkdown(report));
 */
export function proxyReportMarkdown(report: ProxyReport): string {
  const { verdict, drift, polling } = report;
  const recorded = verdict.exchanges.recorded;
  const sections = [
    `# Proxy report: ${verdictLine(report)}`,
    [
      `- target: ${verdict.target}`,
      `- since: ${verdict.startedAt}`,
      `- ${exchangesLine(verdict)}`,
      ...(recorded
        ? [
            `- recordings: ${recorded.written} written to ${recorded.dir}${recorded.dropped > 0 ? `, ${recorded.dropped} not recorded` : ""}`,
          ]
        : []),
    ].join("\n"),
    "## Verdict",
  ];
  if (verdict.broken.length === 0) {
    sections.push("Passed: neither the client nor the target broke a documented rule.");
  } else {
    sections.push(
      markdownTable(
        ["by", "rule", "field", "first request", "times", "what was wrong"],
        verdict.broken.map((b) => [
          b.by,
          b.rule,
          markdownCell(b.field),
          markdownCell(b.request),
          b.times,
          markdownCell(b.detail.slice(0, 500)),
        ]),
      ),
      [...new Set(verdict.broken.map((b) => `- **${b.rule}**: ${b.documented}`))].join("\n"),
    );
  }
  const unlisted = drift.unlisted.drifted + drift.unlisted.matched;
  sections.push(
    `## Drift from the fake's assumptions (${drift.differences.length})`,
    "Where the target differs from what the fake assumes (fixtures/assumed/); never a broken rule, which the verdict lists.",
  );
  if (drift.differences.length > 0) sections.push(observationTable(drift.differences));
  if (unlisted > 0) {
    sections.push(
      `Past the listing caps: ${drift.unlisted.drifted} more differences and ${drift.unlisted.matched} more matches, counted only.`,
    );
  }
  sections.push(
    `<details><summary>Matched what the fake assumes (${drift.matched.length})</summary>\n\n${observationTable(drift.matched)}\n\n</details>`,
    "## Polling",
  );
  if (polling.keys.length === 0) {
    sections.push("No API request carried a bearer key.");
  } else {
    sections.push(
      markdownTable(
        ["key", "polls", "tasks polled", "shortest interval (ms)", "problems"],
        polling.keys.map((k) => [
          k.keyId,
          k.polls,
          k.tasksPolled,
          k.shortestPollIntervalMs ?? "—",
          k.problems.length,
        ]),
      ),
      ...polling.keys.flatMap((k) => k.problems.map((problem) => `- ${k.keyId}: ${problem}`)),
    );
  }
  return `${sections.join("\n\n")}\n`;
}

/**
 * Writes `<path>.json` and `<path>.md`; answers both paths.
 *
 * @example await writeProxyReport("reports/proxy", report) // ["reports/proxy.json", "reports/proxy.md"]
 */
export const writeProxyReport = (path: string, report: ProxyReport) =>
  writeReportFiles(path, report, proxyReportMarkdown(report));
