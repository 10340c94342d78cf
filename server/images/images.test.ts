import { describe, expect, it } from "vitest";
import { assumedPixelSizesFixture } from "../../contract/fixtures.js";
import { imageInfo } from "../../contract/image-size.js";
import { Ratio, Resolution, Size } from "../../contract/schemas.js";
import { start } from "../start.js";
import { AUTH, fakeWithAgent, requestFor } from "../test-support/fake-agent.js";

const DAY_MS = 24 * 60 * 60 * 1000;

async function completedImage(
  setup: ReturnType<typeof fakeWithAgent>,
  body: Record<string, unknown>,
) {
  const { id } = (await setup.create(requestFor("gpt-image-2", body))).body;
  setup.fake.advance(1000);
  const { image_url: imageUrl } = (await setup.result(id)).body as { image_url: string };
  return { id, path: new URL(imageUrl).pathname };
}

const download = async (setup: ReturnType<typeof fakeWithAgent>, path: string) =>
  setup.agent
    .get(path)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => done(null, Buffer.concat(chunks)));
    });

describe("images", () => {
  const setup = fakeWithAgent({ profile: "fast", publicUrl: "https://cdn.test" });

  it.each(Size.options)("serves a PNG of exactly %s for that size", async (size) => {
    const res = await download(setup, (await completedImage(setup, { size })).path);
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("image/png");
    const { width, height } = imageInfo(res.body) ?? {};
    expect(`${width}x${height}`).toBe(size);
  });

  const pairs = Ratio.options.flatMap((ratio) =>
    Resolution.options.flatMap((resolution) => {
      const size = assumedPixelSizesFixture.sizes[ratio][resolution];
      return size ? [[ratio, resolution, size] as const] : [];
    }),
  );
  it.each(pairs)(
    "serves ratio %s at %s as %s, the assumed table's size",
    async (ratio, resolution, size) => {
      const res = await download(setup, (await completedImage(setup, { ratio, resolution })).path);
      const { width, height } = imageInfo(res.body) ?? {};
      expect(`${width}x${height}`).toBe(size);
    },
  );

  it("lets size win over ratio and resolution", async () => {
    const res = await download(
      setup,
      (await completedImage(setup, { size: "1024x1536", ratio: "16:9", resolution: "4k" })).path,
    );
    expect(imageInfo(res.body)).toEqual({ format: "png", width: 1024, height: 1536 });
  });

  it("gives two tasks with the same request different pictures, and one task the same picture twice", async () => {
    const a = await completedImage(setup, { size: "1024x1024" });
    const b = await completedImage(setup, { size: "1024x1024" });
    const first = (await download(setup, a.path)).body as Buffer;
    expect(first.equals((await download(setup, b.path)).body as Buffer)).toBe(false);
    expect(first.equals((await download(setup, a.path)).body as Buffer)).toBe(true);
  });

  it("puts the public URL's origin in image_url, and an image name that is not the task id", async () => {
    const { id } = (await setup.create()).body;
    setup.fake.advance(1000);
    const imageUrl: string = (await setup.result(id)).body.image_url;
    expect(imageUrl).toMatch(
      /^https:\/\/cdn\.test\/images\/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.png$/,
    );
    // Anyone holding the URL may download the image, but cannot poll the task with it.
    expect(imageUrl).not.toContain(id.slice("image_".length));
  });

  it("serves nothing before the task completes, and nothing for a failed task", async () => {
    const { id } = (await setup.create()).body;
    expect((await setup.agent.get(`/images/${id}.png`)).status).toBe(404);
    const failed = (await setup.create(undefined, { "x-fake-outcome": "failed" })).body.id;
    setup.fake.advance(1000);
    expect((await setup.agent.get(`/images/${failed}.png`)).status).toBe(404);
  });

  it("expires an image 24 hours after its task completed", async () => {
    const { path } = await completedImage(setup, { size: "1024x1024" });
    // completedImage advanced 1000 ms; the fast profile finishes 250 ms after create.
    setup.fake.advance(DAY_MS - 1000 + 250 - 1);
    expect((await setup.agent.get(path)).status).toBe(200);
    setup.fake.advance(1);
    const expired = await setup.agent.get(path);
    expect(expired.status).toBe(404);
    expect(expired.body.message).toMatch(/expired/);
  });
});

describe("image_url over a real port", () => {
  it("uses the origin the request came to when no public URL is set", async () => {
    const running = await start({ port: 0, profile: "instant" });
    try {
      const headers = { ...AUTH, "Content-Type": "application/json" };
      const created = await fetch(`${running.url}/v1/image2/images`, {
        method: "POST",
        headers,
        body: JSON.stringify(requestFor("gpt-image-2")),
      }).then((res) => res.json() as Promise<{ id: string }>);
      const result = await fetch(`${running.url}/v1/result/${created.id}`, { headers }).then(
        (res) => res.json() as Promise<{ image_url: string }>,
      );
      expect(result.image_url.startsWith(`${running.url}/images/`)).toBe(true);
      const image = await fetch(result.image_url);
      expect(imageInfo(new Uint8Array(await image.arrayBuffer()))).toEqual({
        format: "png",
        width: 1024,
        height: 1024,
      });
    } finally {
      await running.close();
    }
  });
});
