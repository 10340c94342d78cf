import { describe, expect, it } from "vitest";
import { IMAGE_PATH_PATTERN, imagePath, taskIdOfImageFile } from "./image-path.js";

const ID = "image_fd35ee52-2a98-44a6-b930-29a88ce9b8fd";

describe("the image path", () => {
  it("names the task it was built for, and fault rules match it", () => {
    const path = imagePath(ID);
    expect(path).toBe(`/images/${ID}.png`);
    expect(taskIdOfImageFile(path.slice("/images/".length))).toBe(ID);
    expect(IMAGE_PATH_PATTERN.test(path)).toBe(true);
  });

  it("names no task for a file that is not a PNG, and matches no deeper path", () => {
    expect(taskIdOfImageFile(`${ID}.jpg`)).toBeUndefined();
    expect(IMAGE_PATH_PATTERN.test(`/images/a/${ID}.png`)).toBe(false);
    expect(IMAGE_PATH_PATTERN.test(`/v1/result/${ID}`)).toBe(false);
  });
});
