import { assertBucketUsable } from '../s3/bucket-access';
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
    await Promise.all([assertBucketUsable(s3, input.bucket), smugmug.accountUser(input.account)]);
  };
}
