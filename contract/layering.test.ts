import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const CONTRACT = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(CONTRACT, "..");

async function sources(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((entry) =>
      entry.isDirectory() ? sources(join(dir, entry.name)) : [join(dir, entry.name)],
    ),
  );
  return nested.flat().filter((file) => file.endsWith(".ts"));
}

describe("layers", () => {
  it("keeps contract/ free of any import of server/, the suite included", async () => {
    const offending: string[] = [];
    for (const file of await sources(CONTRACT)) {
      const text = await readFile(file, "utf8");
      for (const [, specifier] of text.matchAll(/(?:from|import\()\s*["']([^"']+)["']/g)) {
        if (!specifier?.startsWith(".")) continue;
        const target = relative(ROOT, join(file, "..", specifier));
        if (target.startsWith("server")) offending.push(`${relative(ROOT, file)} → ${specifier}`);
      }
    }
    expect(offending).toEqual([]);
  });
});
