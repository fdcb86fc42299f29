import {
  DeleteObjectCommand,
  HeadBucketCommand,
  PutObjectCommand,
  type S3Client,
  S3ServiceException,
  type StorageClass,
} from '@aws-sdk/client-s3';
import { STATE_FOLDER } from '../state/layout';
import { ApplicationFailure } from '@temporalio/common';
import { errorType } from '../common/error-types';

/**
 * Whether the worker may use the bucket: it exists, and its credentials reach it. A missing or
 * forbidden bucket fails at once with what a person can do about it (BucketMissing,
 * BucketAccessDenied); anything else (an outage) is thrown as it came, to be retried.
 */
export async function assertBucketUsable(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    throw bucketFailure(err, bucket) ?? err;
  }
}

/** A missing or forbidden bucket as the failure a person can act on; undefined for other errors. */
function bucketFailure(err: unknown, bucket: string): ApplicationFailure | undefined {
  const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
  if (status === 404) {
    return ApplicationFailure.nonRetryable(
      `Bucket "${bucket}" does not exist: create it (or fix the name) and start again`,
      errorType('BucketMissing'),
    );
  }
  if (status === 403) {
    return ApplicationFailure.nonRetryable(
      `Access to bucket "${bucket}" is denied for the worker's AWS credentials`,
      errorType('BucketAccessDenied'),
    );
  }
  return undefined;
}

/**
 * Whether the store offers a storage class, asked the only way S3 answers it: an empty object
 * written in that class, then removed with its version (left in place where the bucket's Object
 * Lock keeps it). MinIO, for one, refuses GLACIER and
 * DEEP_ARCHIVE (400 InvalidStorageClass); that fails at once, naming the class and the store.
 * STANDARD is offered everywhere and not asked.
 */
export async function assertStorageClassOffered(
  s3: S3Client,
  bucket: string,
  storageClass: StorageClass | undefined,
  store: string,
): Promise<void> {
  if (!storageClass || storageClass === 'STANDARD') return;
  const Key = `${STATE_FOLDER}/storage-class-probe/${storageClass}`;
  let written;
  try {
    written = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key,
        Body: Buffer.alloc(0),
        ContentLength: 0,
        StorageClass: storageClass,
      }),
    );
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'InvalidStorageClass')
      throw ApplicationFailure.nonRetryable(
        `Storage class ${storageClass} is not offered by ${store}: choose another class (STANDARD is offered everywhere)`,
        errorType('StorageClassUnsupported'),
      );
    throw bucketFailure(err, bucket) ?? err;
  }
  // Removed with its version; where a default retention locks it, the empty probe stays (harmless).
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key, VersionId: written.VersionId })).catch(() => undefined);
}
