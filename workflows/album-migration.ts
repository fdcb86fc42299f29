import {
  CancellationScope,
  condition,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../activities';
import type { MigrationInput } from '../common/migration-input';
import {
  type AlbumApproval,
  type AlbumStatus,
  type AlbumPlan,
  type AlbumProgress,
  type AlbumRef,
  type AlbumSummary,
  type BatchRef,
  type DeletionSummary,
  noFileTotals,
} from '../common/migration-types';
import { largeFileActivity, metadataActivity, smallFilesActivity } from './activity-options';
import { failureMessage } from './failure-message';
import { albumDeletionSettled, albumProgress, albumSettled, approveAlbumDeletion } from './messages';
import { albumStatus } from './search-attributes';

export interface AlbumMigrationInput extends Pick<
  MigrationInput,
  'migrationId' | 'account' | 'target' | 'dryRun' | 'verification' | 'deletion'
> {
  /** Absent in runs started before sidecars existed: they get the default, XMP. */
  metadata?: MigrationInput['metadata'];
  album: AlbumRef;
  /** How many times this album ran before (absent in runs started before retries were counted here). */
  retry?: number;
}

const { planAlbum, verifyAlbum, cleanUpUploads, deleteOriginals, recordAlbumOutcome } =
  proxyActivities<Activities>(metadataActivity);
const { transferSmallFiles } = proxyActivities<Activities>(smallFilesActivity);
const { transferLargeFile } = proxyActivities<Activities>(largeFileActivity);

/** Batches of one album copied at once. */
const BATCH_CONCURRENCY = 3;

/**
 * Migrates one album: plan, copy in batches, verify, report; tells its migration the outcome. When
 * deletion is enabled and the album verified, it then waits for an approval and only then deletes
 * the originals. Only totals pass through its history.
 */
export async function albumMigration(input: AlbumMigrationInput): Promise<AlbumSummary> {
  const { album, target } = input;
  // Answered to the progress query only (never in history): the path lets displays name the album.
  const progress: AlbumProgress = {
    phase: 'planning',
    files: 0,
    bytes: 0,
    doneFiles: 0,
    doneBytes: 0,
    path: album.path,
  };
  setHandler(albumProgress, () => progress);
  let approval: AlbumApproval | undefined;
  setHandler(approveAlbumDeletion, (a) => void (approval = a));
  const parent = workflowInfo().parent ? getExternalWorkflowHandle(workflowInfo().parent!.workflowId) : undefined;
  const summary: AlbumSummary = { albumKey: album.albumKey, status: 'failed', ...noFileTotals() };
  const setStatus = (status: AlbumStatus) => upsertSearchAttributes([albumStatus(status)]);
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
      progress.phase = 'verifying';
      setCurrentDetails(`Verifying the ${plan.files} files of album ${name}`);
      const verification = await verifyAlbum.executeWithOptions(
        { ...metadataActivity, summary: `Verify album ${name}` },
        [
          {
            planPrefix: plan.planPrefix,
            target,
            verification: input.verification,
            sidecars: input.metadata?.sidecars ?? 'xmp',
          },
        ],
      );
      Object.assign(summary, {
        verified: verification.verified,
        reportKey: verification.reportKey,
        status: verification.passed ? 'verified' : 'failed',
      });
      if (!verification.passed)
        summary.error = `${verification.failed} file(s) failed verification; see ${verification.reportKey}`;
    }
  } catch (err) {
    summary.status = 'failed';
    summary.error = failureMessage(err);
  } finally {
    // Whatever happened, no half-finished multipart upload stays behind.
    const p = plan;
    if (p) {
      await CancellationScope.nonCancellable(() =>
        cleanUpUploads.executeWithOptions(
          { ...metadataActivity, summary: `Abort unfinished uploads of album ${name}` },
          [{ bucket: target.bucket, albumFolderKey: p.albumFolderKey, planPrefix: p.planPrefix }],
        ),
      );
    }
    progress.phase = 'done';
  }
  setStatus(summary.status);
  setCurrentDetails(
    summary.status === 'failed'
      ? `Album ${name} failed: ${summary.error}`
      : `Album ${name}: ${summary.verified} files copied and verified`,
  );
  upsertMemo({ summary });
  if (patched('failed-album-markers')) await recordOutcome(input, summary);
  await parent?.signal(albumSettled, summary);
  if (!input.deletion.enabled || summary.status !== 'verified' || !plan) return summary;

  // Originals go only on an explicit approval; a dry-run approval lists what would go and waits on.
  setStatus('awaiting-approval');
  setCurrentDetails(
    `Album ${name} verified; its originals stay on SmugMug unless deletion is approved within ${input.deletion.approvalTimeout}`,
  );
  // After a deletion that left held items (transcodes, originals that do not open), the album waits
  // once more for an approval that names them; when none comes in time, they stay.
  let deleted: DeletionSummary | undefined;
  for (;;) {
    const approved = await condition(() => approval !== undefined, input.deletion.approvalTimeout as Duration);
    let outcome: DeletionSummary;
    if (!approved && deleted) {
      setCurrentDetails(`Album ${name}: ${deleted.held} held item(s) stay on SmugMug; no approval named them in time`);
      await parent?.signal(albumDeletionSettled, {
        ...deleted,
        deleted: 0,
        alreadyGone: 0,
        heldIncluded: 0,
        final: true,
      });
      return { ...summary, deletion: deleted };
    }
    if (!approved) outcome = { albumKey: album.albumKey, status: 'expired', deleted: 0, alreadyGone: 0 };
    else {
      const given = approval!;
      approval = undefined;
      setCurrentDetails(
        `${given.dryRun ? 'Listing' : 'Deleting'} the verified originals of album ${name}, approved by ${given.approvedBy}`,
      );
      outcome = await deleteOriginals.executeWithOptions(
        {
          ...metadataActivity,
          summary: `${given.dryRun ? 'Dry run: list' : 'Delete'} approved originals of album ${name}`,
        },
        [
          {
            albumKey: album.albumKey,
            planPrefix: plan.planPrefix,
            reportKey: summary.reportKey!,
            target,
            approval: given,
          },
        ],
      );
      if (given.dryRun) continue;
    }
    setStatus(outcome.status === 'deleted' ? 'originals-deleted' : 'approval-expired');
    upsertMemo({ summary: { ...summary, deletion: outcome } });
    const heldLeft = outcome.status === 'deleted' && (outcome.held ?? 0) > 0 && patched('held-items-await-approval');
    await parent?.signal(albumDeletionSettled, { ...outcome, final: !heldLeft });
    if (!heldLeft) return { ...summary, deletion: outcome };
    deleted = outcome;
    setCurrentDetails(
      `Album ${name}: originals deleted; ${outcome.held} held item(s) stay unless an approval within ${input.deletion.approvalTimeout} names them`,
    );
  }
}

