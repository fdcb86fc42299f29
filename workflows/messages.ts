import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { MigrationInput } from '../common/migration-input';
import type {
  AlbumApproval,
  AlbumProgress,
  MigrationStarted,
  AlbumSummary,
  ApprovalRequest,
  ApprovalResult,
  DeletionSummary,
  MigrationProgress,
  RetryRequest,
  RetryResult,
} from '../common/migration-types';

/** Signals, queries and updates of the workflows, defined once for the workflows and every client. */
export const migrationProgress = defineQuery<MigrationProgress>('migrationProgress');
export const albumProgress = defineQuery<AlbumProgress>('albumProgress');

/** Start a migration of the account, unless one is running (workflows/account-migrations.ts). */
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
