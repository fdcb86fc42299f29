import type { ActivityOptions, RetryPolicy } from '@temporalio/workflow';

/** Failures no retry can mend: wrong credentials or account, a missing bucket or plan. */
const NON_RETRYABLE = ['SmugMugAuthError', 'WrongAccount', 'BucketMissing', 'BucketAccessDenied', 'PlanMissing'];

const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '1m', maximumAttempts: 8, nonRetryableErrorTypes: NON_RETRYABLE };

// Activities heartbeat every 5 s (keep-alive.ts); a worker that dies is noticed within these
// timeouts and its work handed to another worker, so they are a few heartbeats long, no more.

/** Listing, planning, verifying: bounded work that heartbeats as it pages. */
export const metadataActivity: ActivityOptions = { startToCloseTimeout: '30m', heartbeatTimeout: '1m', retry };

/** A batch of small files. */
export const smallFilesActivity: ActivityOptions = { startToCloseTimeout: '1h', heartbeatTimeout: '30s', retry };

/**
 * One large file: may take hours, heartbeats on every chunk, so a dead worker is noticed within
 * the heartbeat timeout and another attempt resumes from the last part.
 */
export const largeFileActivity: ActivityOptions = { startToCloseTimeout: '12h', heartbeatTimeout: '20s', retry: { ...retry, maximumAttempts: 20 } };
