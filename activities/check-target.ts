import type { MigrationTarget, ReplicaTarget } from '../common/migration-input';
import { assertBucketUsable, assertStorageClassOffered } from '../s3/bucket-access';
import { replicaStoreWords } from '../s3/replicas';
import type { ActivityDeps } from './deps';

export interface TargetCheckInput {
  account: string;
  bucket: string;
  /** Absent in calls from desks started before storage classes were checked. */
  storageClass?: MigrationTarget['storageClass'];
  /** Absent in calls from desks started before replicas existed. */
  replica?: ReplicaTarget;
}

/**
 * What can be known before a migration starts, checked while the person starting it waits: the
 * bucket exists and the worker may use it, the store offers the storage class asked for, the
 * replica (when one is named) is configured and reachable the same way, and the worker's SmugMug
 * token belongs to the account.
 */
export function checkMigrationTarget({ s3, smugmug, config, replicas }: ActivityDeps) {
  const store = config.AWS_ENDPOINT_URL_S3 ? `the S3 store at ${config.AWS_ENDPOINT_URL_S3}` : 'Amazon S3';
  return async function checkMigrationTarget(input: TargetCheckInput): Promise<void> {
    const bucketReady = async () => {
      await assertBucketUsable(s3, input.bucket);
      await assertStorageClassOffered(s3, input.bucket, input.storageClass, store);
    };
    const replicaReady = async (replica: ReplicaTarget) => {
      const client = replicas.get(replica.connection);
      await assertBucketUsable(client, replica.bucket);
      if (replica.by === 'copy')
        await assertStorageClassOffered(
          client,
          replica.bucket,
          replica.storageClass,
          replicaStoreWords(replica.connection, replicas.connection(replica.connection)),
        );
    };
    await Promise.all([
      bucketReady(),
      input.replica ? replicaReady(input.replica) : undefined,
      smugmug.clientFor(input.account).then((client) => client.accountUser(input.account)),
    ]);
  };
}
