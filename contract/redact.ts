/**
 * Redacting secrets (bearer keys, control tokens) from anything that may be printed, reported or
 * recorded. A target may echo a secret back in any encoding, so each character of a secret is
 * matched in every form it can take: itself, JSON-escaped (`\/`, `\u002B`), percent-encoded, or as
 * an HTML character reference; base64, base64url and hex forms of the whole secret too. Escapes
 * nest up to four levels and percent-encodings up to four times, since a target may echo a JSON
 * text (its request's headers, say) inside a JSON string, or an encoded URL inside another. The
 * bounds keep the match linear: an unbounded run of backslashes would be retried from every
 * position of a 4 MiB answer.
 */

/** What a redacted secret reads as. */
export const REDACTED = "[redacted]";

/**
 * How deep `value()` follows arrays and objects. The API's answers nest three levels; a target
 * that answers `[[[…]]]` a million deep would otherwise overflow the stack of whoever reads it
 * (this walk, then JSON.stringify in a report), and end a run with no word on which request.
 */
export const MAX_VALUE_DEPTH = 64;

/** What stands where a value was nested deeper than MAX_VALUE_DEPTH. */
export const NESTED_TOO_DEEP = `[nested deeper than ${MAX_VALUE_DEPTH} levels]`;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");
const hex = (value: number, width: number) => value.toString(16).padStart(width, "0");

/** Every encoding of one character a target might echo, as a regular expression. */
function characterForms(char: string): string {
  const forms = [`\\\\{0,15}${escapeRegExp(char)}`];
  for (let i = 0; i < char.length; i += 1) {
    forms.push(`(?:\\\\){1,15}u${hex(char.charCodeAt(i), 4)}`);
  }
  const utf8 = [...new TextEncoder().encode(char)];
  forms.push(utf8.map((byte) => `%(?:25){0,3}${hex(byte, 2)}`).join(""));
  const codePoint = char.codePointAt(0) ?? 0;
  forms.push(`&#0*${codePoint};`, `&#x0*${hex(codePoint, 1)};`);
  if (char === " ") forms.push("\\+");
  return `(?:${forms.join("|")})`;
}

/**
 * The base64 runs that only the secret's own bytes decide, at each of the three alignments it can
 * have inside a longer base64 text (an echoed `Authorization: Basic …`, a token, a data URL).
 */
function base64Forms(secret: string): string[] {
  const bytes = new TextEncoder().encode(secret);
  const forms: string[] = [];
  for (let offset = 0; offset < 3; offset += 1) {
    const padded = new Uint8Array(offset + bytes.length);
    padded.set(bytes, offset);
    const encoded = Buffer.from(padded).toString("base64");
    const core = encoded.slice(
      Math.ceil((8 * offset) / 6),
      Math.floor((8 * (offset + bytes.length)) / 6),
    );
    // Shorter runs would match unrelated base64 text by chance.
    if (core.length >= 8) forms.push(core, core.replaceAll("+", "-").replaceAll("/", "_"));
  }
  return forms;
}

export interface Redactor {
  /** The text with every encoding of every secret replaced by `[redacted]`. */
  text(text: string): string;
  /** A JSON-like value with every string in it (keys included) redacted, cut at MAX_VALUE_DEPTH. */
  value<T>(value: T): T;
}

/**
 * A redactor for these secrets; empty ones are ignored.
 *
 * @example createRedactor(["sk-abc/XYZ+1="]).text('{"echo":"sk-abc\\/XYZ\\u002B1="}') // '{"echo":"[redacted]"}'
 */
export function createRedactor(secrets: readonly (string | undefined)[]): Redactor {
  const patterns = secrets
    .filter((secret): secret is string => typeof secret === "string" && secret.length > 0)
    .flatMap((secret) => [
      [...secret].map(characterForms).join(""),
      ...base64Forms(secret).map(escapeRegExp),
      Buffer.from(secret).toString("hex"),
    ]);
  const pattern =
    patterns.length === 0
      ? undefined
      : new RegExp(
          patterns
            .sort((a, b) => b.length - a.length)
            .map((p) => `(?:${p})`)
            .join("|"),
          "gi",
        );
  const text = (input: string) => (pattern ? input.replace(pattern, REDACTED) : input);
  const walk = (input: unknown, depth: number): unknown => {
    if (typeof input === "string") return text(input);
    if (typeof input !== "object" || input === null) return input;
    if (depth === MAX_VALUE_DEPTH) return NESTED_TOO_DEEP;
    if (Array.isArray(input)) return input.map((item) => walk(item, depth + 1));
    return Object.fromEntries(
      Object.entries(input).map(([key, item]) => [text(key), walk(item, depth + 1)]),
    );
  };
  return { text, value: <T>(input: T) => walk(input, 0) as T };
}
