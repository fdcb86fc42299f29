import { z } from 'zod';
import { AdaptiveConcurrency } from './adaptive-concurrency';

/** How the worker copies files: what goes in parts, how much at once, and the memory all of it may hold. */
export const TransferSettings = z.object({
  /** Files above this go through a resumable multipart upload, one per activity. */
  LARGE_FILE_THRESHOLD_MB: z.coerce.number().positive().default(16),
  /**
   * S3's smallest part: a large file holds PART_CONCURRENCY parts in memory, so small parts let
   * more of them be read at once in the same memory (three videos of 3 parts each in 45 MiB). A
   * file of over 9,000 parts gets larger ones.
   */
  PART_SIZE_MB: z.coerce.number().min(5).default(5),
  /**
   * Parts of one large file in flight at once, each read over its own connection (a range) and
   * sent. Three multiply a distant server's per-connection throughput for every large file and hide
   * each part's first-byte wait behind the others' bytes (WAN videos, one run each: 2 parts of 8 MiB
   * 88 MB/s, 3 of 5 MiB 121, 4 of 5 MiB 143 but a larger budget), and bound what a crash makes
   * read again to three parts.
   */
  PART_CONCURRENCY: z.coerce.number().int().min(1).max(16).default(3),
  /**
   * Small files this worker copies at once, fixed. Unset (the default), the worker finds it from what
   * the network delivers (transfer/adaptive-concurrency.ts), from ADAPTIVE_FILES.initial up to .max.
   */
  FILE_CONCURRENCY: z.coerce.number().int().min(1).max(64).optional(),
  BATCH_MAX_FILES: z.coerce.number().int().min(1).default(100),
  BATCH_MAX_MB: z.coerce.number().positive().default(256),
  /**
   * Bytes of file data this worker holds in memory at once, over all its transfers. 48 keeps the
   * worker's peak RSS below 300 MB (96 gave 320–350 MB on WAN photos, 64 up to 312 on loopback
   * photos) and still holds ten photos being read at once, each taking its memory only once its
   * first byte has come, or three videos' parts.
   */
  MEMORY_BUDGET_MB: z.coerce.number().min(16).default(48),
});
export type TransferSettings = z.infer<typeof TransferSettings>;

/**
 * Where the adaptive file concurrency starts and how far it goes: 24 is what the fixed settings
 * gave an album before (8 files in each of its 3 batches at once), which a nearby network fills and
 * an album of tiny files needs (measured: 8 at once made the 5,000-photo test twice as slow); 64 lets
 * a distant one (60 ms to the first byte, 25 MB/s a connection) fill a gigabit link, and the memory
 * budget bounds the bytes all of them hold. 2 keeps a file going while another waits on SmugMug.
 */
export const ADAPTIVE_FILES = { initial: 24, min: 2, max: 64 } as const;
/** A measurement window of the adaptive concurrency: a few files finish in it on any link worth measuring. */
export const ADAPTIVE_WINDOW_MS = 2_000;

/** The worker's file slots: fixed at FILE_CONCURRENCY when it is set, else adaptive. */
export function fileSlotsFor(settings: Pick<TransferSettings, 'FILE_CONCURRENCY'>): AdaptiveConcurrency {
  const fixed = settings.FILE_CONCURRENCY;
  return new AdaptiveConcurrency(
    fixed
      ? { initial: fixed, min: fixed, max: fixed, windowMs: ADAPTIVE_WINDOW_MS, fixed: true }
      : { ...ADAPTIVE_FILES, windowMs: ADAPTIVE_WINDOW_MS },
  );
}
