import { z } from 'zod';

/** How the worker copies files: what goes in parts, how much at once, and the memory all of it may hold. */
export const TransferSettings = z.object({
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
  /** Bytes of file data this worker holds in memory at once, over all its transfers. */
  MEMORY_BUDGET_MB: z.coerce.number().min(16).default(96),
});
export type TransferSettings = z.infer<typeof TransferSettings>;
