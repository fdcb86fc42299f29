import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ReplicaTarget } from '../common/migration-input';
import { checkpointPrefix } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';

/** Aborts every multipart upload left under a folder of a bucket; returns how many. */
async function abortUploadsUnder(s3: S3Client, bucket: string, folder: string): Promise<number> {
  let aborted = 0;
  // The SDK has no paginator for ListMultipartUploads: its two markers are followed here.
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListMultipartUploadsCommand({
        Bucket: bucket,
        Prefix: `${folder}/`,
        KeyMarker: keyMarker,
        UploadIdMarker: uploadIdMarker,
      }),
    );
    for (const upload of page.Uploads ?? []) {
      await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key!, UploadId: upload.UploadId! }));
      aborted += 1;
    }
    if (!page.IsTruncated) return aborted;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/**
 * Aborts every multipart upload left under an album's folder (in the replica the worker writes
 * too) and drops its checkpoints: nothing half-done remains.
 */
export function cleanUpUploads({ s3, replicas }: ActivityDeps) {
  return async function cleanUpUploads(input: {
    bucket: string;
    albumFolderKey: string;
    planPrefix: string;
    /** Absent in calls from runs started before replicas. */
    replica?: ReplicaTarget;
  }): Promise<number> {
    let aborted = await abortUploadsUnder(s3, input.bucket, input.albumFolderKey);
    if (input.replica?.by === 'copy')
      aborted += await abortUploadsUnder(
        replicas.get(input.replica.connection),
        input.replica.bucket,
        input.albumFolderKey,
      );
    const store = new StateStore(s3, input.bucket);
    const keys: Array<{ Key: string }> = [];
    for await (const key of store.keys(checkpointPrefix(input.planPrefix))) keys.push({ Key: key });
    if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: input.bucket, Delete: { Objects: keys } }));
    return aborted;
  };
}
