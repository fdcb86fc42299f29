import { GetBucketLocationCommand } from '@aws-sdk/client-s3';
import type { BucketReport } from '../common/records';
import { assertBucketUsable } from '../s3/bucket-access';
import { checkBucket } from '../s3/bucket-checks';
import type { ActivityDeps } from './deps';

/**
 * Checks the target bucket before anything is copied: it exists, we may write, and how it is
 * protected (each setting ok / missing / unknown; `smugmug-s3 bucket setup` fixes what is missing).
 */
export function preflightBucket({ s3 }: ActivityDeps) {
  return async function preflightBucket(input: { bucket: string }): Promise<BucketReport> {
    const { bucket } = input;
    await assertBucketUsable(s3, bucket);
    const location = await s3.send(new GetBucketLocationCommand({ Bucket: bucket })).catch(() => undefined);
    const checks = await checkBucket(s3, bucket);
    const versioning =
      checks.versioning.status === 'ok'
        ? 'Enabled'
        : checks.versioning.status === 'unknown'
          ? 'unknown'
          : checks.versioning.detail === 'Suspended'
            ? 'Suspended'
            : 'Disabled';
    return {
      bucket,
      region: location?.LocationConstraint || 'us-east-1',
      versioning,
      encryption:
        checks.encryption.status === 'ok'
          ? checks.encryption.detail
          : checks.encryption.status === 'missing'
            ? 'none'
            : 'unknown',
      checks,
    };
  };
}
