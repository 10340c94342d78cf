import { createRandom } from "../core/random.js";
import { encodeBandedPng } from "./png.js";

export interface PictureSpec {
  readonly width: number;
  readonly height: number;
  /** What makes the picture: for a task, its image name (its facts sealed with the seed). */
  readonly seed: string;
}

type Rgb = readonly [number, number, number];

function hslToRgb(hue: number, saturation: number, lightness: number): Rgb {
  const k = (n: number) => (n + hue / 30) % 12;
  const a = saturation * Math.min(lightness, 1 - lightness);
  const f = (n: number) => lightness - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

/**
 * A picture for a task: a mirrored grid of coloured cells drawn from its seed, so two tasks get
 * visibly different images of exactly the requested size.
 */
export function renderPicture({ width, height, seed }: PictureSpec): Buffer {
  const random = createRandom(seed);
  const hue = random.next() * 360;
  const palette: Rgb[] = [
    hslToRgb(hue, 0.25, 0.92),
    hslToRgb(hue, 0.7, 0.55),
    hslToRgb((hue + 150) % 360, 0.65, 0.45),
    hslToRgb((hue + 210) % 360, 0.6, 0.3),
  ];
  const columns = 8;
  const bands = Math.max(1, Math.round((columns * height) / width));
  const bandHeight = Math.ceil(height / bands);
  const cells = Array.from({ length: bands }, () =>
    Array.from({ length: columns / 2 }, () => Math.floor(random.next() * palette.length)),
  );
  const cellWidth = width / columns;
  return encodeBandedPng({
    width,
    height,
    palette,
    bandHeight,
    rowOf(band) {
      const row = new Uint8Array(width);
      const half = cells[band] ?? [];
      for (let x = 0; x < width; x += 1) {
        const column = Math.min(columns - 1, Math.floor(x / cellWidth));
        const mirrored = column < columns / 2 ? column : columns - 1 - column;
        row[x] = half[mirrored] ?? 0;
      }
      return row;
    },
  });
}