async function transferAll(
  plan: AlbumPlan,
  input: AlbumMigrationInput,
  summary: AlbumSummary,
  progress: AlbumProgress,
): Promise<void> {
  progress.phase = 'transferring';
  setCurrentDetails(
    `Copying ${plan.files - plan.alreadyPresent} files of album ${input.album.path.join(' / ')} in ${plan.batches.length} batches (${plan.alreadyPresent} already in the bucket)`,
  );
  const queue = [...plan.batches];
  const runBatch = async (batch: BatchRef) => {
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
  };
  await Promise.all(
    Array.from({ length: Math.min(BATCH_CONCURRENCY, queue.length) }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) await runBatch(batch);
    }),
  );
}

/** The bucket's list of failed albums: a marker while the album is failed, gone once a retry succeeds. */
async function recordOutcome(input: AlbumMigrationInput, summary: AlbumSummary): Promise<void> {
  const { album } = input;
  if (summary.status !== 'failed' && !input.retry) return;
  const failure =
    summary.status === 'failed'
      ? {
          albumKey: album.albumKey,
          path: album.path,
          workflowId: workflowInfo().workflowId,
          error: summary.error ?? 'failed',
        }
      : undefined;
  await recordAlbumOutcome.executeWithOptions(
    {
      ...metadataActivity,
      summary: `${failure ? 'Record the failure' : 'Clear the failure'} of album ${album.path.join(' / ')}`,
    },
    [{ migrationId: input.migrationId, target: input.target, albumKey: album.albumKey, failure }],
  );
}
