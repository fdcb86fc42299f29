import type { MigrationTarget } from './migration-input';
import type { ApprovalRequest, BucketReport, DeletionCounts, FileTotals, MigrationCounts } from './records';

export type {
  AlbumProgress,
  ApprovalRequest,
  BucketReport,
  DeletionCounts,
  FileTotals,
  MigrationCounts,
} from './records';
/**
 * The small records that travel through workflow history: references and totals, never lists of
 * images. Plain interfaces (no zod) because workflow code imports them.
 */

/** An album found in the folder tree. `path` holds the names of its folders, then its own name. */
export interface AlbumRef {
  albumKey: string;
  nodeId: string;
  name: string;
  path: string[];
}

export interface DiscoveryResult {
  /** S3 key of the JSON list of AlbumRef the account workflow pages through. */
  albumsKey: string;
  albums: number;
  excluded: number;
}

export interface BatchRef {
  index: number;
  kind: 'small' | 'large';
  files: number;
  bytes: number;
  /** The file's name for a large file's batch, shown in the Temporal UI. */
  label?: string;
}

export interface AlbumPlan {
  /** S3 key prefix of this album's plan batches, manifest parts and report. */
  planPrefix: string;
  /** S3 key of the album's folder, where album.json and the files go. */
  albumFolderKey: string;
  files: number;
  bytes: number;
  /** Already in the bucket with the same size and MD5 (sync): not transferred again. */
  alreadyPresent: number;
  alreadyPresentBytes: number;
  /** Items with no bytes to copy (still processing, failed on SmugMug, no original): reported, not copied. */
  unavailable: number;
  batches: BatchRef[];
}

/** One batch of an album's stored plan, to copy (small files together, a large file alone). */
export interface BatchInput {
  planPrefix: string;
  batchIndex: number;
  target: MigrationTarget;
}

export interface TransferResult {
  files: number;
  bytes: number;
  /** Found complete in the bucket by a retried attempt. */
  alreadyPresent: number;
}

export interface VerificationSummary {
  reportKey: string;
  manifestKey: string;
  verified: number;
  failed: number;
  unavailable: number;
  deepChecked: number;
  passed: boolean;
  /** Items an approval leaves on SmugMug unless it names them (transcodes, originals that do not open, not copied). */
  held?: number;
  warnings?: number;
}

/**
 * An album run's status (the status search attribute of its run): copying, then how it ended, then
 * what became of its originals. (A migration has phases, MigrationPhase; Temporal's own run status,
 * RUNNING or COMPLETED…, is a third thing, named `status` in the API's answers.)
 */
export type AlbumStatus = 'running' | AlbumOutcome | 'awaiting-approval' | 'originals-deleted' | 'approval-expired';
/** How an album's copy ended: planned only (a dry run), verified, or failed. */
export type AlbumOutcome = 'planned' | 'verified' | 'failed';

/** The verification report of a whole migration, stored in the bucket; approvals name its digest. */
export interface ReportRef {
  key: string;
  digest: string;
}

export interface RetryRequest {
  /** Failed albums to run again; none named means every failed album. */
  albumKeys?: string[];
}

export interface RetryResult {
  retried: string[];
}

/** Held items an approval names explicitly: ImageKeys, or `transcodes` (every transcode-only video). */
export type IncludeHeld = NonNullable<ApprovalRequest['includeHeld']>;

export interface ApprovalResult {
  approvalId: string;
  approved: string[];
  alreadyApproved: string[];
  dryRun: boolean;
}

/** What an album hears from its migration when a person approved deleting its originals. */
export interface AlbumApproval {
  approvedBy: string;
  approvalId: string;
  approvedAt: string;
  dryRun: boolean;
  includeHeld?: IncludeHeld;
}

export interface DeletionSummary {
  albumKey: string;
  status: 'deleted' | 'dry-run' | 'expired';
  deleted: number;
  alreadyGone: number;
  /** Held items kept on SmugMug, and those deleted because the approval named them. */
  held?: number;
  heldIncluded?: number;
  /** False while the album still waits for an approval naming its held items; absent from older runs (final). */
  final?: boolean;
  logKey?: string;
  approvedBy?: string;
}

export const FILE_TOTAL_KEYS: ReadonlyArray<keyof FileTotals> = [
  'files',
  'bytes',
  'copiedFiles',
  'copiedBytes',
  'transferredFiles',
  'transferredBytes',
  'alreadyPresent',
  'alreadyPresentBytes',
  'unavailable',
  'verified',
];

/** File totals of nothing yet. */
export const noFileTotals = (): FileTotals =>
  Object.fromEntries(FILE_TOTAL_KEYS.map((k) => [k, 0])) as unknown as FileTotals;

export interface AlbumSummary extends FileTotals {
  albumKey: string;
  status: AlbumOutcome;
  reportKey?: string;
  error?: string;
  deletion?: DeletionSummary;
}

export type MigrationPhase =
  | 'preflight'
  | 'discovering'
  | 'migrating'
  | 'awaiting-approval'
  | 'completed'
  | 'completed-with-failures'
  | 'failed'
  | 'cancelled';

export interface MigrationProgress {
  /** Absent in results of runs from before it was reported. */
  migrationId?: string;
  phase: MigrationPhase;
  target: { bucket: string; prefix: string };
  counts: MigrationCounts;
  /** Workflow ids of the album runs copying or verifying now. */
  inFlight: string[];
  /** AlbumKey → why it failed (the first ones; all are in the report). */
  failedAlbums: Record<string, string>;
  report?: ReportRef;
  deletion: DeletionCounts;
  bucket?: BucketReport;
  continuedAsNew: number;
}

/** A migration the account's workflow started: the migration's workflow id. */
export interface MigrationStarted {
  id: string;
}

/** What a scheduled firing did: started a sync (and how it ended), or skipped, as one was running. */
export type ScheduledSyncStart = MigrationStarted | { skippedFor: string };
export interface MigrationEnd {
  /** Temporal's run status of the migration: COMPLETED, FAILED, CANCELLED, TERMINATED… */
  status: string;
  failure?: string;
}
export type ScheduledSyncResult = { skippedFor: string } | ({ migration: string } & MigrationEnd);
