import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  type LifecycleRule,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketPolicyCommand,
  PutBucketVersioningCommand,
  PutPublicAccessBlockCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { z } from 'zod';
import { ObjectLockRetention } from '../common/migration-input';
import { setDefaultRetention } from './object-lock';
import {
  ABORT_UPLOADS_RULE_ID,
  type BucketChecks,
  checkBucket,
  isTlsOnlyStatement,
  TLS_ONLY_STATEMENT_ID,
} from './bucket-checks';

export const BucketSetupOptions = z.object({
  bucket: z
    .string()
    .min(3)
    .max(63)
    .regex(/^[a-z0-9][a-z0-9.-]+[a-z0-9]$/, 'an S3 bucket name: lowercase letters, digits, dots and hyphens'),
  /** Default encryption: SSE-S3, or SSE-KMS with this key. */
  kmsKeyId: z.string().min(1).optional(),
  abortIncompleteUploadsAfterDays: z.number().int().min(1).max(365).default(7),
  /** Origins allowed to GET objects from a browser (galleries); none: no CORS rule is written. */
  corsOrigins: z.array(z.url()).default([]),
  /** Make the bucket first (with Object Lock when `objectLock` is asked; S3 can only add it at creation or, on AWS, to a versioned bucket). */
  create: z.boolean().default(false),
  /** Object Lock's default retention for every new version; Object Lock cannot be turned off again. */
  objectLock: ObjectLockRetention.optional(),
});
export type BucketSetupOptions = z.input<typeof BucketSetupOptions>;

export type StepOutcome = 'applied' | 'failed' | 'not supported here';
export interface BucketSetupResult {
  steps: Record<string, { outcome: StepOutcome; detail?: string }>;
  /** The checks read back after the setup: what the migration's preflight will report. */
  checks: BucketChecks;
}

async function step(run: () => Promise<unknown>): Promise<{ outcome: StepOutcome; detail?: string }> {
  try {
    await run();
    return { outcome: 'applied' };
  } catch (err) {
    const name = err instanceof S3ServiceException ? err.name : '';
    const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined;
    if (name === 'NotImplemented' || status === 501)
      return { outcome: 'not supported here', detail: name || 'HTTP 501' };
    return { outcome: 'failed', detail: `${name || 'error'}: ${(err as Error).message}` };
  }
}

async function currentPolicy(s3: S3Client, bucket: string): Promise<{ Version?: string; Statement?: unknown }> {
  try {
    return JSON.parse((await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }))).Policy ?? '{}') as {
      Version?: string;
      Statement?: unknown;
    };
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'NoSuchBucketPolicy') return {};
    throw err;
  }
}

async function currentLifecycleRules(s3: S3Client, bucket: string): Promise<LifecycleRule[]> {
  try {
    return (await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))).Rules ?? [];
  } catch (err) {
    if (err instanceof S3ServiceException && err.name === 'NoSuchLifecycleConfiguration') return [];
    throw err;
  }
}

/**
 * `smugmug-s3 bucket setup`: makes a bucket safe to migrate into and to delete from: versioning,
 * default encryption, all public access blocked, plain HTTP denied by policy, stale multipart
 * uploads aborted, and (only if asked) the bucket made, Object Lock with a default retention, and CORS for galleries. Existing policy statements and
 * lifecycle rules are kept; running it again changes nothing. It never makes anything public.
 */
export async function setUpBucket(s3: S3Client, input: BucketSetupOptions): Promise<BucketSetupResult> {
  const opts = BucketSetupOptions.parse(input);
  const Bucket = opts.bucket;
  const steps: BucketSetupResult['steps'] = {};
  if (opts.create)
    steps.create = await step(async () => {
      try {
        // Outside us-east-1, S3 wants the region named as the bucket's location.
        const region = await s3.config.region();
        await s3.send(
          new CreateBucketCommand({
            Bucket,
            ObjectLockEnabledForBucket: Boolean(opts.objectLock),
            CreateBucketConfiguration:
              region === 'us-east-1' ? undefined : { LocationConstraint: region as BucketLocationConstraint },
          }),
        );
      } catch (err) {
        // Running setup again on the bucket it made changes nothing.
        if (!(err instanceof S3ServiceException && err.name === 'BucketAlreadyOwnedByYou')) throw err;
      }
    });
  steps.versioning = await step(() =>
    s3.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } })),
  );
  steps.encryption = await step(() =>
    s3.send(
      new PutBucketEncryptionCommand({
        Bucket,
        ServerSideEncryptionConfiguration: {
          Rules: [
            {
              ApplyServerSideEncryptionByDefault: opts.kmsKeyId
                ? { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: opts.kmsKeyId }
                : { SSEAlgorithm: 'AES256' },
              BucketKeyEnabled: Boolean(opts.kmsKeyId),
            },
          ],
        },
      }),
    ),
  );
  steps.publicAccessBlock = await step(() =>
    s3.send(
      new PutPublicAccessBlockCommand({
        Bucket,
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          IgnorePublicAcls: true,
          BlockPublicPolicy: true,
          RestrictPublicBuckets: true,
        },
      }),
    ),
  );
  steps.tlsOnlyPolicy = await step(async () => {
    const policy = await currentPolicy(s3, Bucket);
    const statements = [policy.Statement ?? []].flat() as Array<Parameters<typeof isTlsOnlyStatement>[0]>;
    if (statements.some(isTlsOnlyStatement)) return;
    statements.push({
      Sid: TLS_ONLY_STATEMENT_ID,
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${Bucket}`, `arn:aws:s3:::${Bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    } as Parameters<typeof isTlsOnlyStatement>[0]);
    await s3.send(
      new PutBucketPolicyCommand({
        Bucket,
        Policy: JSON.stringify({ Version: policy.Version ?? '2012-10-17', Statement: statements }),
      }),
    );
  });
  steps.abortIncompleteUploads = await step(async () => {
    const rules = (await currentLifecycleRules(s3, Bucket)).filter((r) => r.ID !== ABORT_UPLOADS_RULE_ID);
    rules.push({
      ID: ABORT_UPLOADS_RULE_ID,
      Status: 'Enabled',
      Filter: { Prefix: '' },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: opts.abortIncompleteUploadsAfterDays },
    });
    await s3.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } }));
  });
  const retention = opts.objectLock;
  if (retention) steps.objectLock = await step(() => setDefaultRetention(s3, Bucket, retention));
  if (opts.corsOrigins.length > 0) {
    // Read-only, for galleries showing the copies: the bucket stays private, browsers still need signed URLs.
    steps.cors = await step(() =>
      s3.send(
        new PutBucketCorsCommand({
          Bucket,
          CORSConfiguration: {
            CORSRules: [
              {
                AllowedOrigins: opts.corsOrigins,
                AllowedMethods: ['GET', 'HEAD'],
                AllowedHeaders: ['*'],
                MaxAgeSeconds: 3600,
              },
            ],
          },
        }),
      ),
    );
  }
  return { steps, checks: await checkBucket(s3, Bucket) };
}
