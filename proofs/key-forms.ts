/**
 * A bearer key in every encoding a target might echo it in, or a careless writer store it in, and
 * the check that a set of texts holds it in none: the suite's and the proxy's safety proofs share
 * them, so each proves the same.
 */
import { expect } from "vitest";

/** The key as a target might echo it, and as a careless writer might store it. */
export const keyForms = (key: string) => ({
  raw: key,
  jsonEscaped: key.replaceAll("/", "\\/"),
  plusAsUnicode: key.replaceAll("+", "\\u002B"),
  allUnicode: [...key].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""),
  percent: encodeURIComponent(key),
  percentLower: encodeURIComponent(key).toLowerCase(),
  base64: Buffer.from(key).toString("base64"),
  bearerBase64: Buffer.from(`Bearer ${key}`).toString("base64"),
  // A JSON text of the request's headers inside a JSON string, as PHP's encoder writes it.
  jsonInJson: key.replaceAll("/", "\\\\\\/"),
  hex: Buffer.from(key).toString("hex"),
});

/**
 * Fails naming the form and the place when any text holds the key in any form.
 *
 * @example expectKeyNowhere(KEY, [["output", run.output], ["report.md", markdown]]);
 */
export function expectKeyNowhere(key: string, texts: readonly (readonly [string, string])[]): void {
  const forms = Object.entries(keyForms(key));
  for (const [where, text] of texts) {
    for (const [encoding, form] of forms) {
      expect(text.includes(form), `${encoding} in ${where}`).toBe(false);
    }
    // A JSON report escapes an escaped echo once more: no form above would match it there.
    expect(text.replaceAll("\\", "").includes(key), `an escaped key in ${where}`).toBe(false);
  }
}
