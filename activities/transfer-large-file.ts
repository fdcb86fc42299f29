import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  ListPartsCommand,
  type Part,
  type S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { cancellationSignal, heartbeat } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { errorType } from '../common/error-types';
import { transientTypeOf } from '../common/failure-classes';
import type { BatchInput, TransferResult } from '../common/migration-types';
import { Checkpoint, ChecksumRecord } from '../state/documents';
import { checkpointKey, checksumRecordKey } from '../state/layout';
import { StateStore } from '../state/store';
import { crc32 } from '@node-rs/crc32';
import { crc32Base64, crc32ToBase64, objectSettings } from '../s3/object-settings';
import { Md5Turns, PartProgress } from '../transfer/part-progress';
import { partReader } from '../transfer/part-reader';
import { copyDestinations } from './copy-destinations';
import type { ActivityDeps } from './deps';
import { smugmugOfThisRun } from './smugmug-of-run';
import { withHeartbeats } from './keep-alive';
import { migrationMetrics } from './migration-metrics';

/**
 * Every part an upload holds, page after page. Not the SDK's paginator: it follows
 * NextPartNumberMarker alone, which MinIO sets on the last page too, and would ask forever;
 * IsTruncated says when the list ends.
 */
async function listAllParts(s3: S3Client, bucket: string, key: string, uploadId: string): Promise<Part[]> {
  const parts: Part[] = [];
  let marker: string | undefined;
  for (;;) {
    const page = await s3.send(
      new ListPartsCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
    );
    parts.push(...(page.Parts ?? []));
    if (!page.IsTruncated) return parts;
    marker = page.NextPartNumberMarker;
  }
}

/**
 * Copies one large file with a multipart upload that survives worker crashes: every part is
 * checksummed, progress is checkpointed after each part, and the object is completed only if the
 * whole file's size and MD5 equal SmugMug's; otherwise the upload is aborted and started afresh.
 * The whole file's MD5 (a resumable state, kept in the checkpoint) is the only comparison with
 * SmugMug's MD5 a multipart object allows (its ETag is not an MD5); each part's CRC32 makes S3
 * refuse a part whose bytes differ from those read. The whole file's CRC32, computed over the same
 * bytes in order, is recorded (ChecksumRecord) and given to S3 as the object's full-object
 * checksum, which S3 checks against the parts and stores: verification compares the two without
 * reading the object back (the checksum chain), and the value does not depend on the part size.
 * With a replica the worker writes, each part read goes to an upload in each bucket: one download.
 */
