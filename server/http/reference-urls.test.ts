/**
 * One rule for reference image URLs: the fake, the zod schema and the OpenAPI document (as a
 * validator such as Prism reads it, with formats checked) accept and reject the same URLs.
 */
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { HttpUrl } from "../../contract/http-url.js";
import { minimalRequest } from "../../contract/request-cases.js";
import { CreateImageRequest } from "../../contract/schemas.js";
import { fakeWithAgent } from "../test-support/fake-agent.js";

const DOCUMENT_ID = "https://image2-kit.test/openapi.json";
const document = JSON.parse(readFileSync(new URL("../../openapi.json", import.meta.url), "utf8"));
const ajv = new Ajv2020({ strict: false, allErrors: true });
// A CommonJS module: under NodeNext its default import is the module, whose `default` is the plugin.
ajvFormats.default(ajv);
ajv.addSchema(document, DOCUMENT_ID);
const specAccepts = ajv.compile({ $ref: `${DOCUMENT_ID}#/components/schemas/CreateImageRequest` });

const ACCEPTED = [
  "https://example.com/cat.png",
  "http://example.com",
  "HTTPS://EXAMPLE.COM/CAT.PNG",
  "http://127.0.0.1:4010/images/a.png",
  "http://[::1]:8080/a.png",
  "https://user:pa%20ss@example.com/a",
  "https://example.com/a%20b.png?size=2&sig=a~b-c_d.e#top",
  "https://example.com/path/with/(parens)/and;params=1,2",
  "https://xn--fsq.example/%E7%8C%AB.png",
];

const REJECTED = [
  "ftp://example.com/cat.png",
  "data:image/png;base64,iVBORw0KGgo=",
  "mailto:someone@example.com",
  "file:///etc/passwd",
  "//example.com/cat.png",
  "/images/cat.png",
  "cat.png",
  "http://",
  "http:///cat.png",
  "https://example.com/a b.png",
  " https://example.com/a.png",
  "https://example.com/a.png ",
  "https://example.com/\u732b.png",
  "https://example.com/a<b>.png",
  'https://example.com/"a".png',
  "https://example.com/a%zz.png",
  "https://example.com/a|b.png",
  "https://example.com/a\\b.png",
  "https://example.com/a.png#x#y",
  "https://exa mple.com/a.png",
  "http://example.com:80a/",
  "",
];

const bodyWith = (url: string) => ({ ...minimalRequest("gpt-image-2"), image_urls: [url] });

describe("reference image URLs", () => {
  const { create } = fakeWithAgent();

  it.each(ACCEPTED)("accepts %j in the spec, in zod and in the fake", async (url) => {
    expect(specAccepts(bodyWith(url)), JSON.stringify(specAccepts.errors)).toBe(true);
    expect(HttpUrl.safeParse(url).success).toBe(true);
    expect(CreateImageRequest.safeParse(bodyWith(url)).success).toBe(true);
    expect((await create(bodyWith(url))).status).toBe(200);
  });

  it.each(REJECTED)("rejects %j in the spec, in zod and in the fake", async (url) => {
    expect(specAccepts(bodyWith(url))).toBe(false);
    expect(HttpUrl.safeParse(url).success).toBe(false);
    const res = await create(bodyWith(url));
    expect(res.status).toBe(400);
    expect(res.body.issues).toEqual([
      expect.objectContaining({ path: "image_urls.0", message: expect.stringMatching(/http/) }),
    ]);
  });

  it("answers a long URL without a space in linear time (no backtracking blow-up)", () => {
    const long = `https://${"a".repeat(200_000)}`;
    expect(HttpUrl.safeParse(long).success).toBe(true);
    expect(HttpUrl.safeParse(`${long} `).success).toBe(false);
    expect(HttpUrl.safeParse(`https://${"a:".repeat(100_000)}`).success).toBe(false);
  });
});
