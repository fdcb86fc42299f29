import { z } from 'zod';

/** One image of an album plan, as stored in the plan's batch objects in the bucket. */
export const PlanEntry = z.object({
  imageKey: z.string(),
  serial: z.number().int(),
  albumKey: z.string(),
  fileName: z.string(),
  key: z.string(),
  /** `original` is ArchivedUri; `largest-video` is SmugMug's transcode, for videos without an original. */
  source: z.enum(['original', 'largest-video']),
  url: z.string(),
  size: z.number().int().min(0),
  md5: z.string().regex(/^[0-9a-f]{32}$/),
  format: z.string(),
  isVideo: z.boolean(),
  present: z.boolean(),
  metadata: z.object({
    title: z.string(),
    caption: z.string(),
    keywords: z.array(z.string()),
    uploaded: z.string().optional(),
    captured: z.string().optional(),
    lastUpdated: z.string().optional(),
    latitude: z.number().optional(),
    longitude: z.number().optional(),
    altitude: z.number().optional(),
    origin: z.string().optional(),
    hidden: z.boolean(),
    webUri: z.string().optional(),
  }),
});
export type PlanEntry = z.infer<typeof PlanEntry>;

export const PlanBatch = z.object({ index: z.number().int(), entries: z.array(PlanEntry) });
export type PlanBatch = z.infer<typeof PlanBatch>;

/** An image with nothing to copy, and why. */
export const UnavailableEntry = z.object({ imageKey: z.string(), fileName: z.string(), reason: z.string() });
export type UnavailableEntry = z.infer<typeof UnavailableEntry>;

export const AlbumPlanRecord = z.object({
  album: z.object({ albumKey: z.string(), name: z.string(), path: z.array(z.string()), nodeId: z.string(), description: z.string().optional(), keywords: z.array(z.string()).optional(), webUri: z.string().optional(), lastUpdated: z.string().optional() }),
  albumFolderKey: z.string(),
  batches: z.number().int(),
  unavailable: z.array(UnavailableEntry),
});
export type AlbumPlanRecord = z.infer<typeof AlbumPlanRecord>;
