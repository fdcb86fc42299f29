import { HeadObjectCommand, RestoreObjectCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import pLimit from 'p-limit';
import type { AlbumRestoreState, ArchiveRestoreInput } from '../common/archive';
import { errorType } from '../common/error-types';
import { isArchived, restoreStateOf } from '../s3/archive';
import { AlbumManifest, type ArchivedFile, filesOf } from '../state/documents';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';

/** HEADs and restore requests at once: S3 takes thousands a second per prefix; a few dozen keep a big album short. */
const REQUESTS_AT_ONCE = 16;

export type RestoreAlbumInput = Pick<ArchiveRestoreInput, 'bucket' | 'tier' | 'days'> & {
  album: ArchiveRestoreInput['albums'][number];
};

/**
 * One album's files out of the archive class: each file is asked about first (HeadObject's
 * `x-amz-restore`), and a restore is requested only for one neither readable nor already under way,
 * so asking again (the next check, a retried attempt, a second restore of the same album) never
 * requests a file twice. Answers the album's counts as S3 says them now.
 */
export function restoreAlbumFiles({ s3 }: ActivityDeps) {
  return async function restoreAlbumFiles(input: RestoreAlbumInput): Promise<AlbumRestoreState> {
    const { bucket, album } = input;
    const manifest = await new StateStore(s3, bucket).get(album.manifestKey, AlbumManifest);
    if (!manifest)
      throw ApplicationFailure.nonRetryable(
        `The manifest of album ${album.name} (${album.manifestKey}) is not in bucket ${bucket}`,
        errorType('ManifestMissing'),
      );
    const picked = album.imageKeys ? new Set(album.imageKeys) : undefined;
    const files = manifest.images.filter((i) => !picked || picked.has(i.imageKey)).flatMap(filesOf);
    const state: AlbumRestoreState = {
      albumKey: album.albumKey,
      name: album.name,
      files: files.length,
      available: 0,
      ongoing: 0,
      requested: 0,
    };
    const limit = pLimit(REQUESTS_AT_ONCE);
    await withHeartbeats(
      () => state,
      () => Promise.all(files.map((file) => limit(() => restoreFile(file)))),
    );
    return state;

    async function restoreFile(file: ArchivedFile): Promise<void> {
      const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: file.key, VersionId: file.versionId }));
      const restore = restoreStateOf(head);
      if (!isArchived(head)) {
        state.available += 1;
        if (restore.state === 'restored' && restore.expiry) {
          const expiry = new Date(restore.expiry).toISOString();
          if (!state.expiresAt || expiry < state.expiresAt) state.expiresAt = expiry;
        }
        return;
      }
      state.ongoing += 1;
      if (restore.state === 'ongoing') return;
      try {
        await s3.send(
          new RestoreObjectCommand({
            Bucket: bucket,
            Key: file.key,
            VersionId: file.versionId,
            RestoreRequest: { Days: input.days, GlacierJobParameters: { Tier: input.tier } },
          }),
        );
        state.requested += 1;
      } catch (err) {
        // Asked by someone else between the HEAD and now: under way all the same.
        if (err instanceof S3ServiceException && err.name === 'RestoreAlreadyInProgress') return;
        throw err;
      }
    }
  };
}
