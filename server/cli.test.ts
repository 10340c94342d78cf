import { once } from "node:events";
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { seedFixtures } from "../contract/fixtures.js";
import { imageInfo } from "../contract/image-size.js";
import { CreateImageResponse, TaskResult } from "../contract/schemas.js";
import { FakeOptions } from "./core/options.js";
import { FLAGS } from "./serve-flags.js";
import { ListenOptions } from "./start.js";
import { runCli as run } from "./test-support/cli-process.js";
import { statusOf } from "./test-support/fake-agent.js";

describe("image2-kit serve", () => {
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
    const inCodeOnly = ["selfCheck"];
    for (const option of [...Object.keys(FakeOptions.shape), ...Object.keys(ListenOptions.shape)]) {
      if (!inCodeOnly.includes(option)) expect(settable, `a flag for ${option}`).toContain(option);
    }
  });

  it("exits 2 naming each invalid value, flag or variable", async () => {
    const { exited, output } = run(["serve", "--port", "70000", "--profile", "slow"], {
      FAKE_FAILURE_RATE: "2",
    });
    expect(await exited).toBe(2);
    const { stderr, stdout } = output();
    expect(stdout).toBe("");
    expect(stderr).toContain(
      'invalid --port (or PORT): must be a port from 0 to 65535 (got "70000")',
    );
    expect(stderr).toContain("invalid --profile (or FAKE_PROFILE)");
    expect(stderr).toContain(
      'invalid --failure-rate (or FAKE_FAILURE_RATE): must be between 0 and 1 (got "2")',
    );
  });

  it("exits 2 on an unknown flag or command", async () => {
    expect(await run(["serve", "--colour", "red"]).exited).toBe(2);
    expect(await run(["launch"]).exited).toBe(2);
  });

  it("prints one line with its URL, takes its options from the environment, and serves", async () => {
    const fake = run(["serve", "--port", "0"], { FAKE_SEED: "from-env", FAKE_CLOCK: "manual" });
    const url = await fake.listening;
    expect(fake.output().stdout).toBe(`image2-kit fake listening on ${url}\n`);
    const health = (await (await fetch(`${url}/__fake/health`)).json()) as {
      seed: string;
      clock: { kind: string };
    };
    expect(health).toMatchObject({ seed: "from-env", clock: { kind: "manual" } });
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

  it("warns that the control API is reachable when not on loopback, unless it is off", async () => {
    const open = run(["serve", "--port", "0", "--host", "0.0.0.0"]);
    await open.listening;
    // stderr is its own pipe: the warning may arrive after the stdout line.
    const warning =
      open.output().stderr ||
      String((await once(open.child.stderr as NodeJS.ReadableStream, "data"))[0]);
    expect(warning).toContain("--no-control");
    const closed = run(["serve", "--port", "0", "--host", "0.0.0.0", "--no-control"]);
    const url = await closed.listening;
    expect((await fetch(`${url}/__fake/health`)).status).toBe(statusOf("route_not_found"));
    expect(closed.output().stderr).toBe("");
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
