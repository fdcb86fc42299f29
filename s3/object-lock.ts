import {
  GetObjectLockConfigurationCommand,
  type HeadObjectCommandOutput,
  PutObjectLockConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ObjectLockRetention } from '../common/migration-input';
import type { BucketCheck } from '../common/records';

/** What each Object Lock mode means, in plain words, wherever a person chooses or reads one. */
export const LOCK_MODE_WORDS = {
  GOVERNANCE:
    'GOVERNANCE: no one can delete or overwrite a locked version until its date, except someone explicitly granted the right to bypass it (this service never is)',
  COMPLIANCE:
    'COMPLIANCE: no one can delete or overwrite a locked version, or shorten its lock, until its date: not you, not an administrator, not the AWS root account',
} as const;

const DAY_MS = 24 * 3600 * 1000;

/** A retention in words: "GOVERNANCE, 30 days". */
export const retentionWords = (r: ObjectLockRetention) =>
  `${r.mode}, ${r.days !== undefined ? `${r.days} days` : `${r.years} years`}`;

/** The date a retention set now ends (years counted in calendar years, as S3 does). */
export function retainUntil(retention: ObjectLockRetention, now: Date): Date {
  const until = new Date(now);
  if (retention.days !== undefined) until.setTime(now.getTime() + retention.days * DAY_MS);
  else until.setUTCFullYear(now.getUTCFullYear() + retention.years!);
  return until;
}

/** The lock of a copy as HEAD shows it: its mode and date, or none. */
export function lockOf(head: Pick<HeadObjectCommandOutput, 'ObjectLockMode' | 'ObjectLockRetainUntilDate'>) {
  return head.ObjectLockMode && head.ObjectLockRetainUntilDate
    ? { lockMode: head.ObjectLockMode, retainUntil: head.ObjectLockRetainUntilDate.toISOString() }
    : {};
}

/** What the check says of a bucket without Object Lock. */
export const OBJECT_LOCK_MISSING =
  "no Object Lock (optional: it keeps the copies from being deleted or overwritten, even with the bucket's keys). " +
  'S3 adds it at creation (`smugmug-s3 bucket setup NEW-BUCKET --create --object-lock GOVERNANCE:30d`) or, on AWS, ' +
  'to a versioned bucket (`bucket setup BUCKET --object-lock GOVERNANCE:30d`)';

/** The bucket's Object Lock and default retention, as a check (optional unless a migration requires a lock). */
export async function objectLockCheck(s3: S3Client, bucket: string): Promise<BucketCheck> {
  const config = (await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))).ObjectLockConfiguration;
  if (config?.ObjectLockEnabled !== 'Enabled')
    return {
      status: 'missing',
      detail: 'no Object Lock (optional: it keeps copies from being deleted or overwritten)',
    };
  const retention = config.Rule?.DefaultRetention;
  if (!retention?.Mode)
    return { status: 'ok', detail: 'enabled, no default retention: only copies given a retention are locked' };
  const period = retention.Days !== undefined ? `${retention.Days} days` : `${retention.Years} years`;
  return { status: 'ok', detail: `default retention ${retention.Mode}, ${period}` };
}

/**
 * Turns Object Lock on with a default retention for new versions. S3 allows it on a bucket created
 * with Object Lock, and (AWS) on an existing bucket with versioning; it cannot be turned off again.
 */
export async function setDefaultRetention(s3: S3Client, bucket: string, retention: ObjectLockRetention) {
  await s3.send(
    new PutObjectLockConfigurationCommand({
      Bucket: bucket,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: retention.mode, Days: retention.days, Years: retention.years } },
      },
    }),
  );
}
