import { describe, expect, it } from "vitest";
import { IMAGE_PATH_PATTERN, imageNameOfFile, imagePath } from "./image-path.js";

const NAME = "fd35ee52-2a98-44a6-b930-29a88ce9b8fd";

describe("the image path", () => {
  it("names the image it was built for, and fault rules match it", () => {
    const path = imagePath(NAME);
    expect(path).toBe(`/images/${NAME}.png`);
    expect(imageNameOfFile(path.slice("/images/".length))).toBe(NAME);
    expect(IMAGE_PATH_PATTERN.test(path)).toBe(true);
  });

  it("names no image for a file that is not a PNG, and matches no deeper path", () => {
    expect(imageNameOfFile(`${NAME}.jpg`)).toBeUndefined();
    expect(IMAGE_PATH_PATTERN.test(`/images/a/${NAME}.png`)).toBe(false);
    expect(IMAGE_PATH_PATTERN.test(`/v1/result/image_${NAME}`)).toBe(false);
  });
});
