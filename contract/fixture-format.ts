/**
 * How `npm run fixtures:import` writes a fixture: JSON indented by two, with each innermost object
 * (a table row such as `{ "1k": "1024x1024", "2k": … }`) on one line when it fits, so a rewritten
 * table stays a table a person can read and diff.
 */

const LINE_WIDTH = 100;

const isPlain = (value: unknown) => value === null || typeof value !== "object";

/** Plain values, or objects of plain values: what may share one line. */
const isShallow = (value: unknown): boolean =>
  isPlain(value) ||
  (typeof value === "object" && value !== null && Object.values(value).every(isPlain));

function format(value: unknown, indent: string): string {
  if (isPlain(value)) return JSON.stringify(value);
  const entries = Array.isArray(value)
    ? value.map((item) => [undefined, item] as const)
    : Object.entries(value as Record<string, unknown>);
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (entries.length === 0) return `${open}${close}`;
  const item = ([key, item]: readonly [string | undefined, unknown], inner: string) =>
    `${key === undefined ? "" : `${JSON.stringify(key)}: `}${format(item, inner)}`;
  if (entries.every(([, child]) => isShallow(child))) {
    const row = `${open} ${entries.map((entry) => item(entry, indent)).join(", ")} ${close}`;
    if (indent.length + row.length <= LINE_WIDTH) return row;
  }
  const inner = `${indent}  `;
  return `${open}\n${entries.map((entry) => inner + item(entry, inner)).join(",\n")}\n${indent}${close}`;
}

/**
 * A fixture as text, ending in a newline.
 *
 * @example formatFixture({ sizes: { "1:1": { "1k": "1024x1024" } } }) // '{ "sizes": { "1:1": { "1k": "1024x1024" } } }\n'
 */
export const formatFixture = (value: unknown) => `${format(value, "")}\n`;
