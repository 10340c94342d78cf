import { crc32, deflateSync } from "node:zlib";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const FILTER_NONE = 0;
const FILTER_UP = 2;

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "ascii");
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** An image made of horizontal bands: every pixel row of a band repeats the band's first row. */
export interface BandedImage {
  readonly width: number;
  readonly height: number;
  /** RGB triples, at most 256. */
  readonly palette: readonly (readonly [number, number, number])[];
  /** Band height in pixels. */
  readonly bandHeight: number;
  /** The palette index of each pixel of a band's row, for band `band`. */
  rowOf(band: number): Uint8Array;
}

/**
 * Encodes a banded image as an 8-bit palette PNG.
 *
 * Rows that repeat the row above are written with PNG's Up filter, which makes them all zeros:
 * deflate then takes milliseconds even for a 4K picture.
 */
export function encodeBandedPng(image: BandedImage): Buffer {
  const { width, height, palette, bandHeight } = image;
  const stride = width + 1;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y += 1) {
    const offset = y * stride;
    if (y % bandHeight === 0) {
      raw[offset] = FILTER_NONE;
      raw.set(image.rowOf(y / bandHeight), offset + 1);
    } else {
      raw[offset] = FILTER_UP;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 3; // colour type: palette
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("PLTE", Buffer.from(palette.flat())),
    chunk("IDAT", deflateSync(raw, { level: 1 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}
