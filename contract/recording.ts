import { z } from "zod";

/** One exchange as the suite writes it to CONTRACT_RECORD_DIR, bearer key redacted. */
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
});
export type Recording = z.infer<typeof Recording>;
