import { ReplicaTarget } from '../common/migration-input';

/**
 * `--replica NAME:BUCKET` of `migrate` and `plan`: a second copy in BUCKET at the replica connection
 * NAME (S3_REPLICAS of the workers), written by the worker. Anything else is refused, saying the form.
 */
export function parseReplicaOption(text: string): ReplicaTarget {
  const [connection, bucket, ...rest] = text.split(':');
  const parsed = ReplicaTarget.safeParse({ connection, bucket });
  if (rest.length > 0 || !parsed.success)
    throw new Error(
      `--replica takes NAME:BUCKET, a replica connection of the workers (S3_REPLICAS) and a bucket there, such as offsite:my-photos-copy (not "${text}")`,
    );
  return parsed.data;
}
