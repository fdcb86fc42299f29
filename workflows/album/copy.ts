import { CancellationScope, isCancellation, setCurrentDetails } from '@temporalio/workflow';
import { failureMessage } from '../../common/failure-message';
import type { AlbumPlan, AlbumRunInput, AlbumSummary, BatchRef } from '../../common/migration-types';
import type { AlbumProgress } from '../../common/records';
import { largeFileActivity, metadataActivity, smallFilesActivity } from '../activity-options';
import { cleanUpUploads, planAlbum, transferLargeFile, transferSmallFiles, verifyAlbum } from './activities';

/** Batches of one album copied at once. */
const BATCH_CONCURRENCY = 3;

/**
 * Plans, copies and verifies the album, filling in `summary` (how it ended, and its totals) and
 * `progress` (what the progress query answers). A failure of any step is the album's outcome, not
 * the workflow's: the summary says `failed` and why. Whatever happened, no half-finished multipart
 * upload stays behind. Returns the plan, if planning got that far.
 */
export async function copyAlbum(
  input: AlbumRunInput,
  summary: AlbumSummary,
  progress: AlbumProgress,
): Promise<AlbumPlan | undefined> {
  const { album, target } = input;
  const name = album.path.join(' / ');
  let plan: AlbumPlan | undefined;
  try {
    setCurrentDetails(`Listing and planning album ${name}`);
    plan = await planAlbum.executeWithOptions({ ...metadataActivity, summary: `Plan album ${name}` }, [
      { migrationId: input.migrationId, target, album },
    ]);
    Object.assign(summary, {
      files: plan.files,
      bytes: plan.bytes,
      alreadyPresent: plan.alreadyPresent,
      alreadyPresentBytes: plan.alreadyPresentBytes,
      unavailable: plan.unavailable,
    });
    Object.assign(progress, {
      files: plan.files,
      bytes: plan.bytes,
      doneFiles: plan.alreadyPresent,
      doneBytes: plan.alreadyPresentBytes,
    });
    if (input.dryRun) summary.status = 'planned';
    else {
      await transferAll(plan, input, summary, progress);
      await verify(plan, input, summary, progress);
    }
  } catch (err) {
    summary.status = 'failed';
    summary.error = failureMessage(err);
  } finally {
    const p = plan;
    if (p) {
      await CancellationScope.nonCancellable(() =>
        cleanUpUploads.executeWithOptions(
          { ...metadataActivity, summary: `Abort unfinished uploads of album ${name}` },
          [
            {
              bucket: target.bucket,
              albumFolderKey: p.albumFolderKey,
              planPrefix: p.planPrefix,
              replica: target.replica,
            },
          ],
        ),
      );
    }
    progress.phase = 'done';
  }
  return plan;
}

/** Copies every batch of the plan, BATCH_CONCURRENCY at a time: many small files per activity, each large file alone. */
async function transferAll(
  plan: AlbumPlan,
  input: AlbumRunInput,
  summary: AlbumSummary,
  progress: AlbumProgress,
): Promise<void> {
  progress.phase = 'transferring';
  setCurrentDetails(
    `Copying ${plan.files - plan.alreadyPresent} files of album ${input.album.path.join(' / ')} in ${plan.batches.length} batches (${plan.alreadyPresent} already in the bucket)`,
  );
  const queue = [...plan.batches];
  const runBatch = async (batch: BatchRef) => {
    // A component (RAW) that cannot be copied holds its image on SmugMug; the album goes on without it.
    if (batch.components) {
      try {
        await copyBatch(batch);
      } catch (err) {
        if (isCancellation(err)) throw err;
        progress.doneFiles += batch.files;
        progress.doneBytes += batch.bytes;
      }
      return;
    }
    await copyBatch(batch);
  };
  const copyBatch = async (batch: BatchRef) => {
    const args: Parameters<typeof transferSmallFiles> = [
      { planPrefix: plan.planPrefix, batchIndex: batch.index, target: input.target },
    ];
    const album = input.album.path.join(' / ');
    const result =
      batch.kind === 'large'
        ? await transferLargeFile.executeWithOptions(
            {
              ...largeFileActivity,
              summary: `Copy ${batch.label} (${(batch.bytes / 2 ** 20).toFixed(0)} MB) of album ${album}`,
            },
            args,
          )
        : await transferSmallFiles.executeWithOptions(
            { ...smallFilesActivity, summary: `Copy ${batch.files} files of album ${album}` },
            args,
          );
    // Every file of the batch is in the bucket now, sent by this attempt or by one whose completion was lost.
    summary.copiedFiles += batch.files;
    summary.copiedBytes += batch.bytes;
    summary.transferredFiles += result.files;
    summary.transferredBytes += result.bytes;
    progress.doneFiles += batch.files;
    progress.doneBytes += batch.bytes;
    // Shown by the progress query only: no command depends on it.
    if (result.concurrency) progress.concurrency = result.concurrency;
  };
  await Promise.all(
    Array.from({ length: Math.min(BATCH_CONCURRENCY, queue.length) }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) await runBatch(batch);
    }),
  );
}

/** Proves the copy (verifyAlbum writes the report and album.json) and records whether it passed. */
async function verify(
  plan: AlbumPlan,
  input: AlbumRunInput,
  summary: AlbumSummary,
  progress: AlbumProgress,
): Promise<void> {
  const name = input.album.path.join(' / ');
  progress.phase = 'verifying';
  setCurrentDetails(`Verifying the ${plan.files} files of album ${name}`);
  const verification = await verifyAlbum.executeWithOptions({ ...metadataActivity, summary: `Verify album ${name}` }, [
    {
      planPrefix: plan.planPrefix,
      target: input.target,
      verification: input.verification,
      sidecars: input.metadata?.sidecars ?? 'xmp',
    },
  ]);
  Object.assign(summary, {
    verified: verification.verified,
    reportKey: verification.reportKey,
    status: verification.passed ? 'verified' : 'failed',
  });
  if (!verification.passed)
    summary.error = `${verification.failed} file(s) failed verification; see ${verification.reportKey}`;
}
