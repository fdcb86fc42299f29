import type { MigrationInput, MigrationTarget } from './migration-input';
import type { AlbumOutcome, AlbumRef, FileTotals } from './records';

/**
 * The small records that travel only through workflow history (activity arguments and results,
 * signals between the workflows): references and totals, never lists of images. Plain types, no
 * zod, as workflow code imports them; the records that also cross the API are in `records.ts`.
 */

export interface DiscoveryResult {
  /** S3 key of the JSON list of AlbumRef the migration pages through. */
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
  /**
   * Components of images (SmugMug Source's RAW files) only: a failure to copy them fails nothing,
   * it holds their images on SmugMug (verification finds them missing).
   */
  components?: boolean;
}

export interface AlbumPlan {
  /**
   * The album's state folder (its plan, batches, checkpoints, reports: state/layout.ts,
   * `albumStateFolder`); named when it held the plan alone, and kept as histories carry it.
   */
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
  /** The album's state folder (see AlbumPlan.planPrefix). */
  planPrefix: string;
  batchIndex: number;
  target: MigrationTarget;
}

export interface TransferResult {
  files: number;
  bytes: number;
  /** Found complete in the bucket by a retried attempt. */
  alreadyPresent: number;
  /** Small files the worker copied at once when the batch ended (adapted to the network, or fixed). */
  concurrency?: number;
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

/** Failed albums a person asks to run again; none named means every failed album. */
export interface RetryRequest {
  albumKeys?: string[];
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

/** What an album run is asked to do: its album, and the part of the migration's input that concerns it. */
export interface AlbumRunInput extends Pick<
  MigrationInput,
  'migrationId' | 'account' | 'target' | 'dryRun' | 'verification' | 'deletion'
> {
  /** Absent in runs started before sidecars existed: they get the default, XMP. */
  metadata?: MigrationInput['metadata'];
  album: AlbumRef;
  /** How many times this album ran before (absent in runs started before retries were counted here). */
  retry?: number;
}

/** A migration the account's desk started: the migration's workflow id. */
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
