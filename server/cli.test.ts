import { readFile } from "node:fs/promises";
import { createServer } from "node:net";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { seedFixtures } from "../contract/fixtures.js";
import { imageInfo } from "../contract/image-size.js";
import { CreateImageResponse, TaskResult } from "../contract/schemas.js";
import { runProcess } from "../scripts/process.js";
import { FakeOptions } from "./core/options.js";
import { MAX_DURATION_MS } from "./core/task-id.js";
import { SUPPORTED_NODE } from "./node-version.js";
import { FLAGS } from "./serve-flags.js";
import { ListenOptions } from "./start.js";
import { runCli as run } from "./test-support/cli-process.js";
import { statusOf } from "./test-support/fake-agent.js";

const BIN = fileURLToPath(new URL("../dist/server/bin.js", import.meta.url));
const CLI_MODULE = fileURLToPath(new URL("../dist/server/cli.js", import.meta.url));

// Each test runs the CLI as a process or several: sized for a loaded 2-core machine.
describe("image2-kit serve", { timeout: 20_000 }, () => {
  it("documents every flag and its environment variable in --help", async () => {
    const { exited, output } = run(["serve", "--help"]);
    expect(await exited).toBe(0);
    const lines = output().stdout.split("\n");
    // Each flag on its own line, with its variable: the table is what the parser reads too.
    for (const flag of FLAGS) {
      const line = lines.find((candidate) => candidate.trimStart().startsWith(`--${flag.name} `));
      expect(line, `--${flag.name} in --help`).toBeDefined();
      expect(line).toContain(`[${flag.env}]`);
    }
    // Every option the fake takes has a flag, so nothing is settable only in code by accident.
    const settable = new Set(FLAGS.map((flag) => flag.option));
    // bindHost is --host, which start() passes on to the control API's Host check.
    // logTo is where code sends the request lines; the CLI's go to stdout.
    const inCodeOnly = ["selfCheck", "bindHost", "logTo"];
    for (const option of [...Object.keys(FakeOptions.shape), ...Object.keys(ListenOptions.shape)]) {
      if (!inCodeOnly.includes(option)) expect(settable, `a flag for ${option}`).toContain(option);
    }
  });

  it("exits 2 naming each invalid value, where it came from, and the rule it breaks", async () => {
    const { exited, output } = run(
      ["serve", "--port", "70000", "--profile", "slow", "--max-tasks", "0", "--queued-ms", "1e3"],
      { FAKE_FAILURE_RATE: "2", FAKE_JOURNAL_SIZE: "" },
    );
    expect(await exited).toBe(2);
    const { stderr, stdout } = output();
    expect(stdout).toBe("");
    expect(stderr.split("\n")).toEqual(
      expect.arrayContaining([
        'image2-kit: --profile must be realistic, fast or instant (got "slow")',
        `--queued-ms must be a whole number of ms from 0 to ${MAX_DURATION_MS} (got "1e3")`,
        'FAKE_FAILURE_RATE must be a number from 0 to 1 (got "2")',
        '--max-tasks must be a whole number of at least 1 (got "0")',
        'FAKE_JOURNAL_SIZE must be a whole number of at least 1 (got "")',
        '--port must be a whole number from 0 to 65535 (got "70000")',
      ]),
    );
  });

  it("never prints a secret it refuses: API keys and the control token", async () => {
    const secret = "sk-live-SECRET123";
    const refused = [
      run(["serve", "--port", "0"], { FAKE_API_KEYS: `${secret},` }),
      run(["serve", "--port", "0", "--api-key", `${secret} x`]),
      run(["serve", "--port", "0", "--control-token", `${secret} x`]),
    ];
    expect(await Promise.all(refused.map((child) => child.exited))).toEqual([2, 2, 2]);
    const [keys, , token] = refused.map((child) => child.output().stderr);
    expect(keys).toContain(
      "FAKE_API_KEYS (item 2) must not be empty (a trailing or doubled comma?)",
    );
    expect(token).toContain("--control-token must be 16 to 1024 visible ASCII");
    for (const { output } of refused) {
      const { stdout, stderr } = output();
      expect(stdout + stderr).not.toContain("SECRET123");
    }
  });

  it("exits 2 on an unknown flag, command or none, saying where the help is", async () => {
    const flag = run(["serve", "--colour", "red"]);
    const command = run(["launch"]);
    const none = run([]);
    expect(await Promise.all([flag.exited, command.exited, none.exited])).toEqual([2, 2, 2]);
    expect(flag.output().stderr).toMatch(/\nRun 'image2-kit serve --help' for the flags\.\n$/);
    // An unknown command has no flags to point at: its error names `help`, and only that.
    expect(command.output().stderr).toBe(
      "image2-kit: unknown command 'launch'; try 'image2-kit help'\n",
    );
    // No command at all is a mistake too: the usage goes to stderr.
    expect(none.output()).toMatchObject({ stdout: "" });
    expect(none.output().stderr).toMatch(/^Usage: image2-kit <command>\n/);
  });

  it("prints its URL first, then where the docs and the inspector are, and takes its options from the environment", async () => {
    const fake = run(["serve", "--port", "0"], { FAKE_SEED: "from-env", FAKE_CLOCK: "manual" });
    const url = await fake.listening;
    expect(fake.output().stdout).toBe(
      [
        `image2-kit fake listening on ${url}`,
        `  base URL:  ${url}/kyyReactApiServer (the API answers at the root too)`,
        `  docs:      ${url}/docs`,
        `  inspector: ${url}/__fake/ui`,
        "",
      ].join("\n"),
    );
    const health = (await (await fetch(`${url}/__fake/health`)).json()) as {
      seed: string;
      clock: { kind: string };
    };
    expect(health).toMatchObject({ seed: "from-env", clock: { kind: "manual" } });
  });

  it("serves every page and document of the built CLI, each loaded at its first request", async () => {
    const fake = run(["serve", "--port", "0"]);
    const url = await fake.listening;
    try {
      for (const [path, type] of [
        ["/", "text/html"],
        ["/docs", "text/html"],
        ["/docs/assets/swagger-ui-bundle.js", "text/javascript"],
        ["/openapi.json", "application/json"],
        ["/openapi.yaml", "application/yaml"],
        ["/__fake/ui", "text/html"],
        ["/__fake/openapi.json", "application/json"],
      ] as const) {
        const res = await fetch(`${url}${path}`);
        expect(`${path} ${res.status} ${res.headers.get("content-type")}`).toMatch(
          new RegExp(`^${path} 200 ${type}`),
        );
        await res.arrayBuffer();
      }
    } finally {
      await fake.stop();
    }
  });

  it("logs one line per request as JSON with FAKE_LOG=json, never the key or the prompt", async () => {
    const key = "sk-cli-log-5e2a9c";
    const fake = run(["serve", "--port", "0", "--clock", "manual"], { FAKE_LOG: "json" });
    const url = await fake.listening;
    const created = (await (
      await fetch(`${url}/v1/image2/images`, {
        method: "POST",
        headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json" },
        body: JSON.stringify({ model: "gpt-image-2", prompt: "a prompt nobody may read" }),
      })
    ).json()) as { id: string };
    await expect
      .poll(() =>
        fake
          .output()
          .stdout.split("\n")
          .filter((line) => line.startsWith("{")),
      )
      .toHaveLength(1);
    const [line = ""] = fake
      .output()
      .stdout.split("\n")
      .filter((text) => text.startsWith("{"));
    expect(JSON.parse(line)).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      method: "POST",
      path: "/v1/image2/images",
      status: 200,
      ms: expect.any(Number),
      route: "createImageTask",
      taskId: created.id,
      taskStatus: "queued",
      keyId: expect.stringMatching(/^key_[0-9a-f]{12}$/),
    });
    expect(fake.output().stdout).not.toMatch(/sk-cli-log|nobody may read/);
  });

  it("prints its version, and refuses a log format it does not have", async () => {
    const { version } = JSON.parse(
      await readFile(new URL("../package.json", import.meta.url), "utf8"),
    ) as { version: string };
    const printed = [run(["--version"]), run(["serve", "--version"])];
    expect(await Promise.all(printed.map((child) => child.exited))).toEqual([0, 0]);
    for (const child of printed) expect(child.output().stdout).toBe(`${version}\n`);
    const bad = run(["serve", "--log", "loud"]);
    expect(await bad.exited).toBe(2);
    expect(bad.output().stderr).toContain('--log must be pretty, json or off (got "loud")');
  });

  it("answers the provider's own curl example with a queued task that completes and whose image downloads", async () => {
    const fake = run(["serve", "--port", "0", "--clock", "manual"]);
    const url = await fake.listening;
    const headers = { Authorization: "Bearer {{key}}", "Content-Type": "application/json" };
    const created = (await (
      await fetch(`${url}/kyyReactApiServer/v1/image2/images`, {
        method: "POST",
        headers,
        body: JSON.stringify(seedFixtures.createRequest),
      })
    ).json()) as { id: string; status: string };
    expect(CreateImageResponse.parse(created).status).toBe("queued");
    await fetch(`${url}/__fake/clock`, {
      method: "POST",
      headers,
      body: JSON.stringify({ advanceMs: 3_600_000 }),
    });
    const result = TaskResult.parse(
      await (await fetch(`${url}/kyyReactApiServer/v1/result/${created.id}`, { headers })).json(),
    );
    if (result.status !== "completed") throw new Error(`expected completed, got ${result.status}`);
    const image = await fetch(result.image_url);
    expect(imageInfo(new Uint8Array(await image.arrayBuffer()))).toEqual({
      format: "png",
      width: 2048,
      height: 1152,
    });
  });

  it("exits 1 with a clear message when its port is taken", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as { port: number };
    try {
      const fake = run(["serve", "--port", String(port)]);
      expect(await fake.exited).toBe(1);
      expect(fake.output().stderr).toContain(`Port ${port} is in use`);
    } finally {
      blocker.close();
    }
  });

  it("refuses to open the control API off loopback without a token, saying what to pass", async () => {
    const open = run(["serve", "--port", "0", "--host", "0.0.0.0"]);
    expect(await open.exited).toBe(2);
    expect(open.output().stderr).toMatch(/--control-token TOKEN .* or --no-control/);
    const closed = run(["serve", "--port", "0", "--host", "0.0.0.0", "--no-control"]);
    const url = await closed.listening;
    expect((await fetch(`${url}/__fake/health`)).status).toBe(statusOf("route_not_found"));
    expect(closed.output().stderr).toBe("");
  });

  it("serves the control API off loopback with a token, only to requests that carry it", async () => {
    const token = "ctl-0f1e2d3c4b5a6978";
    const fake = run(["serve", "--port", "0", "--host", "0.0.0.0"], { FAKE_CONTROL_TOKEN: token });
    const { port } = new URL(await fake.listening);
    const health = `http://127.0.0.1:${port}/__fake/health`;
    expect((await fetch(health)).status).toBe(401);
    const ok = await fetch(health, { headers: { Authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    expect(fake.output().stdout + fake.output().stderr).not.toContain(token);
  });

  it("says which Node it needs, on an older one, before loading anything that would fail", async () => {
    const pretend = fileURLToPath(new URL("./test-support/pretend-old-node.mjs", import.meta.url));
    const fake = runProcess(process.execPath, ["--import", pretend, BIN, "serve", "--port", "0"]);
    expect(await fake.exited).toBe(1);
    expect(fake.output().stderr).toBe(
      `image2-kit needs Node ${SUPPORTED_NODE}; this is Node 20.11.1, which lacks what it uses (crypto.hash, zlib.crc32, and vite 8 under vitest). Install a newer Node, for example the latest 22 LTS.\n`,
    );
    // The same pretence breaks the CLI module itself: the check above is what stands before it.
    const unguarded = runProcess(process.execPath, ["--import", pretend, CLI_MODULE, "serve"]);
    expect(await unguarded.exited).toBe(1);
    expect(unguarded.output().stderr).toMatch(/does not provide an export named '(hash|crc32)'/);
  });

  it("stops cleanly on SIGTERM, letting an in-flight request finish", async () => {
    const fake = run(["serve", "--port", "0"]);
    const url = await fake.listening;
    await fetch(`${url}/__fake/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ action: { type: "latency", ms: 500 }, times: 1 }),
    });
    const inFlight = fetch(`${url}/v1/result/image_x`, { headers: { Authorization: "Bearer k" } });
    // In flight once the fault rule has been applied to it.
    for (;;) {
      const { faults } = (await (await fetch(`${url}/__fake/faults`)).json()) as {
        faults: unknown[];
      };
      if (faults.length === 0) break;
    }
    fake.child.kill("SIGTERM");
    expect((await inFlight).status).toBe(statusOf("task_not_found"));
    expect(await fake.exited).toBe(0);
  });
});
