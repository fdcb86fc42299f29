import { metricMeter } from '@temporalio/activity';

/**
 * The migration's own Prometheus metrics, exported with the SDK's worker metrics (worker/main.ts,
 * WORKER_METRICS_ADDRESS). Made inside an activity, as the meter belongs to its context.
 */
export function migrationMetrics() {
  return {
    filesTransferred: metricMeter.createCounter(
      'smugmug_s3_files_transferred',
      'files',
      'Files copied to S3, their size and MD5 checked',
    ),
    bytesTransferred: metricMeter.createCounter(
      'smugmug_s3_bytes_transferred',
      'bytes',
      'Bytes of originals copied to S3',
    ),
    transferRetries: metricMeter.createCounter(
      'smugmug_s3_transfer_retries',
      'files',
      'Downloads or uploads of one file tried again after a failure',
    ),
    transferFailures: metricMeter.createCounter(
      'smugmug_s3_transfer_failures',
      'files',
      'Files a transfer activity gave up on (the activity is retried)',
    ),
    filesVerified: metricMeter.createCounter(
      'smugmug_s3_files_verified',
      'files',
      'Verification results, by result=ok|failed',
    ),
    originalsDeleted: metricMeter.createCounter(
      'smugmug_s3_originals_deleted',
      'images',
      'Originals deleted on SmugMug after an approval',
    ),
  };
}
