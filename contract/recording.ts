/**
 * Recordings of exchanges with a server: the contract suite writes one file per exchange
 * (CONTRACT_RECORD_DIR), `npm run fixtures:import` reads them. The one owner of that shape and of
 * how a recording reaches the disk, secrets redacted.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { z } from "zod";
import type { ImageInfo } from "./image-size.js";
import { REDACTED, type Redactor } from "./redact.js";

/**
 * An image as a recording holds it: never its bytes, only what the fake can learn from them.
 *
 * @example RecordedImage.parse(recording.response.body).image.width // 1024
 */
export const RecordedImage = z.object({
  image: z.object({
    contentType: z.string().nullable(),
    /** How many bytes the answer's body held (or were read of it, up to a cap). */
    bytes: z.int().min(0),
    format: z.enum(["png", "jpeg", "webp", "gif"]).optional(),
    width: z.int().min(1).optional(),
    height: z.int().min(1).optional(),
  }),
});
export type RecordedImage = z.infer<typeof RecordedImage>;

/**
 * The recorded body of an image answer.
 *
 * @example recordedImage("image/png", 5120, imageInfo(bytes)) // { image: { contentType: "image/png", bytes: 5120, format: "png", … } }
 */
export const recordedImage = (
  contentType: string | null,
  bytes: number,
  info: ImageInfo | undefined,
): RecordedImage => ({ image: { contentType, bytes, ...info } });

/** One exchange as written to a recording folder, secrets redacted. */
export const Recording = z.object({
  seq: z.int().min(1),
  /** What the exchange was about: `create`, `result`, `image`, or an error kind it probed. */
  label: z.string(),
  request: z.object({
    method: z.string(),
    url: z.string(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown().optional(),
  }),
  response: z.object({
    status: z.int(),
    headers: z.record(z.string(), z.string()),
    body: z.unknown(),
  }),
  durationMs: z.number().min(0),
  /**
   * When the request was sent, on the target's clock (ISO 8601): what fixtures:import times tasks
   * by. Recordings made before it existed lack it, and teach no timings.
   */
  at: z.iso.datetime().optional(),
});
export type Recording = z.infer<typeof Recording>;

/**
 * Writes one recording as `<seq>-<label>.json` in `dir`, every secret redacted; returns its path.
 *
 * @example await writeRecording("reports/recordings", recording, createRedactor([apiKey]))
 */
export async function writeRecording(
  dir: string,
  recording: Recording,
  redactor: Redactor,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const label = recording.label.replace(/[^a-z0-9_-]+/gi, "-");
  const file = join(dir, `${String(recording.seq).padStart(4, "0")}-${label}.json`);
  const redacted = redactor.value(recording);
  // Whatever credential the exchange carried, even one the redactor was not told about.
  const text = JSON.stringify(redacted, null, 2).replace(
    /(Bearer\s+)([^"\\\s]+)/gi,
    (_, prefix: string) => `${prefix}${REDACTED}`,
  );
  await writeFile(file, `${text}\n`);
  return file;
}
