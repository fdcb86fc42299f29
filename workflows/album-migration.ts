import { CancellationScope, proxyActivities, setHandler, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { MigrationInput } from '../common/migration-input';
import type { AlbumProgress, AlbumRef, AlbumSummary, BatchRef } from '../common/migration-types';
import { largeFileActivity, metadataActivity, smallFilesActivity } from './activity-options';
import { failureMessage } from './failure-message';
import { albumProgress } from './messages';
import { MigrationStatus } from './search-attributes';

export interface AlbumMigrationInput extends Pick<MigrationInput, 'migrationId' | 'account' | 'target' | 'dryRun' | 'verification'> {
  album: AlbumRef;
}

const { planAlbum, verifyAlbum, cleanUpUploads } = proxyActivities<Activities>(metadataActivity);
const { transferSmallFiles } = proxyActivities<Activities>(smallFilesActivity);
const { transferLargeFile } = proxyActivities<Activities>(largeFileActivity);

/** Batches of one album copied at once. */
const BATCH_CONCURRENCY = 3;

/** Migrates one album: plan, copy in batches, verify, report. Only totals pass through its history. */
export async function albumMigration(input: AlbumMigrationInput): Promise<AlbumSummary> {
  const { album, target } = input;
  const progress: AlbumProgress = { phase: 'planning', files: 0, bytes: 0, doneFiles: 0, doneBytes: 0 };
  setHandler(albumProgress, () => progress);
  const summary: AlbumSummary = { albumKey: album.albumKey, status: 'failed', files: 0, bytes: 0, transferredFiles: 0, transferredBytes: 0, alreadyPresent: 0, unavailable: 0, verified: 0 };

  const plan = await planAlbum({ migrationId: input.migrationId, target, album });
  Object.assign(summary, { files: plan.files, bytes: plan.bytes, alreadyPresent: plan.alreadyPresent, unavailable: plan.unavailable });
  Object.assign(progress, { files: plan.files, bytes: plan.bytes, doneFiles: plan.alreadyPresent, doneBytes: plan.alreadyPresentBytes });
  if (input.dryRun) {
    progress.phase = 'done';
    return { ...summary, status: 'planned' };
  }

  try {
    progress.phase = 'transferring';
    const queue = [...plan.batches];
    const runBatch = async (batch: BatchRef) => {
      const transfer = batch.kind === 'large' ? transferLargeFile : transferSmallFiles;
      const result = await transfer({ planPrefix: plan.planPrefix, batchIndex: batch.index, target });
      summary.transferredFiles += result.files;
      summary.transferredBytes += result.bytes;
      summary.alreadyPresent += result.alreadyPresent;
      progress.doneFiles += batch.files;
      progress.doneBytes += batch.bytes;
    };
    await Promise.all(Array.from({ length: Math.min(BATCH_CONCURRENCY, queue.length) }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) await runBatch(batch);
    }));

    progress.phase = 'verifying';
    const verification = await verifyAlbum({ planPrefix: plan.planPrefix, target, verification: input.verification });
    Object.assign(summary, { verified: verification.verified, reportKey: verification.reportKey, status: verification.passed ? 'verified' : 'failed' });
    if (!verification.passed) summary.error = `${verification.failed} file(s) failed verification; see ${verification.reportKey}`;
  } catch (err) {
    summary.status = 'failed';
    summary.error = failureMessage(err);
  } finally {
    // Whatever happened, no half-finished multipart upload stays behind.
    await CancellationScope.nonCancellable(() => cleanUpUploads({ bucket: target.bucket, albumFolderKey: plan.albumFolderKey, planPrefix: plan.planPrefix }));
    progress.phase = 'done';
  }
  upsertSearchAttributes([{ key: MigrationStatus, value: summary.status }]);
  return summary;
}
