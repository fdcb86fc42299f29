import { HeadBucketCommand, type S3Client, S3ServiceException } from '@aws-sdk/client-s3';
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
