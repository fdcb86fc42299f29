import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import { largeFileActivity, metadataActivity, smallFilesActivity } from '../activity-options';

/** The activities an album run takes, each with the options of its kind of work. */
export const { planAlbum, verifyAlbum, cleanUpUploads, deleteOriginals, recordAlbumOutcome } =
  proxyActivities<Activities>(metadataActivity);
export const { transferSmallFiles } = proxyActivities<Activities>(smallFilesActivity);
export const { transferLargeFile } = proxyActivities<Activities>(largeFileActivity);
