import { GetBucketLocationCommand, HeadBucketCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import { checkBucket } from '../bucket/bucket-checks';
import type { BucketReport } from '../common/migration-types';
import type { ActivityDeps } from './deps';

/**
 * Checks the target bucket before anything is copied: it exists, we may write, and how it is
 * protected (each setting ok / missing / unknown; `smugmug-s3 bucket setup` fixes what is missing).
 */
export function preflightBucket({ s3 }: ActivityDeps) {
  return async function preflightBucket(input: { bucket: string }): Promise<BucketReport> {
    const { bucket } = input;
    try {
      await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    } catch (err) {
      const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
      if (status === 404) throw ApplicationFailure.nonRetryable(`Bucket "${bucket}" does not exist: create it (or fix the name) and start again`, 'BucketMissing');
      if (status === 403) throw ApplicationFailure.nonRetryable(`Access to bucket "${bucket}" is denied for the worker's AWS credentials`, 'BucketAccessDenied');
      throw err;
    }
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: bucket })).catch(() => undefined);
    const checks = await checkBucket(s3, bucket);
    const versioning = checks.versioning.status === 'ok' ? 'Enabled' : checks.versioning.status === 'unknown' ? 'unknown' : checks.versioning.detail === 'Suspended' ? 'Suspended' : 'Disabled';
    return {
      bucket,
      region: location?.LocationConstraint || 'us-east-1',
      versioning,
      encryption: checks.encryption.status === 'ok' ? checks.encryption.detail : checks.encryption.status === 'missing' ? 'none' : 'unknown',
      checks,
    };
  };
}
