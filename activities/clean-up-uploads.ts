import { AbortMultipartUploadCommand, DeleteObjectsCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { checkpointPrefix } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';

/** Aborts every multipart upload left under an album's folder and drops its checkpoints: nothing half-done remains. */
export function cleanUpUploads({ s3 }: ActivityDeps) {
  return async function cleanUpUploads(input: {
    bucket: string;
    albumFolderKey: string;
    planPrefix: string;
  }): Promise<number> {
    let aborted = 0;
    // The SDK has no paginator for ListMultipartUploads: its two markers are followed here.
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const page = await s3.send(
        new ListMultipartUploadsCommand({
          Bucket: input.bucket,
          Prefix: `${input.albumFolderKey}/`,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
      for (const upload of page.Uploads ?? []) {
        await s3.send(
          new AbortMultipartUploadCommand({ Bucket: input.bucket, Key: upload.Key!, UploadId: upload.UploadId! }),
        );
        aborted += 1;
      }
      if (!page.IsTruncated) break;
      keyMarker = page.NextKeyMarker;
      uploadIdMarker = page.NextUploadIdMarker;
    }
    const store = new StateStore(s3, input.bucket);
    const keys: Array<{ Key: string }> = [];
    for await (const key of store.keys(checkpointPrefix(input.planPrefix))) keys.push({ Key: key });
    if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: input.bucket, Delete: { Objects: keys } }));
    return aborted;
  };
}
