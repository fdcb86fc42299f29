import {
  executeChild,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { failureMessage } from '../../common/failure-message';
import { albumRestoreWorkflowId } from '../../common/ids';
import { smugmugRestoreProgress } from '../../common/messages';
import { AccountAttribute, AlbumKeyAttribute, RunStateAttribute } from '../../common/search-attributes';
import type {
  AlbumRestoreOutcome,
  RestoreAlbumRef,
  SmugMugRestoreInput,
  SmugMugRestorePhase,
  SmugMugRestoreProgress,
} from '../../common/smugmug-restore';
import { WorkflowTypes } from '../../common/workflow-types';
import { metadataActivity } from '../activity-options';
import type { albumRestoreWorkflow } from './album';

const { writeSmugMugRestoreReport } = proxyActivities<Activities>(metadataActivity);

/** Albums going back at once: each uploads a few files at a time, and SmugMug's limit is per account. */
const ALBUMS_AT_ONCE = 3;
/** Runs of a failed album: its activities retry outages themselves; one more run mends what a run cannot. */
const ALBUM_RUNS = 2;

/**
 * The way back (registered as `smugmugRestore`): albums of the archive put back on SmugMug, each as
 * a child run (`smugmugAlbumRestore`) a few at a time, a failed one run once more, then the report
 * in the bucket. Its phase (run-state search attribute) says restoring, completed, or completed with
 * problems (an album failed or an image is not back as archived).
 */
export async function smugmugRestoreWorkflow(input: SmugMugRestoreInput): Promise<SmugMugRestoreProgress> {
  const { albums, ...restore } = input;
  const progress: SmugMugRestoreProgress = {
    restoreId: input.restoreId,
    account: input.account,
    phase: 'restoring',
    albums: albums.length,
    done: [],
    failed: [],
    running: [],
  };
  setHandler(smugmugRestoreProgress, () => progress);
  const setPhase = (phase: SmugMugRestorePhase) => {
    progress.phase = phase;
    upsertSearchAttributes([{ key: RunStateAttribute, value: phase }]);
  };

  const queue = [...albums];
  const worker = async () => {
    for (let album = queue.shift(); album; album = queue.shift()) await restoreAlbum(album);
  };
  const restoreAlbum = async (album: RestoreAlbumRef) => {
    progress.running.push({ albumKey: album.albumKey, name: album.name });
    let error = '';
    for (let run = 0; run < ALBUM_RUNS; run++) {
      try {
        const outcome: AlbumRestoreOutcome = await executeChild<typeof albumRestoreWorkflow>(
          WorkflowTypes.albumRestore,
          {
            workflowId: albumRestoreWorkflowId(workflowInfo().workflowId, album.albumKey, run),
            args: [{ ...restore, album }],
            typedSearchAttributes: [
              { key: AccountAttribute, value: input.account },
              { key: AlbumKeyAttribute, value: album.albumKey },
              { key: RunStateAttribute, value: 'structure' },
            ],
            staticSummary: `Back to SmugMug: ${album.path.join(' / ')}${run > 0 ? ` (run ${run + 1})` : ''}`,
          },
        );
        progress.done.push(outcome);
        error = '';
        break;
      } catch (err) {
        error = failureMessage(err);
      }
    }
    if (error) progress.failed.push({ albumKey: album.albumKey, name: album.name, error });
    progress.running = progress.running.filter((r) => r.albumKey !== album.albumKey);
    setCurrentDetails(`${progress.done.length + progress.failed.length} of ${albums.length} albums back on SmugMug`);
  };
  await Promise.all(Array.from({ length: Math.min(ALBUMS_AT_ONCE, albums.length) }, worker));

  progress.reportKey = await writeSmugMugRestoreReport({ restore, albums: progress.done, failed: progress.failed });
  setPhase(progress.failed.length === 0 && progress.done.every((a) => a.ok) ? 'completed' : 'completed-with-problems');
  return progress;
}
