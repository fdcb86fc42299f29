import type { MigrationInput } from '../../common/migration-input';
import type { DiscoveryResult } from '../../common/migration-types';
import { noFileTotals } from '../../common/migration-types';
import type {
  BucketReport,
  DeletionCounts,
  MigrationCounts,
  MigrationPhase,
  MigrationProgress,
  ReportRef,
} from '../../common/records';

/**
 * What a run hands to the next when it continues as new: counters, a cursor and small key sets,
 * never album lists. Its shape is in the histories of runs that continued as new: fields are only
 * ever added, optional, and read with a default.
 */
export interface CarriedState {
  phase: MigrationPhase;
  bucket?: BucketReport;
  discovery?: DiscoveryResult;
  nextAlbumIndex: number;
  counts: MigrationCounts;
  /** Album runs started and not yet settled: AlbumKey → its workflow id. */
  inFlight: Record<string, string>;
  failedAlbums: Record<string, string>;
  /** Verified albums (kept for the approval check), and those approved, settled or not. */
  verifiedAlbums: string[];
  approvedAlbums: string[];
  deletionSettled: string[];
  retries: Record<string, number>;
  /** Albums whose originals went but whose held items wait for an approval naming them. */
  heldWaiting?: string[];
  /** Failed albums asked to run again, started as the album concurrency allows (absent in runs from before the queue). */
  retryQueue?: string[];
  deletion: DeletionCounts;
  report?: ReportRef;
  /** The report no longer tells the latest album outcomes. */
  reportStale: boolean;
  continuedAsNew: number;
}

/** What a migration returns: its final progress. */
export type MigrationResult = MigrationProgress;

export function initialState(input: MigrationInput): CarriedState {
  return {
    phase: 'preflight',
    nextAlbumIndex: 0,
    inFlight: {},
    failedAlbums: {},
    verifiedAlbums: [],
    approvedAlbums: [],
    deletionSettled: [],
    retries: {},
    retryQueue: [],
    reportStale: true,
    continuedAsNew: 0,
    counts: { albumsTotal: 0, albumsDone: 0, albumsFailed: 0, ...noFileTotals() },
    deletion: {
      enabled: input.deletion.enabled,
      albumsApproved: 0,
      albumsDeleted: 0,
      albumsExpired: 0,
      imagesDeleted: 0,
      imagesAlreadyGone: 0,
    },
  };
}
