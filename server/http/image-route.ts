/** The images behind `image_url`: a PNG of the task's exact size, until 24 hours after completion. */
import type { Context, Hono } from "hono";
import type { FakeState } from "../core/fake-state.js";
import { finishedAt, IMAGE_LIFETIME_MS, statusAt } from "../core/tasks.js";
import { IMAGE_ROUTE, imageNameOfFile } from "../images/image-path.js";
import { renderPicture } from "../images/picture.js";
import type { ApiLayer } from "./api-layer.js";
import type { FakeEnv } from "./fake-env.js";

/** An image's PNG, or why there is none. */
export type ImageLookup = { ok: true; png: Buffer } | { ok: false; reason: "missing" | "expired" };

export const EXPIRED_IMAGE =
  "This image has expired: images are kept 24 hours after their task completes";

/**
 * The PNG an image name stands for, now: only a completed task's, and only for 24 hours.
 *
 * @example const image = imageNamed(state, state.tasks.imageNameOf(task.facts), state.clock.now());
 */
export function imageNamed(state: FakeState, name: string | undefined, now: number): ImageLookup {
  const task = name === undefined ? undefined : state.tasks.findImage(name, now);
  if (name === undefined || !task?.pixels || statusAt(task, now) !== "completed") {
    return { ok: false, reason: "missing" };
  }
  if (now >= finishedAt(task) + IMAGE_LIFETIME_MS) {
    return { ok: false, reason: "expired" };
  }
  const { width, height } = task.pixels;
  // The name is the task's facts sealed with the seed: the same picture on every replica.
  const png = state.images.getOrRender(name, () => renderPicture({ width, height, seed: name }));
  return { ok: true, png };
}

/** A PNG answer. */
export const pngResponse = (c: Context<FakeEnv>, png: Buffer) =>
  c.body(new Uint8Array(png), 200, { "Content-Type": "image/png" });

export function serveImages(app: Hono<FakeEnv>, state: FakeState, layer: ApiLayer): void {
  app.get(
    IMAGE_ROUTE,
    layer((c, note) => {
      note.route = "image";
      const file = c.req.param("file") ?? "";
      const image = imageNamed(state, imageNameOfFile(file), state.clock.now());
      // Errors in JSON like every other answer of the fake, so clients parse one kind of error body.
      if (!image.ok) {
        return c.json(
          { message: image.reason === "expired" ? EXPIRED_IMAGE : `No image '${file}'` },
          404,
        );
      }
      return pngResponse(c, image.png);
    }),
  );
}
