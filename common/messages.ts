import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { RestoreProgress } from './archive';
import type { SmugMugRestoreProgress } from './smugmug-restore';
import type { MigrationInput } from './migration-input';
import type { DeletionSummary, AlbumSummary, MigrationStarted, RetryRequest } from './migration-types';
import type {
  AlbumApproval,
  AlbumProgress,
  ApprovalRequest,
  ApprovalResult,
  MigrationProgress,
  RetryResult,
} from './records';

/**
 * Signals, queries and updates of the workflows, defined once for the workflows and every client.
 * Their names are in histories and in running workflows: they never change.
 */
export const migrationProgress = defineQuery<MigrationProgress>('migrationProgress');
export const albumProgress = defineQuery<AlbumProgress>('albumProgress');

/** Start a migration of the account, unless one is running (the account's desk, workflows/account-desk.ts). */
export const startMigration = defineUpdate<MigrationStarted, [MigrationInput]>('startMigration');

/** A person asks to run failed albums again. */
export const retryAlbums = defineUpdate<RetryResult, [RetryRequest]>('retryAlbums');
/** A person approves deleting originals of verified albums, naming the report they read. */
export const approveDeletion = defineUpdate<ApprovalResult, [ApprovalRequest]>('approveDeletion');

/** Album → its migration (by workflow id, so it reaches the current run): verified or failed. */
export const albumSettled = defineSignal<[AlbumSummary]>('albumSettled');
/** Album → its migration: originals deleted, or the approval window passed. */
export const albumDeletionSettled = defineSignal<[DeletionSummary]>('albumDeletionSettled');
/** Migration → album: the approval fanned out. */
export const approveAlbumDeletion = defineSignal<[AlbumApproval]>('approveAlbumDeletion');

/** A restore out of the archive classes: each album's files as S3 last said. */
export const restoreProgress = defineQuery<RestoreProgress>('restoreProgress');

/** A restore to SmugMug: albums done, failed and running. */
export const smugmugRestoreProgress = defineQuery<SmugMugRestoreProgress>('smugmugRestoreProgress');
