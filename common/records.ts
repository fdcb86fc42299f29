import { z } from 'zod';

/**
 * The records the API answers with and receives, defined once: the API's OpenAPI schemas are these
 * objects, and the workflows' types are inferred from them (workflow code imports only the types,
 * so zod stays out of the workflow bundle).
 */

const count = z.number().int().min(0);

/** File totals of an album, and summed over the albums of a migration. */
export const FileTotals = z.object({
  /** Planned: every file with bytes to copy. */
  files: count,
  bytes: count,
  /**
   * Put in the bucket by this run, by whichever attempt: an attempt whose completion Temporal lost
   * (a server restart) copied them, and the attempt after it found them there.
   */
  copiedFiles: count,
  copiedBytes: count,
  /** Sent by the attempts that completed: what crossed the network in the end. */
  transferredFiles: count,
  transferredBytes: count,
  /** In the bucket before this run (sync): not copied again. copied + alreadyPresent = planned. */
  alreadyPresent: count,
  alreadyPresentBytes: count,
  /** Items SmugMug offers no bytes for (still processing, failed, no MD5). */
  unavailable: count,
  verified: count,
});
export type FileTotals = z.infer<typeof FileTotals>;

export const MigrationCounts = FileTotals.extend({ albumsTotal: count, albumsDone: count, albumsFailed: count });
export type MigrationCounts = z.infer<typeof MigrationCounts>;

export const DeletionCounts = z.object({
  enabled: z.boolean(),
  albumsApproved: count,
  albumsDeleted: count,
  albumsExpired: count,
  imagesDeleted: count,
  imagesAlreadyGone: count,
});
export type DeletionCounts = z.infer<typeof DeletionCounts>;

/** The protections `smugmug-s3 bucket check` looks at (bucket/bucket-checks.ts), each ok, missing, or unknown (this S3 would not tell). */
export const BUCKET_CHECKS = [
  'versioning',
  'encryption',
  'publicAccessBlock',
  'tlsOnlyPolicy',
  'abortIncompleteUploads',
  'cors',
] as const;
const BucketCheck = z.object({ status: z.enum(['ok', 'missing', 'unknown']), detail: z.string() });
export type BucketCheck = z.infer<typeof BucketCheck>;
export type BucketChecks = Record<(typeof BUCKET_CHECKS)[number], BucketCheck>;

/** What the preflight found of the target bucket; each protection ok, missing, or unknown (this S3 would not tell). */
export const BucketReport = z.object({
  bucket: z.string(),
  region: z.string(),
  versioning: z.enum(['Enabled', 'Suspended', 'Disabled', 'unknown']),
  encryption: z.string(),
  checks: z.object(
    Object.fromEntries(BUCKET_CHECKS.map((name) => [name, BucketCheck])) as Record<
      (typeof BUCKET_CHECKS)[number],
      typeof BucketCheck
    >,
  ),
});
export type BucketReport = z.infer<typeof BucketReport>;

/** An album run's progress, as its query answers. */
export const AlbumProgress = z.object({
  phase: z.enum(['planning', 'transferring', 'verifying', 'done']),
  files: count,
  bytes: count,
  doneFiles: count,
  doneBytes: count,
  /** The album's folder path and name as the photographer sees them (absent from runs started before it was kept). */
  path: z.array(z.string()).optional(),
});
export type AlbumProgress = z.infer<typeof AlbumProgress>;

const albumKey = z.string().regex(/^[A-Za-z0-9]{1,20}$/);

/** A person's approval of deleting originals, as the API receives it (the API adds its `approvalId`). */
export const ApprovalRequest = z.object({
  approvedBy: z.string().min(1).max(200),
  /** AlbumKeys, or "all" verified albums. */
  albums: z.union([z.literal('all'), z.array(albumKey).min(1)]),
  /** The digest of the report the approver read: an approval of another report is refused. */
  reportDigest: z.string().regex(/^[0-9a-f]{64}$/, 'the SHA-256 digest (64 hex digits) of the report you read'),
  /** List what would be deleted, delete nothing. */
  dryRun: z.boolean().default(false),
  /**
   * Held items (transcode-only videos, originals that do not open, items never copied) stay on
   * SmugMug unless named here: their ImageKeys, or "transcodes" for every transcode-only video.
   */
  includeHeld: z.union([z.literal('transcodes'), z.array(albumKey).min(1)]).optional(),
});
/** The approval as the migration workflow receives it. */
export type ApprovalRequest = z.output<typeof ApprovalRequest> & { approvalId: string };
