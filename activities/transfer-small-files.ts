import { PutObjectCommand } from '@aws-sdk/client-s3';
import { activityInfo, cancellationSignal, log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { createHash } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { BatchInput, TransferResult } from '../common/migration-types';
import { errorType } from '../common/error-types';
import { transientTypeOf } from '../common/failure-classes';
import { crc32Base64, objectSettings, RECORDED_CRC32 } from '../s3/object-settings';
import type { PlanEntry } from '../state/documents';
import { StateStore } from '../state/store';
import { readInto } from '../transfer/part-reader';
import { type CopyDestination, copyDestinations } from './copy-destinations';
import type { SmugMugClient } from '../smugmug/client';
import type { ActivityDeps } from './deps';
import { smugmugOfThisRun } from './smugmug-of-run';
import { withHeartbeats } from './keep-alive';
import { migrationMetrics } from './migration-metrics';

/** Tries of one file within an attempt of its batch, before the batch attempt fails (and Temporal retries it). */
const FILE_ATTEMPTS = 3;

/**
 * Copies a batch of small files, several at once. Each is read whole (it is small), checked against
 * SmugMug's size, and written with SmugMug's MD5 as Content-MD5: S3 computes the MD5 of what it
 * receives and refuses the write when they differ (BadDigest), so the bytes are hashed once, by S3,
 * not also here. The CRC32 of the same bytes, computed natively here, is sent for S3 to check and
 * store, and recorded in the object's metadata: verification compares the two (the checksum chain).
 * With a replica the worker writes, the same bytes go to both buckets, read once. A retried attempt
 * skips the writes an earlier attempt already finished.
 */
export function transferSmallFiles(deps: ActivityDeps) {
  const { s3, memory, fileSlots } = deps;
  /** Reads a file from SmugMug once, and writes the same bytes to each of its destinations. */
  async function copyOnce(
    smugmug: SmugMugClient,
    entry: PlanEntry,
    destinations: CopyDestination[],
    signal: AbortSignal,
  ) {
    const res = await smugmug.download(entry.url, { signal });
    // The whole file is held in memory while it is checked and written, within the worker's budget:
    // taken once its bytes start to come, not while the first byte is awaited (a distant server's
    // 60 ms is a fifth of a photo's time), so the same memory serves more files at once.
    await memory.withBuffers(1, entry.size, async ([body]) => {
      // Straight into a buffer of the expected size: the file is held once, not once per copy.
      const received = await readInto(res, body, 'it lists');
      if (received !== entry.size) throw new Error(`received ${received} of ${entry.size} bytes`);
      const crc32 = crc32Base64(body);
      await Promise.all(destinations.map((d) => put(entry, d, body, crc32, signal)));
    });
  }

  async function put(entry: PlanEntry, destination: CopyDestination, body: Buffer, crc32: string, signal: AbortSignal) {
    const settings = objectSettings(entry, destination.target);
    try {
      await destination.s3.send(
        new PutObjectCommand({
          ...settings,
          // The CRC32 is recorded with the object, computed over the same bytes whose MD5 S3 checks:
          // the checksum chain that proves an archived copy without reading it back.
          Metadata: { ...settings.Metadata, [RECORDED_CRC32]: crc32 },
          Body: body,
          ContentLength: body.length,
          // SmugMug's MD5, so S3 refuses other bytes; for a component without one, the MD5 of what came, so at least the way to S3 is checked.
          ContentMD5: entry.md5
            ? Buffer.from(entry.md5, 'hex').toString('base64')
            : createHash('md5').update(body).digest('base64'),
          // The algorithm named too (x-amz-sdk-checksum-algorithm): S3 stores the value either way, moto only then.
          ChecksumAlgorithm: 'CRC32',
          ChecksumCRC32: crc32,
        }),
        { abortSignal: signal },
      );
    } catch (err) {
      if ((err as Error).name === 'BadDigest')
        throw new Error(
          `received bytes differ from SmugMug's MD5 ${entry.md5}: ${destination.to === 'replica' ? "the replica's store" : 'S3'} refused them (BadDigest)`,
        );
      throw err;
    }
  }

  return async function transferSmallFiles(input: BatchInput): Promise<TransferResult> {
    const signal = cancellationSignal();
    const entries = await new StateStore(s3, input.target.bucket).planBatch(input.planPrefix, input.batchIndex);
    const destinations = copyDestinations(deps, input.target);
    const smugmug = await smugmugOfThisRun(deps);
    const retried = activityInfo().attempt > 1;
    const result: TransferResult = { files: 0, bytes: 0, alreadyPresent: 0 };
    const metrics = migrationMetrics();
    await withHeartbeats(
      () => ({ done: result.files + result.alreadyPresent, concurrency: fileSlots.limit }),
      () =>
        Promise.all(
          entries.map((entry) =>
            fileSlots.run(async () => {
              // A retried attempt writes only where an earlier one did not finish.
              const to = retried ? await destinations.lacking(entry) : destinations.of(entry);
              if (to.length === 0) {
                result.alreadyPresent += 1;
                return;
              }
              for (let attempt = 1; ; attempt++) {
                try {
                  await copyOnce(smugmug, entry, to, signal);
                  break;
                } catch (err) {
                  if (signal.aborted) throw err;
                  if (isThrottling(err)) fileSlots.congested();
                  const final = attempt >= FILE_ATTEMPTS || (err instanceof ApplicationFailure && err.nonRetryable);
                  // A component (a RAW) that cannot be copied, outages aside, is left out: verification
                  // finds it missing and holds its image on SmugMug, and the batch's other files go on.
                  if (final && entry.component && !transientTypeOf(err)) {
                    metrics.transferFailures.add(1);
                    log.warn('A component was not copied; its image stays on SmugMug', {
                      file: entry.fileName,
                      imageKey: entry.imageKey,
                      problem: (err as Error).message,
                    });
                    return;
                  }
                  if (err instanceof ApplicationFailure && err.nonRetryable) throw err;
                  if (attempt >= FILE_ATTEMPTS) metrics.transferFailures.add(1);
                  else metrics.transferRetries.add(1);
                  // An outage keeps its transient type, so the batch waits it out instead of failing.
                  const type = transientTypeOf(err) ?? errorType('FileTransferFailed');
                  if (attempt >= FILE_ATTEMPTS)
                    throw ApplicationFailure.retryable(
                      `${entry.fileName} (${entry.imageKey}): ${(err as Error).message}`,
                      type,
                    );
                  await delay(500 * attempt, undefined, { signal });
                }
              }
              fileSlots.delivered(entry.size);
              result.files += 1;
              result.bytes += entry.size;
              metrics.filesTransferred.add(1);
              metrics.bytesTransferred.add(entry.size);
            }),
          ),
        ),
    );
    return { ...result, concurrency: fileSlots.limit };
  };
}

/**
 * S3 asking for fewer requests (SlowDown, 503): a sign of too many at once. (SmugMug's 429s reach the
 * slots from its client, each as it is answered: counted here too, one would cut twice.)
 */
function isThrottling(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e.name === 'SlowDown' || e.$metadata?.httpStatusCode === 503;
}
