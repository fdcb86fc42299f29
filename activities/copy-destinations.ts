import type { S3Client } from '@aws-sdk/client-s3';
import type { MigrationTarget } from '../common/migration-input';
import { isAlreadyCopied } from '../s3/object-settings';
import { replicaTargetOf } from '../s3/replicas';
import type { PlanEntry } from '../state/documents';
import type { ActivityDeps } from './deps';

/** A bucket a copied original is written to: the migration's own, or the replica the worker writes. */
export interface CopyDestination {
  to: 'primary' | 'replica';
  s3: S3Client;
  /** The object settings' target: the bucket, its class, encryption, tags, retention. */
  target: MigrationTarget;
}

/**
 * Where the originals of a migration are written, each from the same bytes read from SmugMug once:
 * its bucket, and its replica when the worker writes one (not when S3 replication does).
 */
export function copyDestinations({ s3, replicas }: Pick<ActivityDeps, 's3' | 'replicas'>, target: MigrationTarget) {
  const all: CopyDestination[] = [{ to: 'primary', s3, target }];
  const { replica } = target;
  if (replica?.by === 'copy')
    all.push({ to: 'replica', s3: replicas.get(replica.connection), target: replicaTargetOf(target, replica) });
  return {
    all,
    /** The destinations a file is copied to: all, or the replica only when the bucket holds it already. */
    of: (entry: PlanEntry) => (entry.replicaOnly ? all.filter((d) => d.to === 'replica') : all),
    /** Of a file's destinations, those that do not hold it complete yet (a retried attempt's question). */
    lacking: async (entry: PlanEntry) => {
      const held = await Promise.all(
        all.map((d) =>
          entry.replicaOnly && d.to === 'primary' ? true : isAlreadyCopied(d.s3, d.target.bucket, entry),
        ),
      );
      return all.filter((_, i) => !held[i]);
    },
  };
}
