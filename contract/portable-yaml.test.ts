import jsyaml from "js-yaml";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { isRetypedWhenPlain, toPortableYaml } from "./portable-yaml.js";

// Strings YAML 1.1 parsers (PyYAML, js-yaml 3) or YAML 1.2 parsers read as something else when
// they are written plain: base-60 numbers and times, booleans, nulls, octal, binary, hex,
// underscores, exponents, special floats, dates and timestamps, YAML 1.2 octal, merge and value.
const RETYPED = [
  "16:9",
  "1:1",
  "21:9",
  "12:30:00",
  "190:20:30.15",
  "yes",
  "No",
  "ON",
  "off",
  "y",
  "N",
  "true",
  "False",
  "null",
  "NULL",
  "~",
  "",
  "0644",
  "0b101",
  "-0b1",
  "0x1F",
  "0x_1",
  "1_000",
  "1_000.5",
  "1e3",
  "1.0",
  ".5",
  "+.5",
  "0.",
  "+1",
  "-1",
  ".inf",
  "-.Inf",
  ".NaN",
  "2002-12-14",
  "2001-12-14 21:59:43.10 -5",
  "2002-12-14t21:59:43.10-05:00",
  "0o17",
  "<<",
  "=",
];

// Strings every parser reads back as themselves: quoting them would only add noise.
const PLAIN = ["1k", "4k", "1024x1024", "gpt-image-2", "3.1.0", "image.generation", "low"];

describe("portable YAML", () => {
  it("knows js-yaml 3 retypes ratios written plain, as the issue reported", () => {
    expect(jsyaml.safeLoad("- 16:9\n- 1:1")).toEqual([969, 61]);
  });

  it.each(RETYPED)("quotes %j, and every parser reads it back as that string", (text) => {
    expect(isRetypedWhenPlain(text)).toBe(true);
    const yaml = toPortableYaml({ value: text, list: [text], [text || "empty"]: text });
    const expected = { value: text, list: [text], [text || "empty"]: text };
    expect(jsyaml.safeLoad(yaml)).toEqual(expected);
    expect(parse(yaml, { version: "1.1" })).toEqual(expected);
    expect(parse(yaml, { version: "1.2" })).toEqual(expected);
  });

  it.each(PLAIN)("leaves %j plain, since no parser retypes it", (text) => {
    expect(isRetypedWhenPlain(text)).toBe(false);
    expect(toPortableYaml([text])).toBe(`- ${text}\n`);
    expect(jsyaml.safeLoad(toPortableYaml([text]))).toEqual([text]);
  });

  it("keeps numbers, booleans and nulls typed", () => {
    const value = { n: 16, ok: true, none: null, text: "16" };
    expect(jsyaml.safeLoad(toPortableYaml(value))).toEqual(value);
  });
});
