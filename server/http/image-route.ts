/** The images behind `image_url`: a PNG of the task's exact size, until 24 hours after completion. */
import type { Hono } from "hono";
import type { FakeState } from "../core/fake-state.js";
import { finishedAt, IMAGE_LIFETIME_MS, statusAt } from "../core/tasks.js";
import { IMAGE_ROUTE, imageNameOfFile } from "../images/image-path.js";
import { renderPicture } from "../images/picture.js";
import type { FakeEnv } from "./fake-env.js";

export function serveImages(app: Hono<FakeEnv>, state: FakeState): void {
  app.get(IMAGE_ROUTE, (c) => {
    const file = c.req.param("file");
    const name = imageNameOfFile(file);
    const now = state.clock.now();
    const task = name === undefined ? undefined : state.tasks.findImage(name, now);
    // Errors in JSON like every other answer of the fake, so clients parse one kind of error body.
    if (name === undefined || !task?.pixels || statusAt(task, now) !== "completed") {
      return c.json({ message: `No image '${file}'` }, 404);
    }
    if (now >= finishedAt(task) + IMAGE_LIFETIME_MS) {
      return c.json(
        { message: "This image has expired: images are kept 24 hours after their task completes" },
        404,
      );
    }
    const { width, height } = task.pixels;
    // The name is the task's facts sealed with the seed: the same picture on every replica.
    const png = state.images.getOrRender(name, () => renderPicture({ width, height, seed: name }));
    return c.body(new Uint8Array(png), 200, { "Content-Type": "image/png" });
  });
}
