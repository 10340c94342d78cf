/**
 * vitest and supertest are optional peer dependencies: only `image2-kit/testing` and the `contract`
 * command need them, and they must be the project's own copies (a second vitest in the tree makes
 * vitest fail to find its runner). When one is missing, the error names it, the versions that work
 * (read from package.json, their one owner) and the command that installs them.
 */
import { createRequire } from "node:module";

/** The optional peers, by name. */
export type Peer = "vitest" | "supertest";

const require = createRequire(import.meta.url);

function peerRange(peer: Peer): string {
  // The package resolves its own manifest by name, from dist/ or from a checkout alike.
  const manifest = require("image2-kit/package.json") as {
    peerDependencies?: Partial<Record<Peer, string>>;
  };
  const range = manifest.peerDependencies?.[peer];
  if (range === undefined) throw new Error(`${peer} is not a peer dependency of image2-kit`);
  return range;
}

/**
 * The peers that cannot be resolved from this package, that is from the project using it.
 *
 * @example missingPeers(["vitest", "supertest"]) // [] once both are installed
 */
export function missingPeers(peers: readonly Peer[]): Peer[] {
  return peers.filter((peer) => {
    try {
      require.resolve(`${peer}/package.json`);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * What to tell a user who lacks some peers: which, which versions, and how to install them.
 *
 * @example missingPeersMessage("image2-kit/testing", ["vitest"])
 */
export function missingPeersMessage(feature: string, peers: readonly Peer[]): string {
  const needs = peers.map((peer) => `${peer} (${peerRange(peer)})`).join(" and ");
  // The newest range that works: the last alternative of `^3.2.0 || ^4.0.0`.
  const install = peers.map((peer) => `${peer}@${peerRange(peer).split("||").at(-1)?.trim()}`);
  return (
    `${feature} needs ${needs}, optional peer ${peers.length > 1 ? "dependencies" : "dependency"} ` +
    `of image2-kit that this project does not have. Install: npm install --save-dev ${install.join(" ")}`
  );
}

/**
 * Whether an import failed because the package itself is not installed, rather than inside it.
 *
 * @example isMissingPackage(await import("vitest").catch((e) => e), "vitest")
 */
export function isMissingPackage(error: unknown, name: string): boolean {
  return (
    error instanceof Error &&
    (error as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" &&
    error.message.includes(`Cannot find package '${name}'`)
  );
}