export function transferLargeFile(deps: ActivityDeps) {
  const { s3, config, memory, md5Thread } = deps;
  return async function transferLargeFile(input: BatchInput): Promise<TransferResult> {
    const signal = cancellationSignal();
    const { bucket } = input.target;
    const store = new StateStore(s3, bucket);
    const [entry] = await store.planBatch(input.planPrefix, input.batchIndex);
    // Each destination (the bucket, the replica the worker writes) gets its own upload of the same parts.
    const { all, lacking } = copyDestinations(deps, input.target);
    const destinations = await lacking(entry);
    if (destinations.length === 0) return { files: 0, bytes: 0, alreadyPresent: 1 };
    const smugmug = await smugmugOfThisRun(deps);
    const cpKey = checkpointKey(input.planPrefix, entry);
    const abort = async (uploads: NonNullable<Checkpoint['uploads']>) => {
      for (const { to, uploadId } of uploads) {
        const d = all.find((a) => a.to === to);
        await d?.s3
          .send(new AbortMultipartUploadCommand({ Bucket: d.target.bucket, Key: entry.key, UploadId: uploadId }))
          .catch(() => undefined);
      }
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: cpKey }));
    };

    // Resume from the checkpoint when it writes where this attempt must and its parts are all still
    // there; otherwise start over. An outage while asking is waited out, not taken for lost parts.
    let checkpoint = await store.get(cpKey, Checkpoint);
    let parts: Part[][] = [];
    if (checkpoint) {
      const uploads = uploadsOf(checkpoint);
      try {
        if (checkpoint.crc32 === undefined) throw new Error('an upload from before the checksum chain');
        if (uploads.map((u) => u.to).join() !== destinations.map((d) => d.to).join())
          throw new Error('an upload to other destinations');
        parts = await Promise.all(
          destinations.map(async (d, i) =>
            (await listAllParts(d.s3, d.target.bucket, entry.key, uploads[i].uploadId)).filter(
              (p) => p.PartNumber! < checkpoint!.nextPart,
            ),
          ),
        );
        if (parts.some((list) => list.length !== checkpoint!.nextPart - 1)) throw new Error('parts missing');
      } catch (err) {
        if (transientTypeOf(err)) throw err;
        await abort(uploads);
        checkpoint = undefined;
        parts = [];
      }
    }
    if (!checkpoint) {
      const partSize = Math.max(config.PART_SIZE_MB * 2 ** 20, Math.ceil(entry.size / 9_000));
      const uploads = await Promise.all(
        destinations.map(async (d) => {
          const created = await d.s3.send(
            new CreateMultipartUploadCommand({
              ...objectSettings(entry, d.target),
              ChecksumAlgorithm: 'CRC32',
              ChecksumType: 'FULL_OBJECT',
            }),
          );
          return { to: d.to, uploadId: created.UploadId! };
        }),
      );
      checkpoint = {
        uploadId: uploads[0].uploadId,
        uploads,
        key: entry.key,
        partSize,
        nextPart: 1,
        bytesDone: 0,
        md5State: '',
        crc32: 0,
      };
      parts = destinations.map(() => []);
      await store.put(cpKey, Checkpoint, checkpoint);
    }
    const uploadIds = uploadsOf(checkpoint).map((u) => u.uploadId);
    const md5 = md5Thread.open(checkpoint.md5State || undefined);
    const cp: Checkpoint = checkpoint;
    // The CRC32 runs over the parts in the MD5's order (its turns), natively on this thread.
    let runningCrc32 = cp.crc32 ?? 0;
    heartbeat({ bytesDone: cp.bytesDone, resumedAtPart: cp.nextPart });

    // PART_CONCURRENCY parts are in flight, each read (its own range where SmugMug allows) and
    // sent by a slot that reuses one buffer of the worker's, so no part is allocated afresh. The MD5
    // (on its own thread) takes the parts strictly in order (Md5Turns). All slots' buffers are held within the
    // worker's memory budget; heartbeats go on while waiting for it, so a long wait is not taken
    // for a dead worker.
    let digest: string;
    try {
      if (cp.bytesDone < entry.size) {
        const slots = Math.min(config.PART_CONCURRENCY, Math.ceil((entry.size - cp.bytesDone) / cp.partSize));
        const progress = new PartProgress(
          cp,
          parts,
          (snapshot) => store.put(cpKey, Checkpoint, snapshot),
          (advanced) => heartbeat({ bytesDone: advanced.bytesDone, part: advanced.nextPart - 1 }),
        );
        await withHeartbeats(
          () => ({ bytesDone: cp.bytesDone, part: cp.nextPart - 1 }),
          () =>
            memory.withBuffers(slots, cp.partSize, async (buffers) => {
              const read = await partReader(smugmug, entry, { start: cp.bytesDone, size: cp.partSize }, signal);
              let nextStart = cp.bytesDone;
              let nextNumber = cp.nextPart;
              const md5Turns = new Md5Turns();
              const slot = async (buffer: Buffer) => {
                while (!progress.failure && nextStart < entry.size) {
                  const number = nextNumber++;
                  const start = nextStart;
                  const piece = buffer.subarray(0, Math.min(cp.partSize, entry.size - start));
                  nextStart += piece.length;
                  const turn = md5Turns.next();
                  let uploading: Promise<unknown> | undefined;
                  let hashing: Promise<unknown> | undefined;
                  try {
                    const received = await read(start, piece);
                    if (received < piece.length)
                      throw ApplicationFailure.retryable(
                        `${entry.fileName}: the download ended after ${start + received} of ${entry.size} bytes`,
                        errorType('ShortDownload'),
                      );
                    const partCrc32 = crc32Base64(piece);
                    const upload = Promise.all(
                      destinations.map((d, i) =>
                        d.s3.send(
                          new UploadPartCommand({
                            Bucket: d.target.bucket,
                            Key: entry.key,
                            UploadId: uploadIds[i],
                            PartNumber: number,
                            Body: piece,
                            ContentLength: piece.length,
                            ChecksumCRC32: partCrc32,
                          }),
                          { abortSignal: signal },
                        ),
                      ),
                    );
                    uploading = upload;
                    await turn.ready;
                    runningCrc32 = crc32(piece, runningCrc32);
                    const crc32After = runningCrc32;
                    const md5StateAfter = md5.update(piece);
                    hashing = md5StateAfter;
                    turn.end();
                    const [md5State, uploaded] = await Promise.all([md5StateAfter, upload]);
                    progress.finish(
                      number,
                      uploaded.map((u) => ({ PartNumber: number, ETag: u.ETag, ChecksumCRC32: u.ChecksumCRC32 })),
                      start + piece.length,
                      { md5State, crc32: crc32After },
                    );
                  } catch (err) {
                    turn.end(err);
                    progress.fail(err);
                    // The buffer is not reused while an upload or the MD5 thread may still read it.
                    await Promise.allSettled([uploading, hashing]);
                  }
                }
              };
              await Promise.all(buffers.map(slot));
              await progress.settle();
            }),
        );
      }

      digest = await md5.digest();
    } catch (err) {
      // The thread forgets this file's MD5; a retry starts from the checkpoint's state.
      md5.close();
      throw err;
    }

    // A component SmugMug gives no MD5 for is checked by its size alone (and held from deletion).
    if (cp.bytesDone !== entry.size || (entry.md5 !== undefined && digest !== entry.md5)) {
      await abort(uploadsOf(cp));
      migrationMetrics().transferFailures.add(1);
      if (cp.bytesDone < entry.size)
        throw ApplicationFailure.retryable(
          `${entry.fileName}: the download ended after ${cp.bytesDone} of ${entry.size} bytes`,
          errorType('ShortDownload'),
        );
      // The bytes read differ from SmugMug's original: nothing was published; the next attempt starts over.
      throw ApplicationFailure.retryable(
        `${entry.fileName}: copied bytes have MD5 ${digest}, SmugMug says ${entry.md5}; upload aborted`,
        errorType('SourceMismatch'),
      );
    }
    const wholeCrc32 = crc32ToBase64(cp.crc32 ?? 0);
    // Recorded before S3 completes the object with it, so no completed copy lacks its record.
    await store.put(checksumRecordKey(input.target.prefix, entry), ChecksumRecord, {
      key: entry.key,
      crc32: wholeCrc32,
    });
    // The replica first: once the bucket's copy is complete, a retry would not look for the replica's upload.
    for (const i of [...destinations.keys()].reverse()) {
      const d = destinations[i];
      await d.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: d.target.bucket,
          Key: entry.key,
          UploadId: uploadIds[i],
          ChecksumType: 'FULL_OBJECT',
          ChecksumCRC32: wholeCrc32,
          MultipartUpload: {
            Parts: parts[i]
              .sort((a, b) => a.PartNumber! - b.PartNumber!)
              .map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag, ChecksumCRC32: p.ChecksumCRC32 })),
          },
        }),
      );
    }
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: cpKey }));
    const metrics = migrationMetrics();
    metrics.filesTransferred.add(1);
    metrics.bytesTransferred.add(entry.size);
    return { files: 1, bytes: entry.size, alreadyPresent: 0 };
  };
}

/** A checkpoint's uploads, one per destination; one from before replicas has its bucket's only. */
function uploadsOf(cp: Checkpoint): NonNullable<Checkpoint['uploads']> {
  return cp.uploads ?? [{ to: 'primary', uploadId: cp.uploadId }];
}
