import type { S3Client } from '@aws-sdk/client-s3';
import type { BucketChecks } from '../common/records';
import { checkBucket } from '../s3/bucket-checks';
import type { ReplicaClients } from '../s3/replicas';

/** The target bucket as a person choosing it sees it: its protections, each ok, missing or unknown. */
export class BucketService {
  constructor(
    private readonly s3: S3Client,
    private readonly replicas: ReplicaClients,
  ) {}

  /** The protections of a bucket: the migrations' own store's, or a replica connection's. */
  protections(bucket: string, replica?: string): Promise<BucketChecks> {
    return checkBucket(replica ? this.replicas.get(replica) : this.s3, bucket);
  }

  /** The replica connections a second copy may name (their names only). */
  replicaNames(): string[] {
    return this.replicas.names();
  }
}
