import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { metadataActivity, quickCheckActivity } from '../activity-options';

/** Albums read from the bucket's album list at a time. */
export const ALBUM_PAGE = 100;

/** The activities a migration runs; its albums run their own (../album/activities.ts). */
export const {
  preflightBucket,
  discoverAlbums,
  readAlbums,
  findAlbums,
  checkArchiveProtection,
  writeMigrationReport: writeReports,
} = proxyActivities<Activities>(metadataActivity);

/** Read while a person waits for the answer to a retry: an outage fails the request (try again), not waits in it. */
export const { listFailedAlbums } = proxyActivities<Activities>(quickCheckActivity);
