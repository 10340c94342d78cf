import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isMissingPackage, missingPeers, missingPeersMessage } from "./peer-dependencies.js";

const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

// The path without vitest is proved from the packed package, in an empty project: .ci/pack-check.
describe("optional peer dependencies", () => {
  it("are optional peers of the package, and not dependencies", () => {
    for (const peer of ["vitest", "supertest"]) {
      expect(manifest.peerDependenciesMeta[peer]).toEqual({ optional: true });
      expect(manifest.dependencies[peer]).toBeUndefined();
    }
  });

  it("finds both where the project has them", () => {
    expect(missingPeers(["vitest", "supertest"])).toEqual([]);
  });

  it("names what is missing, the versions that work and the command that installs them", () => {
    const message = missingPeersMessage("image2-kit contract", ["vitest", "supertest"]);
    expect(message).toContain(`vitest (${manifest.peerDependencies.vitest})`);
    expect(message).toContain(`supertest (${manifest.peerDependencies.supertest})`);
    expect(message).toMatch(
      /Install: npm install --save-dev vitest@\^4\.\d+\.\d+ supertest@\^7\.\d+\.\d+$/,
    );
  });

  it("tells a missing package from a failure inside one", async () => {
    const missing = await import("image2-kit-no-such-package" as string).catch((e) => e);
    expect(isMissingPackage(missing, "image2-kit-no-such-package")).toBe(true);
    expect(isMissingPackage(missing, "vitest")).toBe(false);
    expect(isMissingPackage(new Error("Cannot find package 'vitest'"), "vitest")).toBe(false);
  });
});
