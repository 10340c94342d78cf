/**
 * YAML that every parser reads the same: YAML 1.2 parsers and the YAML 1.1 parsers much of the
 * ecosystem still runs (PyYAML, js-yaml 3, Java's SnakeYAML), which retype plain scalars such as
 * `16:9` (a base-60 integer), `yes`/`off` (booleans), `0644` (octal) or `2002-12-14` (a date).
 */
import { Document, parse, visit } from "yaml";

// YAML 1.1's merge key and `value` type: no JavaScript parser resolves them, PyYAML refuses both.
const YAML_1_1_SPECIAL = new Set(["<<", "="]);

function readsBackAs(text: string, version: "1.1" | "1.2"): unknown {
  try {
    return parse(text, { version });
  } catch {
    return undefined;
  }
}

/**
 * Whether a string written as a plain YAML scalar could be read back as something else by a
 * YAML 1.1 or 1.2 parser.
 *
 * @example isRetypedWhenPlain("16:9") // true: 969 to a YAML 1.1 parser
 */
export function isRetypedWhenPlain(text: string): boolean {
  // Implicit types are short single tokens; a longer line is quoted or folded for its syntax alone.
  if (text.includes("\n")) return false;
  if (YAML_1_1_SPECIAL.has(text)) return true;
  return readsBackAs(text, "1.1") !== text || readsBackAs(text, "1.2") !== text;
}

/**
 * A JSON value as YAML, double-quoting every string a YAML 1.1 or 1.2 parser would retype.
 *
 * @example toPortableYaml({ ratio: "16:9" }) // 'ratio: "16:9"\n'
 */
export function toPortableYaml(value: unknown): string {
  const document = new Document(value);
  visit(document, {
    Scalar(_, node) {
      if (typeof node.value === "string" && isRetypedWhenPlain(node.value)) {
        node.type = "QUOTE_DOUBLE";
      }
    },
  });
  return document.toString();
}
