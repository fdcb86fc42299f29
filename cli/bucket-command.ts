import { BUCKET_CHECKS, type BucketChecks, checkBucket } from '../s3/bucket-checks';
import { ObjectLockRetention } from '../common/migration-input';
import { setUpBucket } from '../s3/bucket-setup';
import { LOCK_MODE_WORDS } from '../s3/object-lock';
import { createS3Client } from '../s3/client';
import { ReplicaClients } from '../s3/replicas';
import { loadSettings } from '../config/load';
import { ReplicaSettings } from '../config/replicas';

const MARK = { ok: 'ok     ', missing: 'MISSING', unknown: 'unknown' } as const;

export function formatChecks(checks: BucketChecks): string {
  return BUCKET_CHECKS.map((name) => `  ${MARK[checks[name].status]}  ${name.padEnd(23)} ${checks[name].detail}`).join(
    '\n',
  );
}

/**
 * `smugmug-s3 bucket check|setup BUCKET`: talks to S3 directly with the AWS credentials of the
 * environment (setup needs the rights to change bucket settings, which the worker need not have).
 */
export async function bucketCommand(
  action: string | undefined,
  bucket: string | undefined,
  opts: {
    kmsKeyId?: string;
    corsOrigins?: string[];
    abortAfterDays?: number;
    create?: boolean;
    objectLock?: string;
    /** The bucket is a replica's, at this connection of S3_REPLICAS (its endpoint and credentials). */
    replica?: string;
  },
  print: (line: string) => void,
): Promise<boolean> {
  if (!bucket || !['check', 'setup'].includes(action ?? ''))
    throw new Error(
      'usage: smugmug-s3 bucket check|setup BUCKET [--kms-key ID] [--cors-origin URL]... [--abort-after-days N] [--create] [--object-lock GOVERNANCE|COMPLIANCE:PERIOD] [--replica NAME]',
    );
  const replicas = opts.replica
    ? new ReplicaClients(loadSettings(ReplicaSettings, process.env, 'The replica').S3_REPLICAS)
    : undefined;
  const s3 =
    replicas?.get(opts.replica!) ??
    createS3Client({
      AWS_REGION: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3,
    });
  const name = opts.replica ? `${bucket} (replica ${opts.replica})` : bucket;
  try {
    if (action === 'check') {
      const checks = await checkBucket(s3, bucket);
      print(`Bucket ${name}:\n${formatChecks(checks)}`);
      return checks.versioning.status === 'ok';
    }
    const result = await setUpBucket(s3, {
      bucket,
      kmsKeyId: opts.kmsKeyId,
      corsOrigins: opts.corsOrigins,
      abortIncompleteUploadsAfterDays: opts.abortAfterDays,
      create: opts.create,
      objectLock: opts.objectLock === undefined ? undefined : parseRetention(opts.objectLock),
    });
    for (const [name, s] of Object.entries(result.steps))
      print(`  ${s.outcome.padEnd(18)} ${name}${s.detail ? ` (${s.detail})` : ''}`);
    print(`Bucket ${name} now:\n${formatChecks(result.checks)}`);
    return !Object.values(result.steps).some((s) => s.outcome === 'failed');
  } finally {
    s3.destroy();
    replicas?.destroy();
  }
}

/** `GOVERNANCE:30d`, `COMPLIANCE:7y`: a mode and a period in days or years, as S3's default retention takes them. */
export function parseRetention(text: string): ObjectLockRetention {
  const m = /^(GOVERNANCE|COMPLIANCE):(\d+)(d|y)$/i.exec(text.trim());
  if (!m)
    throw new Error(
      `--object-lock takes MODE:PERIOD, such as GOVERNANCE:30d or COMPLIANCE:7y (not "${text}"). ${LOCK_MODE_WORDS.GOVERNANCE}. ${LOCK_MODE_WORDS.COMPLIANCE}.`,
    );
  const amount = Number(m[2]);
  return ObjectLockRetention.parse({
    mode: m[1].toUpperCase(),
    ...(m[3].toLowerCase() === 'd' ? { days: amount } : { years: amount }),
  });
}
