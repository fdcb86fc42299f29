import { z } from 'zod';
import { duration } from './migration-input';
import { BucketName } from './records';

/**
 * The archive after the move: which one (a bucket and the prefix its migrations wrote under),
 * shares of it, and restores out of the archive classes. Records defined once, here.
 */

export const ArchiveRef = z.object({
  bucket: BucketName,
  prefix: z
    .string()
    .max(200)
    .default('')
    .transform((p) => p.replace(/^\/+|\/+$/g, '')),
});
export type ArchiveRef = z.output<typeof ArchiveRef>;

/** An album of the archive, whole or only the images picked in it. */
export const AlbumSelection = z.object({
  albumKey: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'an AlbumKey'),
  imageKeys: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'an ImageKey'))
    .min(1)
    .max(5000)
    .optional(),
});
export type AlbumSelection = z.infer<typeof AlbumSelection>;

/** The longest a share link may live: what a presigned URL may, and a week is what people share for. */
export const SHARE_MAX_SECONDS = 7 * 24 * 3600;

export const CreateShareRequest = ArchiveRef.extend({
  albums: z.array(AlbumSelection).min(1).max(50),
  title: z.string().trim().max(200).optional(),
  /** How long the link works, at most 7 days. */
  expiresInSeconds: z.number().int().min(1).max(SHARE_MAX_SECONDS).default(SHARE_MAX_SECONDS),
});
export type CreateShareRequest = z.input<typeof CreateShareRequest>;

/** S3's restore tiers: Expedited (GLACIER only), Standard and Bulk. */
export const RestoreTier = z.enum(['Expedited', 'Standard', 'Bulk']);
export type RestoreTier = z.infer<typeof RestoreTier>;

/** What a person asks to restore out of an archive class: albums or a selection, the tier and for how long. */
export const ArchiveRestoreRequest = ArchiveRef.extend({
  albums: z.array(AlbumSelection).min(1).max(100),
  tier: RestoreTier.default('Bulk'),
  /** How many days S3 keeps the readable copies. */
  days: z.number().int().min(1).max(30).default(7),
  /** How often the workflow asks S3 whether the copies are ready; by the tier when not given. */
  checkEvery: duration.optional(),
});
export type ArchiveRestoreRequest = z.input<typeof ArchiveRestoreRequest>;

/** The restore workflow's input: the request with each album's manifest and name found, and its id. */
export const ArchiveRestoreInput = ArchiveRef.extend({
  restoreId: z.string(),
  albums: z.array(AlbumSelection.extend({ manifestKey: z.string(), name: z.string() })),
  tier: RestoreTier,
  days: z.number().int(),
  checkEvery: z.string(),
});
export type ArchiveRestoreInput = z.output<typeof ArchiveRestoreInput>;

/** One album's files as S3 last said: readable now, still being restored, or requested by this restore. */
export const AlbumRestoreState = z.object({
  albumKey: z.string(),
  name: z.string(),
  files: z.number().int(),
  /** Readable now: restored (until `expiresAt`), or never archived. */
  available: z.number().int(),
  /** A restore under way (this one's, or one asked before it). */
  ongoing: z.number().int(),
  /** Restore requests this restore sent (never one for a file already restored or under way). */
  requested: z.number().int(),
  /** The earliest expiry of the restored copies (ISO 8601). */
  expiresAt: z.string().optional(),
});
export type AlbumRestoreState = z.infer<typeof AlbumRestoreState>;

/** Where a restore stands (its run-state search attribute). */
export const RestorePhase = z.enum(['restoring', 'ready']);
export type RestorePhase = z.infer<typeof RestorePhase>;

export const RestoreProgress = z.object({
  restoreId: z.string(),
  bucket: z.string(),
  prefix: z.string(),
  tier: RestoreTier,
  phase: RestorePhase,
  albums: z.array(AlbumRestoreState),
  /** When S3 was last asked. */
  checkedAt: z.string().optional(),
});
export type RestoreProgress = z.infer<typeof RestoreProgress>;

/** The check interval by tier: Expedited is ready in minutes; the others in hours (HEADs cost little, but add up). */
export const checkEveryOf = (tier: RestoreTier) => (tier === 'Expedited' ? '1m' : '15m');
