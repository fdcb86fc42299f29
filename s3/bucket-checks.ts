import {
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketLifecycleConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  type S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';

import { BUCKET_CHECKS, type BucketCheck, type BucketChecks } from '../common/records';
import { OBJECT_LOCK_MISSING, objectLockCheck } from './object-lock';

export { BUCKET_CHECKS, type BucketCheck, type BucketChecks };
export type CheckStatus = BucketCheck['status'];

/** The statement `smugmug-s3 bucket setup` adds: any request over plain HTTP is denied. */
export const TLS_ONLY_STATEMENT_ID = 'smugmug-s3-deny-insecure-transport';
/** The lifecycle rule it adds: multipart uploads left behind are aborted, so no one pays for their parts. */
export const ABORT_UPLOADS_RULE_ID = 'smugmug-s3-abort-incomplete-multipart-uploads';

/** Errors that say "this is not configured" as opposed to "we could not tell". */
const NOT_CONFIGURED =
  /NoSuchBucketPolicy|NoSuchLifecycleConfiguration|NoSuchCORSConfiguration|NoSuchPublicAccessBlockConfiguration|ServerSideEncryptionConfigurationNotFound|ObjectLockConfigurationNotFound/;

async function check(fn: () => Promise<BucketCheck>, missing: string): Promise<BucketCheck> {
  try {
    return await fn();
  } catch (err) {
    const name = err instanceof S3ServiceException ? err.name : '';
    if (NOT_CONFIGURED.test(name) || NOT_CONFIGURED.test(String((err as Error).message)))
      return { status: 'missing', detail: missing };
    // Not implemented by this S3 (MinIO has no public-access block), or not allowed to read it.
    return { status: 'unknown', detail: `could not read it: ${name || (err as Error).message}` };
  }
}

interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  Action?: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * Whether a statement denies every request over plain HTTP. A value may come back as a list of one
 * (MinIO gives `{"AWS": ["*"]}` and `["false"]` for what was written as `"*"` and `"false"`), which
 * means the same to S3.
 */
export function isTlsOnlyStatement(s: PolicyStatement): boolean {
  const actions = [s.Action].flat();
  const secure = [s.Condition?.Bool?.['aws:SecureTransport']].flat();
  const principal =
    typeof s.Principal === 'object' && s.Principal ? (s.Principal as { AWS?: unknown }).AWS : s.Principal;
  return (
    s.Effect === 'Deny' &&
    actions.includes('s3:*') &&
    secure.length === 1 &&
    String(secure[0]) === 'false' &&
    JSON.stringify([principal].flat()) === '["*"]'
  );
}

/** How the bucket protects what lands in it: each setting ok, missing, or unknown (not readable here). */
export async function checkBucket(s3: S3Client, bucket: string): Promise<BucketChecks> {
  const [versioning, encryption, publicAccessBlock, tlsOnlyPolicy, abortIncompleteUploads, cors, objectLock] =
    await Promise.all([
      check(async () => {
        const v = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket }));
        return v.Status === 'Enabled'
          ? { status: 'ok', detail: 'Enabled' }
          : { status: 'missing', detail: v.Status ?? 'never enabled' };
      }, 'versioning off'),
      check(async () => {
        const enc = await s3.send(new GetBucketEncryptionCommand({ Bucket: bucket }));
        const algorithms = (enc.ServerSideEncryptionConfiguration?.Rules ?? [])
          .map((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm)
          .filter(Boolean);
        return algorithms.length > 0
          ? { status: 'ok', detail: algorithms.join(',') }
          : { status: 'missing', detail: 'no default encryption' };
      }, 'no default encryption'),
      check(async () => {
        const block =
          (await s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))).PublicAccessBlockConfiguration ?? {};
        const off = (
          ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
        ).filter((k) => !block[k]);
        return off.length === 0
          ? { status: 'ok', detail: 'all four settings on' }
          : { status: 'missing', detail: `off: ${off.join(', ')}` };
      }, 'no public-access block'),
      check(async () => {
        const policy = await s3.send(new GetBucketPolicyCommand({ Bucket: bucket }));
        const statements = [
          (JSON.parse(policy.Policy ?? '{}') as { Statement?: PolicyStatement | PolicyStatement[] }).Statement ?? [],
        ].flat();
        return statements.some(isTlsOnlyStatement)
          ? { status: 'ok', detail: 'plain-HTTP requests denied' }
          : { status: 'missing', detail: 'the policy does not deny plain HTTP' };
      }, 'no bucket policy'),
      check(async () => {
        const lifecycle = await s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }));
        const rule = (lifecycle.Rules ?? []).find(
          (r) =>
            r.Status === 'Enabled' &&
            r.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined &&
            !r.Filter?.Prefix &&
            !r.Filter?.And &&
            !r.Filter?.Tag,
        );
        return rule
          ? { status: 'ok', detail: `after ${rule.AbortIncompleteMultipartUpload!.DaysAfterInitiation} days` }
          : { status: 'missing', detail: 'no bucket-wide rule aborts incomplete multipart uploads' };
      }, 'no lifecycle rules'),
      check(async () => {
        const rules = (await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
        return rules.length > 0
          ? { status: 'ok', detail: rules.flatMap((r) => r.AllowedOrigins ?? []).join(', ') }
          : { status: 'missing', detail: 'none (optional: only for galleries served from the bucket)' };
      }, 'none (optional: only for galleries served from the bucket)'),
      check(() => objectLockCheck(s3, bucket), OBJECT_LOCK_MISSING),
    ]);
  return { versioning, encryption, publicAccessBlock, tlsOnlyPolicy, abortIncompleteUploads, cors, objectLock };
}
