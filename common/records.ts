import { z } from 'zod';

/**
 * The records that cross the service's edges, defined once as zod schemas: what the API receives
 * and answers with, and what travels through workflow history. The API's OpenAPI schemas are built
 * from these, the bucket's documents reuse them, and workflow code imports only their types (so zod
 * stays out of the workflow bundle). History-only records are plain types in `migration-types.ts`.
 */

const count = z.number().int().min(0);

/** SmugMug's keys of albums and images (AlbumKey, ImageKey): letters and digits. */
export const SmugMugKey = z.string().regex(/^[A-Za-z0-9]{1,20}$/, 'a SmugMug key (letters and digits)');
/** A SmugMug nickname: the account a migration copies. */
export const Nickname = z.string().regex(/^[A-Za-z0-9-]{1,60}$/, 'a SmugMug nickname (letters, digits, dashes)');
/** An S3 bucket name, as S3 allows it. */
export const BucketName = z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'an S3 bucket name');
/** The name of a replica connection in the worker's configuration (S3_REPLICAS). */
export const ReplicaName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lower-case letters, digits and dashes, at most 40');
/** The SHA-256 of a report's bytes, which approvals name. */
export const ReportDigest = z
  .string()
  .regex(/^[0-9a-f]{64}$/, 'the SHA-256 digest (64 hex digits) of the report you read');

/**
 * Where a migration stands (its run-state search attribute and its progress). Temporal's own run
 * status (RUNNING, COMPLETED…) is another thing, named `status` in the API's answers.
 */
export const MigrationPhase = z.enum([
  'preflight',
  'discovering',
  'migrating',
  'awaiting-approval',
  'completed',
  'completed-with-failures',
  'failed',
  'cancelled',
]);
export type MigrationPhase = z.infer<typeof MigrationPhase>;

/** The phases in which a migration waits for a person: an approval, or a retry of failed albums. */
export const PHASES_AWAITING_A_PERSON: readonly MigrationPhase[] = ['awaiting-approval', 'completed-with-failures'];

/** How an album's copy ended: planned only (a dry run), verified, or failed. */
export const AlbumOutcome = z.enum(['planned', 'verified', 'failed']);
export type AlbumOutcome = z.infer<typeof AlbumOutcome>;

/** An album run's status (its run-state search attribute): copying, then how it ended, then what became of its originals. */
export const AlbumStatus = z.enum([
  'running',
  ...AlbumOutcome.options,
  'awaiting-approval',
  'originals-deleted',
  'approval-expired',
]);
export type AlbumStatus = z.infer<typeof AlbumStatus>;

/** An album found in the folder tree. `path` holds the names of its folders, then its own name. */
export const AlbumRef = z.object({
  albumKey: z.string(),
  nodeId: z.string(),
  name: z.string(),
  path: z.array(z.string()),
});
export type AlbumRef = z.infer<typeof AlbumRef>;

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

/** The protections `smugmug-s3 bucket check` looks at (s3/bucket-checks.ts), each ok, missing, or unknown (this S3 would not tell). */
export const BUCKET_CHECKS = [
  'versioning',
  'encryption',
  'publicAccessBlock',
  'tlsOnlyPolicy',
  'abortIncompleteUploads',
  'cors',
  'objectLock',
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
  /** Files its worker copied at once at its last batch: what the adaptive concurrency found for the network. */
  concurrency: count.optional(),
});
export type AlbumProgress = z.infer<typeof AlbumProgress>;

/** The verification report of a whole migration, stored in the bucket; approvals name its digest. */
export const ReportRef = z.object({ key: z.string(), digest: z.string() });
export type ReportRef = z.infer<typeof ReportRef>;

/** A migration's progress, as its query answers and its result holds. */
export const MigrationProgress = z.object({
  /** Absent in results of runs from before it was reported. */
  migrationId: z.string().optional(),
  phase: MigrationPhase,
  target: z.object({ bucket: z.string(), prefix: z.string() }),
  counts: MigrationCounts,
  /** Workflow ids of the album runs copying or verifying now. */
  inFlight: z.array(z.string()),
  /** AlbumKey → why it failed (the first ones; all are in the bucket's failed-album markers). */
  failedAlbums: z.record(z.string(), z.string()),
  report: ReportRef.optional(),
  deletion: DeletionCounts,
  bucket: BucketReport.optional(),
  continuedAsNew: count,
});
export type MigrationProgress = z.infer<typeof MigrationProgress>;

/** Held items an approval names explicitly: ImageKeys, or `transcodes` (every transcode-only video). */
export const IncludeHeld = z.union([z.literal('transcodes'), z.array(SmugMugKey).min(1)]);
export type IncludeHeld = z.infer<typeof IncludeHeld>;

/** A person's approval of deleting originals, as the API receives it (the API adds its `approvalId`). */
export const ApprovalRequest = z.object({
  approvedBy: z.string().min(1).max(200),
  /** AlbumKeys, or "all" verified albums. */
  albums: z.union([z.literal('all'), z.array(SmugMugKey).min(1)]),
  /** The digest of the report the approver read: an approval of another report is refused. */
  reportDigest: ReportDigest,
  /** List what would be deleted, delete nothing. */
  dryRun: z.boolean().default(false),
  /**
   * Held items (transcode-only videos, originals that do not open, items never copied) stay on
   * SmugMug unless named here: their ImageKeys, or "transcodes" for every transcode-only video.
   */
  includeHeld: IncludeHeld.optional(),
});
/** The approval as the migration workflow receives it. */
export type ApprovalRequest = z.output<typeof ApprovalRequest> & { approvalId: string };

/** What the migration answers an approval with. */
export const ApprovalResult = z.object({
  approvalId: z.string(),
  approved: z.array(z.string()),
  alreadyApproved: z.array(z.string()),
  dryRun: z.boolean(),
});
export type ApprovalResult = z.infer<typeof ApprovalResult>;

/** What an album hears from its migration when a person approved deleting its originals; its deletion record keeps it. */
export const AlbumApproval = z.object({
  approvedBy: z.string(),
  approvalId: z.string(),
  approvedAt: z.string(),
  dryRun: z.boolean(),
  includeHeld: IncludeHeld.optional(),
});
export type AlbumApproval = z.infer<typeof AlbumApproval>;

/** What a retry of failed albums started. */
export const RetryResult = z.object({ retried: z.array(z.string()) });
export type RetryResult = z.infer<typeof RetryResult>;
