import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { loadSettings } from '../config/load';
import { PayloadKeySettings } from '../config/payload-keys';
import { S3Settings } from '../config/s3';
import { credentialsFromFile, SmugMugSettings } from '../config/smugmug';
import { TemporalSettings, withTemporalProfile } from '../config/temporal';

/**
 * One worker process per two cores: a busy process keeps about two busy, its JavaScript thread
 * (sockets, the SDKs, Temporal) and its MD5 thread, so more processes than that only compete.
 */
export function defaultWorkerProcesses(cores = availableParallelism()): number {
  return Math.max(1, Math.floor(cores / 2));
}

/** The worker's configuration, from its environment only: credentials never pass through workflows. */
export const WorkerConfig = z.object({
  ...SmugMugSettings.shape,
  ...S3Settings.shape,
  ...TemporalSettings.shape,
  ...PayloadKeySettings.shape,
  /** Files above this go through a resumable multipart upload, one per activity. */
  LARGE_FILE_THRESHOLD_MB: z.coerce.number().positive().default(16),
  PART_SIZE_MB: z.coerce.number().min(5).default(16),
  /**
   * Parts of one large file in flight at once, each read over its own connection (a range) and
   * sent. Two double a distant server's per-connection throughput for every large file, and bound
   * what a crash makes read again to two parts; more large files run side by side in the memory budget.
   */
  PART_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(2),
  /** Files of one small-file batch copied at once. */
  FILE_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  BATCH_MAX_FILES: z.coerce.number().int().min(1).default(100),
  BATCH_MAX_MB: z.coerce.number().positive().default(256),
  /** host:port of the worker's Prometheus endpoint (/metrics); unset: no metrics served. */
  WORKER_METRICS_ADDRESS: z
    .string()
    .regex(/^[^\s:]+:\d+$/, 'host:port')
    .optional(),
  /**
   * Activities one SmugMug account may start per second, over all workers together: SmugMug limits
   * requests per user and application, whatever the number of workers. The worker sets it at start
   * as the task queue's per-fairness-key rate limit (Temporal's matching enforces it; every run of an
   * account carries its nickname as fairness key). Unset: the queue's own setting stays as it is.
   */
  SMUGMUG_ACCOUNT_ACTIVITIES_PER_SECOND: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.coerce.number().positive().max(10_000).optional(),
  ),
  /** Bytes of file data this worker holds in memory at once, over all its transfers. */
  MEMORY_BUDGET_MB: z.coerce.number().min(16).default(96),
  /** Worker processes `npm run worker` starts on this machine, each with its own memory budget. */
  WORKER_PROCESSES: z.coerce.number().int().min(1).max(64).default(defaultWorkerProcesses()),
});
export type WorkerConfig = z.infer<typeof WorkerConfig>;

export function loadWorkerConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  return loadSettings(WorkerConfig, withTemporalProfile({ ...credentialsFromFile(env), ...env }), 'Worker');
}
