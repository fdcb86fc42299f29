import { GetBucketEncryptionCommand, GetBucketLocationCommand, GetBucketVersioningCommand, HeadBucketCommand, S3ServiceException } from '@aws-sdk/client-s3';
import { ApplicationFailure } from '@temporalio/common';
import type { BucketReport } from '../common/migration-types';
import type { ActivityDeps } from './deps';

/** Checks the target bucket before anything is copied: it exists, we may write, and how it is protected. */
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
    const optional = async <T>(fn: () => Promise<T>): Promise<T | undefined> => fn().catch(() => undefined);
    const location = await optional(() => s3.send(new GetBucketLocationCommand({ Bucket: bucket })));
    const versioning = await optional(() => s3.send(new GetBucketVersioningCommand({ Bucket: bucket })));
    let encryption = 'unknown';
    try {
      const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
      encryption = enc.ServerSideEncryptionConfiguration?.Rules?.map((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm).join(',') || 'none';
    } catch (err) {
      if (err instanceof S3ServiceException && /ServerSideEncryptionConfigurationNotFound/.test(err.name)) encryption = 'none';
    }
    return {
      bucket,
      region: location?.LocationConstraint || 'us-east-1',
      versioning: versioning ? ((versioning.Status as 'Enabled' | 'Suspended' | undefined) ?? 'Disabled') : 'unknown',
      encryption,
    };
  };
}
