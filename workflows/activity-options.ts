import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { PERMANENT_ERROR_TYPES } from '../common/error-types';

/**
 * No attempt limit: an outage of SmugMug or S3 (refused, reset, 5xx, 429, SlowDown) is waited out
 * however long it lasts, at most 2 minutes between tries (a few requests an hour per waiting
 * activity, and the migration resumes within 2 minutes of the end of an outage). Permanent failures are final at once; other
 * failures are made final by the worker after a few attempts (worker/failure-policy.ts).
 */
const retry: RetryPolicy = {
  initialInterval: '1s',
  backoffCoefficient: 2,
  maximumInterval: '2m',
  nonRetryableErrorTypes: PERMANENT_ERROR_TYPES,
};

/** A check made while a person waits for the answer (starting a migration): a few quick tries. */
export const quickCheckActivity: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '500ms', maximumAttempts: 3, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
};

// Activities heartbeat every 5 s (activities/keep-alive.ts); a worker that dies is noticed within these
// timeouts and its work handed to another worker, so they are a few heartbeats long, no more.

/** Listing, planning, verifying: bounded work that heartbeats as it pages. */
export const metadataActivity: ActivityOptions = { startToCloseTimeout: '30m', heartbeatTimeout: '1m', retry };

/** A batch of small files. */
export const smallFilesActivity: ActivityOptions = { startToCloseTimeout: '1h', heartbeatTimeout: '30s', retry };

/**
 * One large file: may take hours, heartbeats on every chunk, so a dead worker is noticed within
 * the heartbeat timeout and another attempt resumes from the last part.
 */
export const largeFileActivity: ActivityOptions = { startToCloseTimeout: '12h', heartbeatTimeout: '20s', retry };

/**
 * Waiting for a migration to end (a scheduled run): as long as it takes, one long poll; the
 * heartbeat lets another worker take over the wait within a minute if this one dies.
 */
export const waitForMigrationActivity: ActivityOptions = {
  startToCloseTimeout: '30 days',
  heartbeatTimeout: '1m',
  retry,
};

/**
 * An audit of the archive at rest: one pass over the bucket's listing, however long (an archive of
 * 1,000,000 files takes minutes), heartbeating as it pages; a retried attempt lists again.
 */
export const auditActivity: ActivityOptions = { startToCloseTimeout: '12h', heartbeatTimeout: '1m', retry };

/** Asking S3 about an album's archived files, and requesting their restore: bounded, heartbeating as it goes. */
export const restoreRequestActivity: ActivityOptions = { startToCloseTimeout: '1h', heartbeatTimeout: '1m', retry };

/** A call to the operator's webhook: a few tries, then the audit ends without it (its report stays). */
export const webhookActivity: ActivityOptions = {
  startToCloseTimeout: '30s',
  retry: { initialInterval: '5s', maximumAttempts: 5, nonRetryableErrorTypes: PERMANENT_ERROR_TYPES },
};

/** Waiting for the deep audit's Batch Operations job: hours, polled each minute, heartbeating. */
export const batchJobActivity: ActivityOptions = { startToCloseTimeout: '7 days', heartbeatTimeout: '5m', retry };

/**
 * Uploads of one album (up to 5,000 files, some of gigabytes) to SmugMug: hours at most, heartbeating
 * as they go; a retried attempt finds what was uploaded already by listing the album.
 */
export const uploadActivity: ActivityOptions = { startToCloseTimeout: '24h', heartbeatTimeout: '1m', retry };
