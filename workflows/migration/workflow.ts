import { allHandlersFinished, condition, isCancellation, patched, setHandler } from '@temporalio/workflow';
import {
  albumDeletionSettled,
  albumSettled,
  approveDeletion,
  migrationProgress,
  retryAlbums,
} from '../../common/messages';
import type { MigrationInput } from '../../common/migration-input';
import type { RetryRequest } from '../../common/migration-types';
import type { ApprovalRequest } from '../../common/records';
import { MigrationRun } from './run';
import { type CarriedState, initialState, type MigrationResult } from './state';

/**
 * Migrates a SmugMug account (registered as `accountMigration`): checks the bucket, discovers the
 * albums, and runs one album workflow per album, a bounded number at a time; albums report back by
 * signal, so runs can continue as new without waiting for them. When all albums are settled it
 * writes the verification report, then stays open for retries of failed albums and, when deletion
 * is enabled, for approvals, until nothing is left to wait for or `keepOpenFor` passes without news.
 */
export async function migrationWorkflow(input: MigrationInput, carried?: CarriedState): Promise<MigrationResult> {
  const run = new MigrationRun(input, carried ?? initialState(input));
  const { retries, approvals } = run;
  setHandler(migrationProgress, () => run.progress());
  setHandler(albumSettled, (summary) => run.onAlbumSettled(summary));
  setHandler(albumDeletionSettled, (outcome) => approvals.onAlbumDeletionSettled(outcome));
  setHandler(
    retryAlbums,
    (request) => (patched('retry-queue') ? retries.queue(request) : retries.startAtOnce(request)),
    { validator: (request: RetryRequest) => retries.validate(request) },
  );
  setHandler(approveDeletion, (request) => approvals.approve(request), {
    validator: (request: ApprovalRequest) => approvals.validate(request),
  });

  try {
    await run.checkBucket();
    const discovery = await run.discover();
    await run.startAlbums(discovery);
    await run.settleAndWaitForPeople(discovery);
    run.finish();
    await condition(allHandlersFinished);
    return run.progress();
  } catch (err) {
    if (isCancellation(err)) await run.cancelAlbums();
    throw err;
  }
}
