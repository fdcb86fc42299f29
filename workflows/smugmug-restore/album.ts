import {
  executeChild,
  proxyActivities,
  setCurrentDetails,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { ArchiveRestoreInput } from '../../common/archive';
import { albumThawWorkflowId } from '../../common/ids';
import { RunStateAttribute } from '../../common/search-attributes';
import type { AlbumRestoreInput, AlbumRestoreOutcome, AlbumRestorePhase } from '../../common/smugmug-restore';
import { WorkflowTypes } from '../../common/workflow-types';
import { metadataActivity, uploadActivity } from '../activity-options';
import type { archiveRestoreWorkflow } from '../archive-restore';

const { prepareAlbumRestore, makeRestoreAlbums, checkRestoredAlbum } = proxyActivities<Activities>(metadataActivity);
const { uploadRestorePart } = proxyActivities<Activities>(uploadActivity);

/**
 * One album put back on SmugMug (registered as `smugmugAlbumRestore`): its originals restored out of
 * GLACIER or DEEP_ARCHIVE first when S3 cannot serve them (the archive pages' `archiveRestore`, as a
 * child), then its folders and album(s), then each part's uploads, then the check on SmugMug. Only
 * counts pass through its history; the image-by-image report is in the bucket.
 */
export async function albumRestoreWorkflow(input: AlbumRestoreInput): Promise<AlbumRestoreOutcome> {
  const { album } = input;
  const name = album.path.join(' / ');
  const phase = (p: AlbumRestorePhase, details: string) => {
    upsertSearchAttributes([{ key: RunStateAttribute, value: p }]);
    setCurrentDetails(`${name}: ${details}`);
  };

  const prepared = await prepareAlbumRestore(input);
  if (prepared.unreadable > 0) {
    phase('thawing', `${prepared.unreadable} originals being restored out of their archive class by S3`);
    const thaw: ArchiveRestoreInput = {
      restoreId: `${input.restoreId}-${album.albumKey}`,
      bucket: input.bucket,
      prefix: input.prefix,
      tier: input.tier,
      days: input.days,
      checkEvery: input.checkEvery,
      albums: [
        { albumKey: album.albumKey, imageKeys: album.imageKeys, manifestKey: album.manifestKey, name: album.name },
      ],
    };
    await executeChild<typeof archiveRestoreWorkflow>(WorkflowTypes.archiveRestore, {
      workflowId: albumThawWorkflowId(workflowInfo().workflowId),
      args: [thaw],
      typedSearchAttributes: [{ key: RunStateAttribute, value: 'restoring' }],
      staticSummary: `S3 restore of ${name} before it goes back to SmugMug`,
    });
  }

  phase('structure', `folders and ${prepared.parts} album(s) on SmugMug`);
  const targets = await makeRestoreAlbums({ ...input, parts: prepared.parts });

  const refused: Awaited<ReturnType<Activities['uploadRestorePart']>>['refused'] = [];
  let uploaded = 0;
  for (const target of targets) {
    phase('uploading', `uploading ${target.name} (${uploaded} of ${prepared.images} sent)`);
    const result = await uploadRestorePart({ ...input, target });
    uploaded += result.uploaded + result.alreadyThere;
    refused.push(...result.refused);
  }

  phase('checking', `checking ${prepared.images} images on SmugMug`);
  const outcome = await checkRestoredAlbum({
    ...input,
    targets,
    refused,
    thawed: prepared.unreadable > 0 ? prepared.unreadable : undefined,
  });
  phase(
    outcome.ok ? 'done' : 'failed',
    outcome.ok
      ? `${outcome.images} images back on SmugMug`
      : `${outcome.images - okCount(outcome)} images not back as archived`,
  );
  return outcome;
}

const okCount = (o: AlbumRestoreOutcome) => o.counts.identical + o.counts['re-encoded'] + o.counts.converted;
