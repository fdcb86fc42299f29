import {
  getExternalWorkflowHandle,
  patched,
  setCurrentDetails,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { albumProgress, albumSettled, approveAlbumDeletion } from '../../common/messages';
import { type AlbumRunInput, type AlbumSummary, noFileTotals } from '../../common/migration-types';
import type { AlbumProgress, AlbumStatus } from '../../common/records';
import { albumStatusAttribute } from '../../common/search-attributes';
import { copyAlbum } from './copy';
import { DeletionGate } from './deletion-gate';
import { recordOutcome } from './outcome';

/**
 * Migrates one album (registered as `albumMigration`): plan, copy in batches, verify, report; tells
 * its migration the outcome. When deletion is enabled and the album verified, it then passes
 * through the deletion gate: it waits for an approval and deletes the originals only then. Only
 * totals pass through its history.
 */
export async function albumWorkflow(input: AlbumRunInput): Promise<AlbumSummary> {
  const { album } = input;
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
  const gate = new DeletionGate();
  setHandler(approveAlbumDeletion, (approval) => gate.receive(approval));
  const parent = workflowInfo().parent ? getExternalWorkflowHandle(workflowInfo().parent!.workflowId) : undefined;
  const summary: AlbumSummary = { albumKey: album.albumKey, status: 'failed', ...noFileTotals() };
  const setStatus = (status: AlbumStatus) => upsertSearchAttributes([albumStatusAttribute(status)]);
  const name = album.path.join(' / ');

  const plan = await copyAlbum(input, summary, progress);
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
  return gate.run(input, summary, plan, parent, setStatus);
}
