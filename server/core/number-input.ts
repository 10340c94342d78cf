/**
 * Numbers as the fake's inputs give them, read strictly: JSON and code give numbers (never `""`,
 * `true` or `[5]` coerced into one), flags, variables and headers give digits (never `1e3`, ` 5` or
 * `0x10`). Each rule is said in one sentence that every message about it repeats.
 */
import { z } from "zod";

export interface WholeNumberRule {
  readonly min: number;
  readonly max?: number;
  /** What it counts, e.g. `ms`. */
  readonly unit?: string;
}

const DIGITS = /^[0-9]{1,16}$/;
const DECIMAL = /^[0-9]{1,16}(\.[0-9]{1,16})?$/;

/**
 * The rule in words.
 *
 * @example describeWholeNumber({ min: 1 }) // "must be a whole number of at least 1"
 */
export function describeWholeNumber({ min, max, unit }: WholeNumberRule): string {
  const what = unit ? `a whole number of ${unit}` : "a whole number";
  return max === undefined
    ? `must be ${what}${unit ? "," : " of"} at least ${min}`
    : `must be ${what} from ${min} to ${max}`;
}

const inRange = (value: number, rule: { min: number; max?: number }) =>
  value >= rule.min && value <= (rule.max ?? Number.MAX_SAFE_INTEGER);

function wholeFrom(rule: WholeNumberRule) {
  const message = describeWholeNumber(rule);
  return (value: number | string, ctx: z.RefinementCtx): number => {
    const number = typeof value === "number" ? value : DIGITS.test(value) ? Number(value) : NaN;
    if (Number.isSafeInteger(number) && inRange(number, rule)) return number;
    ctx.addIssue({ code: "custom", message, input: value });
    return z.NEVER;
  };
}

/**
 * A whole number as JSON or code gives it: a number, nothing else.
 *
 * @example wholeNumber({ min: 1 }).parse(5) // 5; .parse("5") fails
 */
export function wholeNumber(rule: WholeNumberRule) {
  const error = describeWholeNumber(rule);
  return z
    .int({ error })
    .min(rule.min, { error })
    .max(rule.max ?? Number.MAX_SAFE_INTEGER, { error });
}

/**
 * A whole number as a header gives it: digits only.
 *
 * @example wholeNumberText({ min: 0, unit: "ms" }).parse("1500") // 1500; .parse("1e3") fails
 */
export function wholeNumberText(rule: WholeNumberRule) {
  return z.string({ error: describeWholeNumber(rule) }).transform(wholeFrom(rule));
}

/**
 * A whole number as code (a number) or as a flag or variable (digits) gives it.
 *
 * @example wholeNumberOrText({ min: 1 }).parse("10") // 10
 */
export function wholeNumberOrText(rule: WholeNumberRule) {
  return z
    .union([z.number(), z.string()], { error: describeWholeNumber(rule) })
    .transform(wholeFrom(rule));
}

/**
 * A number with an optional fraction, from code or text, within `min` and `max`.
 *
 * @example decimalOrText(0, 1).parse("0.25") // 0.25
 */
export function decimalOrText(min: number, max: number) {
  const message = `must be a number from ${min} to ${max}`;
  return z.union([z.number(), z.string()], { error: message }).transform((value, ctx): number => {
    const number = typeof value === "number" ? value : DECIMAL.test(value) ? Number(value) : NaN;
    if (Number.isFinite(number) && inRange(number, { min, max })) return number;
    ctx.addIssue({ code: "custom", message, input: value });
    return z.NEVER;
  });
}
