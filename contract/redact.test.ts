import { describe, expect, it } from "vitest";
import { createRedactor, MAX_VALUE_DEPTH, NESTED_TOO_DEEP, REDACTED } from "./redact.js";

const KEY = "sk-abc/XYZ+1=";

/** The ways a target was seen, or could be expected, to echo a key back, written out by hand. */
const ECHOES = {
  raw: "sk-abc/XYZ+1=",
  "JSON-escaped slash": "sk-abc\\/XYZ+1=",
  "plus as \\u002B": "sk-abc/XYZ\\u002B1=",
  "every character as \\uXXXX":
    "\\u0073\\u006b\\u002d\\u0061\\u0062\\u0063\\u002f\\u0058\\u0059\\u005a\\u002b\\u0031\\u003d",
  "percent-encoded": "sk-abc%2FXYZ%2B1%3D",
  "percent-encoded, lowercase": "sk-abc%2fXYZ%2b1%3d",
  "percent-encoded twice": "sk-abc%252FXYZ%252B1%253D",
  "HTML character references": "sk-abc&#47;XYZ&#x2B;1&#61;",
  base64: Buffer.from(KEY).toString("base64"),
  "base64 inside Basic credentials": Buffer.from(`user:${KEY}`).toString("base64"),
  base64url: Buffer.from(`x${KEY}`).toString("base64url"),
  "JSON-escaped twice (a JSON text inside a JSON string)": "sk-abc\\\\\\/XYZ+1=",
  "\\uXXXX escaped twice": "sk-abc/XYZ\\\\u002B1=",
  "percent-encoded three times": "sk-abc%25252FXYZ%25252B1%25253D",
  hex: Buffer.from(KEY).toString("hex"),
  "hex, uppercase": Buffer.from(KEY).toString("hex").toUpperCase(),
};

describe("redaction", () => {
  const redactor = createRedactor([KEY]);

  it.each(Object.entries(ECHOES))("removes a key echoed %s", (_, echo) => {
    const out = redactor.text(`{"msg": "bad key ${echo} given"}`);
    expect(out).toContain(REDACTED);
    for (const form of Object.values(ECHOES)) expect(out).not.toContain(form);
  });

  it("keeps JSON that carried an escaped key parseable", () => {
    const body = JSON.stringify({ msg: `Bearer ${KEY}`, code: 401 }).replace("/", "\\/");
    expect(JSON.parse(redactor.text(body))).toEqual({ msg: `Bearer ${REDACTED}`, code: 401 });
  });

  it("removes a key inside a JSON text that was itself put in a JSON string", () => {
    const inner = JSON.stringify({ authorization: `Bearer ${KEY}` }).replace("/", "\\/");
    const body = JSON.stringify({ msg: `request headers: ${inner}` });
    expect(redactor.text(body)).not.toMatch(/XYZ|abc/);
    expect(JSON.parse(redactor.text(body))).toEqual({
      msg: `request headers: {"authorization":"Bearer ${REDACTED}"}`,
    });
  });

  it("redacts an answer of a million backslashes without retrying each run from every position", () => {
    // Quadratic matching would take hours here; vitest's timeout is the guard, not a timing.
    const text = `${"\\".repeat(1_000_000)}${ECHOES.raw}`;
    expect(redactor.text(text).endsWith(REDACTED)).toBe(true);
  });

  it("redacts keys and values of nested values", () => {
    expect(redactor.value({ [KEY]: [`a ${KEY}`], n: 1 })).toEqual({
      [REDACTED]: [`a ${REDACTED}`],
      n: 1,
    });
  });

  it("cuts a value nested deeper than any answer of the API, so a hostile one cannot overflow the stack", () => {
    const deep = JSON.parse(`${"[".repeat(200_000)}"${KEY}"${"]".repeat(200_000)}`);
    const out = redactor.value(deep);
    const text = JSON.stringify(out);
    expect(text.startsWith(`${"[".repeat(MAX_VALUE_DEPTH)}"${NESTED_TOO_DEEP}"]`)).toBe(true);
    expect(text).not.toContain("XYZ");
    const shallow = { a: [[{ b: KEY }]] };
    expect(redactor.value(shallow)).toEqual({ a: [[{ b: REDACTED }]] });
  });

  it("redacts every secret it was given and leaves other text alone", () => {
    const both = createRedactor(["first-secret-1", undefined, "", "second-secret-2"]);
    expect(both.text("first-secret-1 second-secret-2 third")).toBe(`${REDACTED} ${REDACTED} third`);
    expect(createRedactor([]).text(KEY)).toBe(KEY);
  });
});
