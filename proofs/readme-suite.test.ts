/**
 * Proof that the README's contract suite commands pass as written, on a copy of the checkout as a
 * fresh clone has it (the tracked files, and the installed node_modules). The only change: the
 * fake listens on a free port (PORT, which the command leaves to the environment) instead of 4010,
 * which another process on a shared machine may hold.
 */
import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process";
import { once } from "node:events";
import { cp, mkdir, mkdtemp, readFile, rm, symlink } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "./suite-runner.js";

/** The shell commands of the first `sh` block of the README's suite section, continuations joined. */
async function readmeSuiteCommands(): Promise<string[]> {
  const readme = await readFile(join(ROOT, "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## The contract suite"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  return block
    .replace(/\\\n\s*/g, "")
    .split("\n")
    .map((line) => line.replace(/\s+#.*$/, "").trim())
    .filter((line) => line.length > 0);
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

function run(command: string, cwd: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(
      "bash",
      ["-c", command],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
    );
  });
}

let clone: string;
let fake: ChildProcess | undefined;
const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
delete env.VITEST;
delete env.NODE_ENV;

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), "image2-kit-clone-"));
  const files = execFileSync(
    "git",
    ["ls-files", "--cached", "--others", "--exclude-standard", "-z"],
    {
      cwd: ROOT,
      encoding: "utf8",
    },
  )
    .split("\0")
    .filter((file) => file.length > 0);
  for (const file of files) {
    await mkdir(dirname(join(clone, file)), { recursive: true });
    await cp(join(ROOT, file), join(clone, file)).catch(() => undefined); // deleted, not yet committed
  }
  await symlink(join(ROOT, "node_modules"), join(clone, "node_modules"));
});

afterAll(async () => {
  if (fake?.pid) process.kill(-fake.pid, "SIGTERM");
  await rm(clone, { recursive: true, force: true });
});

describe("the README's contract suite commands", () => {
  it("pass as written: in-process, and against the fake on a port, steering it", async () => {
    const commands = await readmeSuiteCommands();
    const production = commands.filter((c) => c.includes("zcbservice.aizfw.cn"));
    const local = commands.filter((c) => !production.includes(c));
    expect(production, "the production command needs a key; it is only listed").toHaveLength(1);
    const [inProcess, startFake, againstFake] = local;
    expect(inProcess).toBe("npm run contract");
    expect(startFake).toMatch(/^npm start -- /);
    expect(againstFake).toMatch(
      /^CONTRACT_BASE_URL=http:\/\/127\.0\.0\.1:4010\/kyyReactApiServer .*npm run contract$/,
    );

    const first = await run(inProcess ?? "", clone, env);
    expect(first.code, first.output.slice(-3000)).toBe(0);
    expect(first.output).toContain("[contract] passed");

    const port = await freePort();
    fake = spawn("bash", ["-c", startFake ?? ""], {
      cwd: clone,
      env: { ...env, PORT: String(port) },
      detached: true,
    });
    let log = "";
    fake.stdout?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
    });
    fake.stderr?.on("data", (chunk: Buffer) => {
      log += chunk.toString();
    });
    const deadline = Date.now() + 90_000;
    while (
      !log.includes("image2-kit fake listening on") &&
      Date.now() < deadline &&
      fake.exitCode === null
    ) {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(log).toContain(`image2-kit fake listening on http://127.0.0.1:${port}`);

    const second = await run((againstFake ?? "").replace(":4010/", `:${port}/`), clone, env);
    expect(second.code, second.output.slice(-3000)).toBe(0);
    expect(second.output).toContain("[contract] passed");
    // The fake on a port is steered through its control API: nothing is skipped for want of it.
    expect(second.output).not.toContain("needs the fake's control API");
    process.kill(-(fake.pid ?? 0), "SIGTERM");
    await once(fake, "exit");
    fake = undefined;
  }, 300_000);
});
