import { HeadBucketCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { errorType } from '../common/error-types';
import type { ActivityDeps } from './deps';

export interface TargetCheckInput {
  account: string;
  bucket: string;
}

/**
 * What can be known before a migration starts, checked while the person starting it waits: the
 * bucket exists and the worker may use it, and the worker's SmugMug token belongs to the account.
 */
export function checkMigrationTarget({ s3, smugmug }: ActivityDeps) {
  return async function checkMigrationTarget(input: TargetCheckInput): Promise<void> {
    await Promise.all([checkBucketReachable(input.bucket), checkTokenOwner(input.account)]);
  };

  async function checkBucketReachable(bucket: string) {
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (err) {
      throw bucketFailure(err, bucket) ?? err;
    }
  }

  async function checkTokenOwner(account: string) {
    const user = await smugmug.authUser();
    if (user.NickName.toLowerCase() !== account.toLowerCase()) throw wrongAccount(user.NickName, account);
  }
}

/** A missing or forbidden bucket as the failure a person can act on; undefined for other errors. */
export function bucketFailure(err: unknown, bucket: string): ApplicationFailure | undefined {
  const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
  if (status === 404) {
    return ApplicationFailure.nonRetryable(`Bucket "${bucket}" does not exist: create it (or fix the name) and start again`, errorType('BucketMissing'));
  }
  if (status === 403) {
    return ApplicationFailure.nonRetryable(`Access to bucket "${bucket}" is denied for the worker's AWS credentials`, errorType('BucketAccessDenied'));
  }
  return undefined;
}

export function wrongAccount(tokenOwner: string, account: string): ApplicationFailure {
  return ApplicationFailure.nonRetryable(
    `The worker's SmugMug token belongs to "${tokenOwner}", not "${account}": migrate "${tokenOwner}", or log the worker in as "${account}"`,
    errorType('WrongAccount'),
  );
}
