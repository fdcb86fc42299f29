import { workflowInfo } from '@temporalio/workflow';
import type { AlbumRunInput, AlbumSummary } from '../../common/migration-types';
import { metadataActivity } from '../activity-options';
import { recordAlbumOutcome } from './activities';

/**
 * Keeps the bucket's list of failed albums current: a marker while the album is failed (the
 * complete list, however many fail), removed once a retry of it succeeds.
 */
export async function recordOutcome(input: AlbumRunInput, summary: AlbumSummary): Promise<void> {
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
