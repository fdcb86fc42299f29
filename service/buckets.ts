import type { S3Client } from '@aws-sdk/client-s3';
import type { BucketChecks } from '../common/records';
import { checkBucket } from '../s3/bucket-checks';

/** The target bucket as a person choosing it sees it: its six protections, each ok, missing or unknown. */
export class BucketService {
  constructor(private readonly s3: S3Client) {}

  protections(bucket: string): Promise<BucketChecks> {
    return checkBucket(this.s3, bucket);
  }
}
