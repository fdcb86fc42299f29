import { S3ServiceException } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { errorType } from '../common/error-types';

/** The failures of a target a person can fix, worded once for the check before a start and the migration itself. */

/** A missing or forbidden bucket as the failure a person can act on; undefined for other errors. */
export function bucketFailure(err: unknown, bucket: string): ApplicationFailure | undefined {
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

export function wrongAccount(tokenOwner: string, account: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `The worker's SmugMug token belongs to "${tokenOwner}", not "${account}": migrate "${tokenOwner}", or log the worker in as "${account}"`,
    errorType('WrongAccount'),
  );
}
