import { type Duration, msToNumber } from '@temporalio/common';
import { z } from 'zod';
import { BucketName, Nickname, ReplicaName } from './records';

/** The longest duration accepted anywhere (an approval window, an interval): beyond it is a typo. */
const MAX_DURATION_MS = 10 * 365 * 24 * 3600 * 1000;

/** A duration as Temporal reads it: "90s", "15 minutes", "7 days" (spaces only between number and unit, as Temporal's parser). */
export const duration = z
  .string()
  .regex(
    /^\d+(\.\d+)? *(ms|s|m|h|d|seconds?|minutes?|hours?|days?)$/,
    'a duration such as "90s", "2 hours" or "7 days"',
  )
  .refine((d) => {
    try {
      const ms = msToNumber(d as Duration);
      return ms > 0 && ms <= MAX_DURATION_MS;
    } catch {
      return false;
    }
  }, 'a duration longer than 0 and at most 10 years');

function checkPrefix(prefix: string, ctx: z.RefinementCtx): void {
  if (/[\u0000-\u001f\u007f]/.test(prefix))
    ctx.addIssue({ code: 'custom', message: 'a prefix cannot hold control characters (tabs, new lines…)' });
  if (prefix === '') return;
  const segments = prefix.split('/');
  if (segments.includes(''))
    ctx.addIssue({
      code: 'custom',
      message: `"${prefix}" has an empty folder name (a leading "/" or "//"): write folder names joined by single "/"`,
    });
  const dots = segments.filter((s) => s === '.' || s === '..');
  if (dots.length > 0)
    ctx.addIssue({
      code: 'custom',
      message: `"${prefix}" holds "${dots[0]}": a prefix names folders, and "." or ".." would make keys that escape them`,
    });
}

/**
 * S3 Object Lock retention: GOVERNANCE (only someone granted s3:BypassGovernanceRetention may
 * shorten or remove it; the service never does) or COMPLIANCE (no one can, the root account
 * included, until it ends), for a period in days or years, as S3's default retention takes it.
 */
export const ObjectLockRetention = z
  .object({
    mode: z.enum(['GOVERNANCE', 'COMPLIANCE']),
    days: z.number().int().min(1).max(36500).optional(),
    years: z.number().int().min(1).max(100).optional(),
  })
  .refine(
    (r) => (r.days === undefined) !== (r.years === undefined),
    'a retention period in days or in years (one of them)',
  );
export type ObjectLockRetention = z.infer<typeof ObjectLockRetention>;

/** The storage classes a copy may be written in. */
export const StorageClassName = z.enum([
  'STANDARD',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
]);

/**
 * A second copy of every original, in another bucket (another region, another provider) under the
 * same keys. `copy`: the worker writes it from the same bytes it read from SmugMug once, and
 * verifies it as the first; `replication`: the primary bucket's own S3 replication writes it, and
 * verification waits for each object's replication status COMPLETED and checks the replica's
 * checksum. Its endpoint and credentials are the worker's, named by `connection` (S3_REPLICAS).
 */
export const ReplicaTarget = z.object({
  connection: ReplicaName,
  bucket: BucketName,
  storageClass: StorageClassName.optional(),
  by: z.enum(['copy', 'replication']).default('copy'),
});
export type ReplicaTarget = z.output<typeof ReplicaTarget>;

