import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { ActivityDeps } from './deps';
import { bucketFailure, wrongAccount } from './target-failures';

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
