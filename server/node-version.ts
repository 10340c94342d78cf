/**
 * The Node versions image2-kit runs on, checked before anything that needs them is loaded: the
 * fake calls crypto.hash (Node 20.12) and zlib.crc32 (20.15), and vitest 4, which the package ships
 * for its test helpers and the contract command, runs on vite 8 (20.19, or 22.12 and later).
 * package.json's `engines` says the same; a test holds them together.
 */
export const SUPPORTED_NODE = "^20.19.0 || >=22.12.0";

type Version = readonly [number, number, number];

const versionOf = (text: string): Version => {
  const [major = 0, minor = 0, patch = 0] = text.replace(/^v/, "").split(".").map(Number);
  return [major, minor, patch];
};

const compare = (a: Version, b: Version) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

/** Whether a version meets one `^x.y.z` or `>=x.y.z` alternative of a range. */
function meets(version: Version, alternative: string): boolean {
  const caret = /^\^(\S+)$/.exec(alternative);
  const atLeast = /^>=(\S+)$/.exec(alternative);
  const floor = versionOf(caret?.[1] ?? atLeast?.[1] ?? "");
  if (caret) return version[0] === floor[0] && compare(version, floor) >= 0;
  return atLeast !== null && compare(version, floor) >= 0;
}

/**
 * Why this Node cannot run image2-kit, or undefined when it can.
 *
 * @example nodeVersionProblem("20.11.1") // "image2-kit needs Node ^20.19.0 || >=22.12.0; this is …"
 */
export function nodeVersionProblem(version: string): string | undefined {
  const parsed = versionOf(version);
  if (SUPPORTED_NODE.split("||").some((alternative) => meets(parsed, alternative.trim()))) {
    return undefined;
  }
  return `image2-kit needs Node ${SUPPORTED_NODE}; this is Node ${version}, which lacks what it uses (crypto.hash, zlib.crc32, and vite 8 under vitest). Install a newer Node, for example the latest 22 LTS.`;
}
