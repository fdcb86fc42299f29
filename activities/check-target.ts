import type { MigrationTarget } from '../common/migration-input';
import { assertBucketUsable, assertStorageClassOffered } from '../s3/bucket-access';
import type { ActivityDeps } from './deps';

export interface TargetCheckInput {
  account: string;
  bucket: string;
  /** Absent in calls from desks started before storage classes were checked. */
  storageClass?: MigrationTarget['storageClass'];
}

/**
 * What can be known before a migration starts, checked while the person starting it waits: the
 * bucket exists and the worker may use it, the store offers the storage class asked for, and the
 * worker's SmugMug token belongs to the account.
 */
export function checkMigrationTarget({ s3, smugmug, config }: ActivityDeps) {
  const store = config.AWS_ENDPOINT_URL_S3 ? `the S3 store at ${config.AWS_ENDPOINT_URL_S3}` : 'Amazon S3';
  return async function checkMigrationTarget(input: TargetCheckInput): Promise<void> {
    const bucketReady = async () => {
      await assertBucketUsable(s3, input.bucket);
      await assertStorageClassOffered(s3, input.bucket, input.storageClass, store);
    };
    await Promise.all([bucketReady(), smugmug.accountUser(input.account)]);
  };
}
