import {
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Duration } from '@temporalio/common';
import type { Activities } from '../activities';
import type { AlbumRestoreState, ArchiveRestoreInput, RestorePhase, RestoreProgress } from '../common/archive';
import { restoreProgress } from '../common/messages';
import { RunStateAttribute } from '../common/search-attributes';
import { restoreRequestActivity, webhookActivity } from './activity-options';

const { restoreAlbumFiles } = proxyActivities<Activities>(restoreRequestActivity);
const { notifyRestoreWebhook } = proxyActivities<Activities>(webhookActivity);

/** Checks in one run before it continues as new: a wait of days stays a short history. */
const CHECKS_PER_RUN = 200;

/** What a run continued as new carries over: the albums as last seen, requests counted. */
export interface RestoreCarried {
  albums: AlbumRestoreState[];
}

/**
 * A restore of albums out of GLACIER or DEEP_ARCHIVE (registered as `archiveRestore`): asks S3 to
 * restore each file not readable and not already being restored, then checks again every
 * `checkEvery` (hours or days: a durable timer, whatever restarts in between) until every file is
 * readable, shows `ready` in the run-state search attribute and posts `restore.ready` to the
 * operator's webhook. The files are then downloadable and shareable until the copies expire.
 */
export async function archiveRestoreWorkflow(
  input: ArchiveRestoreInput,
  carried?: RestoreCarried,
): Promise<RestoreProgress> {
  const albums = new Map((carried?.albums ?? []).map((a) => [a.albumKey, a]));
  let phase: RestorePhase = 'restoring';
  let checkedAt: string | undefined;
  const progress = (): RestoreProgress => ({
    restoreId: input.restoreId,
    bucket: input.bucket,
    prefix: input.prefix,
    tier: input.tier,
    phase,
    albums: input.albums.map(
      (a) =>
        albums.get(a.albumKey) ?? {
          albumKey: a.albumKey,
          name: a.name,
          files: 0,
          available: 0,
          ongoing: 0,
          requested: 0,
        },
    ),
    checkedAt,
  });
  setHandler(restoreProgress, progress);
  if (!carried) upsertSearchAttributes([{ key: RunStateAttribute, value: phase }]);

  const ready = (a: AlbumRestoreState | undefined) => a !== undefined && a.files === a.available;
  for (let check = 0; ; check++) {
    for (const album of input.albums) {
      const before = albums.get(album.albumKey);
      if (ready(before)) continue;
      const now = await restoreAlbumFiles({ bucket: input.bucket, tier: input.tier, days: input.days, album });
      albums.set(album.albumKey, { ...now, requested: now.requested + (before?.requested ?? 0) });
    }
    checkedAt = new Date().toISOString();
    if (input.albums.every((a) => ready(albums.get(a.albumKey)))) break;
    if (check + 1 >= CHECKS_PER_RUN || workflowInfo().continueAsNewSuggested)
      await continueAsNew<typeof archiveRestoreWorkflow>(input, { albums: [...albums.values()] });
    await sleep(input.checkEvery as Duration);
  }

  phase = 'ready';
  upsertSearchAttributes([{ key: RunStateAttribute, value: phase }]);
  try {
    await notifyRestoreWebhook(progress());
  } catch (err) {
    // The files are readable and the phase says so: a hook that keeps failing ends no restore.
    log.warn('The webhook did not take the restore', { error: String(err) });
  }
  return progress();
}