/** What a person asks for when starting a migration: validated where it enters (API, CLI, demo). */
export const MigrationInput = z.object({
  /** Short id of this migration; with the account it makes the workflow id `migrate-<account>-<id>`. */
  migrationId: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, at most 40'),
  /** The SmugMug nickname whose library is migrated; the worker's token must belong to it. */
  account: Nickname,
  target: z.object({
    bucket: BucketName,
    /**
     * Key prefix for everything this migration writes: folder names joined by "/". One trailing
     * "/" is dropped and names are NFC-normalised, as object keys are; nothing else is rewritten.
     * Empty segments (a leading "/", "a//b"), "." and ".." (keys that would escape a folder when
     * the bucket is synced to disk) and control characters are refused.
     */
    prefix: z
      .string()
      .max(200)
      .default('')
      .transform((p) => p.normalize('NFC').replace(/\/$/, ''))
      .superRefine(checkPrefix),
    storageClass: StorageClassName.optional(),
    sse: z
      .discriminatedUnion('type', [
        z.object({ type: z.literal('AES256') }),
        z.object({ type: z.literal('aws:kms'), kmsKeyId: z.string().min(1).optional() }),
      ])
      .optional(),
    tags: z
      .record(z.string().max(128), z.string().max(256))
      .default({})
      .refine((t) => Object.keys(t).length <= 8, "at most 8 tags (S3 allows 10; 2 are the service's)"),
    /**
     * Object Lock retention set on every copied original at upload (the bucket must have Object
     * Lock); without it, the bucket's default retention (if any) applies.
     */
    retention: ObjectLockRetention.optional(),
    /** A second copy of every original elsewhere (the "3-2-1" rule), verified like the first. */
    replica: ReplicaTarget.optional(),
    /**
     * A small preview of each image (SmugMug's Medium rendition; a video's poster frame) in STANDARD
     * beside the library's state, for browsing the archive; never an original. Absent (older runs): on.
     */
    previews: z.boolean().default(true),
  }),
  /** Album filters, matched against "Folder/Sub folder/Album" or the AlbumKey; `*` matches anything. */
  albums: z
    .object({ include: z.array(z.string().min(1)).default([]), exclude: z.array(z.string().min(1)).default([]) })
    .default({ include: [], exclude: [] }),
  albumConcurrency: z.number().int().min(1).max(50).default(4),
  /**
   * What is written beside each copied file: an XMP sidecar (`<file name>.xmp`: title, caption,
   * keywords, capture date, GPS, the SmugMug ids), where Lightroom, darktable and exiftool read it.
   */
  metadata: z.object({ sidecars: z.enum(['xmp', 'none']).default('xmp') }).default({ sidecars: 'xmp' }),
  /** Plan only: counts and bytes per album, nothing transferred. */
  dryRun: z.boolean().default(false),
  verification: z
    .object({
      deep: z.enum(['none', 'sample', 'all']).default('sample'),
      sampleSize: z.number().int().min(1).max(1000).default(3),
    })
    .default({ deep: 'sample', sampleSize: 3 }),
  /**
   * Deleting the originals on SmugMug: only when enabled here, only for verified albums, only after
   * an approval that names the report digest. An album not approved within `approvalTimeout` keeps
   * its originals.
   */
  deletion: z
    .object({
      enabled: z.boolean().default(false),
      approvalTimeout: duration.default('7 days'),
      /**
       * Beyond versioning (always required): every verified original must be under Object Lock
       * with at least `minDaysLeft` days of retention left when the approval comes.
       */
      requireObjectLock: z.object({ minDaysLeft: z.number().int().min(0).max(36500).default(1) }).optional(),
      /** Every verified original must also have a verified copy in the replica (`target.replica`). */
      requireReplica: z.boolean().optional(),
    })
    .default({ enabled: false, approvalTimeout: '7 days' }),
  /** How long a finished run stays open for retries of failed albums and for approvals. */
  keepOpenFor: duration.default('7 days'),
  /** Continue-as-new after this many albums in one run (tests); otherwise when Temporal suggests it. */
  continueAsNewAfterAlbums: z.number().int().min(1).optional(),
});
export type MigrationInput = z.output<typeof MigrationInput>;
export type MigrationInputRequest = z.input<typeof MigrationInput>;
export type MigrationTarget = MigrationInput['target'];

/**
 * What a schedule starts each time (workflows/scheduled-sync.ts): a sync of the account into its
 * target, copying only new or changed files. It has no deletion and no dry run: deletion is never
 * scheduled, and each run's migration id is made from the time it fires.
 */
export const ScheduledSyncInput = MigrationInput.omit({
  migrationId: true,
  dryRun: true,
  deletion: true,
  continueAsNewAfterAlbums: true,
}).extend({
  /** A scheduled run with failed albums stays open this long for retries; the next run copies them anyway. */
  keepOpenFor: duration.default('1 hour'),
});
export type ScheduledSyncInput = z.output<typeof ScheduledSyncInput>;
