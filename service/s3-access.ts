import { ListBucketsCommand, type S3Client } from '@aws-sdk/client-s3';
import type { BucketChecks } from '../common/records';
import { BucketName } from '../common/records';
import { type CredentialStore, StoredAws } from '../config/credential-store';
import { assertBucketUsable } from '../s3/bucket-access';
import { checkBucket } from '../s3/bucket-checks';
import { setUpBucket } from '../s3/bucket-setup';
import { createS3Client, type S3Settings } from '../s3/client';
import { awsProfiles, awsSourceWords, credentialsOf } from '../s3/stored-access';
import { Refusal } from './refusals';

/** What a person chose for S3 in setup, and what this computer offers to choose from. */
export interface S3AccessChoice {
  aws?: StoredAws;
  /** Where the credentials come from, in words (never a secret). */
  source: string;
  profiles: string[];
  bucket?: string;
}

/** The bucket a person named: its six checks when it exists; when not, the question whether to make it. */
export type BucketChoice =
  | {
      exists: true;
      bucket: string;
      checks: BucketChecks;
      /** The safe settings the store did not take when it made the bucket, and why. */
      notApplied?: Array<{ setting: string; why: string }>;
    }
  | { exists: false; bucket: string };

/** The bucket a person typed, or the refusal that says what a bucket name is. */
function bucketNamed(name: string): string {
  const bucket = BucketName.safeParse(name);
  if (!bucket.success)
    throw new Refusal(
      'invalid_request',
      `"${name}" is not a bucket name: lowercase letters, digits, dots and hyphens, 3 to 63 of them.`,
    );
  return bucket.data;
}

/** How long a page waits for S3 to accept credentials. */
const S3_ANSWER_MS = 15_000;

/**
 * The S3 side of first-run setup: which AWS credentials (a profile of this computer, keys entered
 * once, or the SDK's standard chain) and which region, checked by S3 before they are kept; then the
 * bucket, checked with the six checks, or made with the safe settings once the person confirms.
 * The choice goes to the credential store, where the API's and the workers' S3 clients read it.
 */
export class S3AccessService {
  constructor(
    private readonly s3: S3Client,
    private readonly store: CredentialStore,
    private readonly settings: S3Settings,
  ) {}

  /** The bucket chosen in setup, if any. */
  async chosenBucket(): Promise<string | undefined> {
    return (await this.store.read()).bucket;
  }

  async choice(): Promise<S3AccessChoice> {
    const { aws, bucket } = await this.store.read();
    return { aws, source: awsSourceWords(aws), profiles: await awsProfiles().catch(() => []), bucket };
  }

  /** Keeps the credentials and region once S3 accepts them (it lists the buckets they reach). */
  async saveAccess(input: unknown): Promise<void> {
    const parsed = StoredAws.safeParse(input);
    if (!parsed.success)
      throw new Refusal('invalid_request', 'Name a region, and either a profile or both parts of an access key.');
    const aws = parsed.data;
    const probe = createS3Client({ ...this.settings, AWS_REGION: aws.region }, { credentials: credentialsOf(aws) });
    try {
      await probe.send(new ListBucketsCommand({}), { abortSignal: AbortSignal.timeout(S3_ANSWER_MS) });
    } catch (err) {
      throw new Refusal(
        'unprocessable',
        `S3 did not accept ${awsSourceWords(aws)} (${(err as Error).name}: ${(err as Error).message}).`,
      );
    } finally {
      probe.destroy();
    }
    await this.store.update((stored) => {
      stored.aws = aws;
    });
  }

  /** The bucket's six checks if it exists (and it is kept as the chosen one); else whether to make it. */
  async chooseBucket(name: string): Promise<BucketChoice> {
    const bucket = bucketNamed(name);
    try {
      await assertBucketUsable(this.s3, bucket);
    } catch (err) {
      if ((err as { type?: string }).type === 'BucketMissing') return { exists: false, bucket };
      throw new Refusal('unprocessable', (err as Error).message);
    }
    return this.kept(bucket);
  }

  /** Makes the bucket with the safe settings (the same as `smugmug-s3 bucket setup --create`), then checks it. */
  async createBucket(name: string): Promise<BucketChoice> {
    const bucket = bucketNamed(name);
    const { steps } = await setUpBucket(this.s3, { bucket, create: true });
    if (steps.create?.outcome === 'failed')
      throw new Refusal('unprocessable', `S3 did not make the bucket: ${steps.create.detail}`);
    const notApplied = Object.entries(steps)
      .filter(([, step]) => step.outcome !== 'applied')
      .map(([setting, step]) => ({ setting, why: `${step.outcome}${step.detail ? ` (${step.detail})` : ''}` }));
    return { ...(await this.kept(bucket)), notApplied };
  }

  private async kept(bucket: string): Promise<Extract<BucketChoice, { exists: true }>> {
    const checks = await checkBucket(this.s3, bucket);
    await this.store.update((stored) => {
      stored.bucket = bucket;
    });
    return { exists: true, bucket, checks };
  }
}
