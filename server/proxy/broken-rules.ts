/**
 * The verdict's evidence: each documented rule broken, by the client or by the target, with the
 * first request that broke it and how often it happened. Each break is printed on stderr at once,
 * as one line naming the rule, the field and the request; a rule broken over and over is printed
 * a few times, then only counted.
 */
import {
  DOCUMENTED_RULES,
  type DocumentedRule,
  type RuleBreak,
} from "../../contract/documented-rules.js";
import type { Redactor } from "../../contract/redact.js";

export type Party = "client" | "target";

export interface BrokenRule {
  readonly by: Party;
  readonly rule: DocumentedRule;
  /** The first request that broke it, e.g. `#3 POST /kyyReactApiServer/v1/image2/images`. */
  readonly request: string;
  readonly field: string;
  /** What was wrong, the first time. */
  readonly detail: string;
  /** The rule as the provider documents it, citing API.md. */
  readonly documented: string;
  readonly times: number;
}

/** Lines printed per rule, party and field before the rest are only counted. */
const LINES_PER_BREAK = 20;
/** Distinct breaks listed; more are only counted (fields come from the schemas: a few dozen). */
const BREAKS_LISTED = 500;

const oneLine = (text: string, max: number) => {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
};

/**
 * Who broke which documented rule, and where.
 *
 * @example broken.add("client", { rule: "model", field: "model", detail: "…" }, "#3 POST /v1/image2/images", redactor);
 */
export class BrokenRules {
  readonly #breaks = new Map<string, BrokenRule & { times: number }>();
  #unlisted = 0;

  constructor(private readonly log: (line: string) => void) {}

  /** Records a break and prints it (redacted). */
  add(by: Party, found: RuleBreak, request: string, redactor: Redactor): void {
    const key = `${by} ${found.rule} ${found.field}`;
    const where = redactor.text(oneLine(request, 300));
    const detail = redactor.text(oneLine(found.detail, 2000));
    let entry = this.#breaks.get(key);
    if (entry) {
      entry.times += 1;
    } else if (this.#breaks.size < BREAKS_LISTED) {
      entry = {
        by,
        rule: found.rule,
        request: where,
        field: found.field,
        detail,
        documented: DOCUMENTED_RULES[found.rule],
        times: 1,
      };
      this.#breaks.set(key, entry);
    } else {
      this.#unlisted += 1;
    }
    const times = entry?.times ?? LINES_PER_BREAK + 1;
    if (times > LINES_PER_BREAK + 1) return;
    const who = by === "client" ? "the client" : "the target";
    this.log(
      times <= LINES_PER_BREAK
        ? `image2-kit proxy: ${who} broke the documented rule "${found.rule}" (field ${found.field}) in request ${where}: ${oneLine(detail, 300)}`
        : `image2-kit proxy: ${who} broke "${found.rule}" (field ${found.field}) ${LINES_PER_BREAK} times; further breaks are counted in the report`,
    );
  }

  /** Every break listed, in the order first seen. */
  list(): BrokenRule[] {
    return [...this.#breaks.values()].map((entry) => ({ ...entry }));
  }

  /** Breaks past the listing cap. */
  get unlisted(): number {
    return this.#unlisted;
  }
}
