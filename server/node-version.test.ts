import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { nodeVersionProblem, SUPPORTED_NODE } from "./node-version.js";

describe("the Node versions image2-kit runs on", () => {
  it("are what package.json's engines says", () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe(SUPPORTED_NODE);
  });

  it.each(["20.19.0", "20.20.2", "22.12.0", "22.21.1", "23.0.0", "24.11.0", "v26.1.0"])(
    "include %s",
    (version) => {
      expect(nodeVersionProblem(version)).toBeUndefined();
    },
  );

  it.each(["18.20.8", "20.11.1", "20.15.0", "20.18.3", "21.7.3", "22.11.0"])(
    "exclude %s, saying what is needed",
    (version) => {
      expect(nodeVersionProblem(version)).toBe(
        `image2-kit needs Node ^20.19.0 || >=22.12.0; this is Node ${version}, which lacks what it uses (crypto.hash, zlib.crc32, and vite 8 under vitest). Install a newer Node, for example the latest 22 LTS.`,
      );
    },
  );
});
