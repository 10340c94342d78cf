import { describe, expect, it } from "vitest";
import { imageInfo } from "./image-size.js";

const png = (width: number, height: number) => {
  const bytes = Buffer.alloc(33);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(bytes);
  bytes.write("IHDR", 12, "ascii");
  bytes.writeUInt32BE(width, 16);
  bytes.writeUInt32BE(height, 20);
  return bytes;
};

// A JPEG whose size sits behind an APP0 segment, as in most real files.
const jpeg = (width: number, height: number) =>
  Buffer.concat([
    Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x00, 0x00]),
    Buffer.from([0xff, 0xc0, 0x00, 0x11, 0x08]),
    Buffer.from([height >> 8, height & 0xff, width >> 8, width & 0xff]),
    Buffer.alloc(12),
  ]);

const webpVp8x = (width: number, height: number) => {
  const bytes = Buffer.alloc(30);
  bytes.write("RIFF", 0, "ascii");
  bytes.write("WEBP", 8, "ascii");
  bytes.write("VP8X", 12, "ascii");
  bytes.writeUIntLE(width - 1, 24, 3);
  bytes.writeUIntLE(height - 1, 27, 3);
  return bytes;
};

describe("image info", () => {
  it.each([
    ["png", png(2048, 1152)],
    ["jpeg", jpeg(2048, 1152)],
    ["webp", webpVp8x(2048, 1152)],
  ] as const)("reads the size of a %s", (format, bytes) => {
    expect(imageInfo(bytes)).toEqual({ format, width: 2048, height: 1152 });
  });

  it("knows no image in text", () => {
    expect(imageInfo(Buffer.from('{"code":404,"msg":"gone"}'))).toBeUndefined();
  });
});
