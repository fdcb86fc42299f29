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
import { createMD5 } from 'hash-wasm';
import { errorType } from '../common/error-types';
import type { BatchInput, TransferResult } from '../common/migration-types';
import { Checkpoint } from '../state/documents';
import { checkpointKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';
import { migrationMetrics } from './migration-metrics';
import { crc32Base64, isAlreadyCopied, objectSettings } from './object-settings';

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

/** Reads a web stream in pieces of exactly `size` bytes (the last may be shorter), each filled in place. */
async function* piecesOf(body: ReadableStream<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let piece: Buffer | undefined;
  let held = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    let offset = 0;
    while (offset < chunk.length) {
      piece ??= Buffer.allocUnsafe(size);
      const take = Math.min(size - held, chunk.length - offset);
      piece.set(chunk.subarray(offset, offset + take), held);
      held += take;
      offset += take;
      if (held === size) {
        yield piece;
        piece = undefined;
        held = 0;
      }
    }
  }
  if (piece && held > 0) yield piece.subarray(0, held);
}

/**
 * Copies one large file with a multipart upload that survives worker crashes: every part is
 * checksummed, progress is checkpointed after each part, and the object is completed only if the
 * whole file's size and MD5 equal SmugMug's; otherwise the upload is aborted and started afresh.
 */
export function transferLargeFile({ smugmug, s3, config, memory }: ActivityDeps) {
  return async function transferLargeFile(input: BatchInput): Promise<TransferResult> {
    const signal = cancellationSignal();
    const { bucket } = input.target;
    const store = new StateStore(s3, bucket);
    const [entry] = await store.planBatch(input.planPrefix, input.batchIndex);
    if (await isAlreadyCopied(s3, bucket, entry)) return { files: 0, bytes: 0, alreadyPresent: 1 };
    const cpKey = checkpointKey(input.planPrefix, entry);
    const abort = async (uploadId: string) => {
      await s3
        .send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: entry.key, UploadId: uploadId }))
        .catch(() => undefined);
      await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: cpKey }));
    };

    // Resume from the checkpoint when its parts are all still there; otherwise start over.
    let checkpoint = await store.get(cpKey, Checkpoint);
    let parts: Part[] = [];
    if (checkpoint) {
      try {
        parts = (await listAllParts(s3, bucket, entry.key, checkpoint.uploadId)).filter(
          (p) => p.PartNumber! < checkpoint!.nextPart,
        );
        if (parts.length !== checkpoint.nextPart - 1) throw new Error('parts missing');
      } catch {
        await abort(checkpoint.uploadId);
        checkpoint = undefined;
        parts = [];
      }
    }
    const md5 = await createMD5();
    if (checkpoint) md5.load(Buffer.from(checkpoint.md5State, 'base64'));
    else {
      md5.init();
      const partSize = Math.max(config.PART_SIZE_MB * 2 ** 20, Math.ceil(entry.size / 9_000));
      const created = await s3.send(
        new CreateMultipartUploadCommand({ ...objectSettings(entry, input.target), ChecksumAlgorithm: 'CRC32' }),
      );
      checkpoint = {
        uploadId: created.UploadId!,
        key: entry.key,
        partSize,
        nextPart: 1,
        bytesDone: 0,
        md5State: Buffer.from(md5.save()).toString('base64'),
      };
      await store.put(cpKey, Checkpoint, checkpoint);
    }
    const cp: Checkpoint = checkpoint;
    heartbeat({ bytesDone: cp.bytesDone, resumedAtPart: cp.nextPart });

    // Parts are read in order (the MD5 needs them so) and sent several at once, so reading and
    // writing overlap. The checkpoint only moves over a gap-free run of finished parts, with the
    // MD5 state at that point; parts beyond it are sent again after a crash. All parts in flight
    // plus the one being gathered are held within the worker's memory budget, and heartbeats go
    // on while waiting for it, so a long wait is not taken for a dead worker.
    const inFlight = config.PART_CONCURRENCY;
    if (cp.bytesDone < entry.size)
      await withHeartbeats(
        () => ({ bytesDone: cp.bytesDone, part: cp.nextPart - 1 }),
        () =>
          memory.with((inFlight + 1) * cp.partSize, async () => {
            const finished = new Map<number, { part: Part; end: number; md5State: string }>();
            const sending = new Set<Promise<void>>();
            let saving = Promise.resolve();
            let failure: unknown;
            const advanceCheckpoint = () => {
              let moved = false;
              for (let next = finished.get(cp.nextPart); next; next = finished.get(cp.nextPart)) {
                finished.delete(cp.nextPart);
                parts.push(next.part);
                cp.nextPart += 1;
                cp.bytesDone = next.end;
                cp.md5State = next.md5State;
                moved = true;
              }
              if (moved) {
                const snapshot = { ...cp };
                saving = saving
                  .then(() => store.put(cpKey, Checkpoint, snapshot))
                  .catch((err: unknown) => {
                    failure ??= err;
                  });
                heartbeat({ bytesDone: cp.bytesDone, part: cp.nextPart - 1 });
              }
            };
            let partNumber = cp.nextPart;
            let bytesRead = cp.bytesDone;
            const res = await smugmug.download(entry.url, { from: cp.bytesDone, signal });
            try {
              for await (const piece of piecesOf(res.body!, cp.partSize)) {
                if (bytesRead + piece.length > entry.size) break;
                md5.update(piece);
                bytesRead += piece.length;
                const number = partNumber++;
                const end = bytesRead;
                const md5State = Buffer.from(md5.save()).toString('base64');
                const send = s3
                  .send(
                    new UploadPartCommand({
                      Bucket: bucket,
                      Key: entry.key,
                      UploadId: cp.uploadId,
                      PartNumber: number,
                      Body: piece,
                      ContentLength: piece.length,
                      ChecksumCRC32: crc32Base64(piece),
                    }),
                    { abortSignal: signal },
                  )
                  .then(
                    (uploaded) => {
                      finished.set(number, {
                        part: { PartNumber: number, ETag: uploaded.ETag, ChecksumCRC32: uploaded.ChecksumCRC32 },
                        end,
                        md5State,
                      });
                      advanceCheckpoint();
                    },
                    (err: unknown) => {
                      failure ??= err;
                    },
                  )
                  .finally(() => sending.delete(send));
                sending.add(send);
                if (sending.size >= inFlight) await Promise.race(sending);
                if (failure) throw failure;
              }
            } finally {
              // A failed part must not leave others running behind the activity's back.
              await Promise.all(sending);
              await saving;
            }
            if (failure) throw failure;
          }),
      );

    const digest = md5.digest('hex');
    if (cp.bytesDone !== entry.size || digest !== entry.md5) {
      await abort(cp.uploadId);
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
    await s3.send(
      new CompleteMultipartUploadCommand({
        Bucket: bucket,
        Key: entry.key,
        UploadId: cp.uploadId,
        MultipartUpload: {
          Parts: parts
            .sort((a, b) => a.PartNumber! - b.PartNumber!)
            .map((p) => ({ PartNumber: p.PartNumber, ETag: p.ETag, ChecksumCRC32: p.ChecksumCRC32 })),
        },
      }),
    );
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: cpKey }));
    const metrics = migrationMetrics();
    metrics.filesTransferred.add(1);
    metrics.bytesTransferred.add(entry.size);
    return { files: 1, bytes: entry.size, alreadyPresent: 0 };
  };
}
