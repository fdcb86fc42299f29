import { HeadObjectCommand, NotFound, type S3Client } from '@aws-sdk/client-s3';
import { crc32 } from '@node-rs/crc32';
import type { MigrationTarget } from '../common/migration-input';
import type { PlanEntry } from '../state/documents';
import { retainUntil } from './object-lock';

const CONTENT_TYPES: Record<string, string> = {
  JPG: 'image/jpeg',
  JPEG: 'image/jpeg',
  PNG: 'image/png',
  GIF: 'image/gif',
  HEIC: 'image/heic',
  TIFF: 'image/tiff',
  DNG: 'image/x-adobe-dng',
  MP4: 'video/mp4',
  MOV: 'video/quicktime',
  M4V: 'video/x-m4v',
  AVI: 'video/x-msvideo',
};

/** A file's media type by its format (`JPG`, `MP4`…), as S3 stores it and SmugMug's Uploader is told. */
export function contentTypeOf(format: string, isVideo: boolean): string {
  return CONTENT_TYPES[format.toUpperCase()] ?? (isVideo ? 'video/mp4' : 'application/octet-stream');
}

/**
 * What every copied object carries, whether written in one PUT or in parts: SmugMug ids and the
 * original's MD5 as metadata (ASCII only, as S3 signs headers), storage class, encryption, tags,
 * and the Object Lock retention asked for.
 */
export function objectSettings(entry: PlanEntry, target: MigrationTarget) {
  return {
    Bucket: target.bucket,
    Key: entry.key,
    ContentType: contentTypeOf(entry.format, entry.isVideo),
    Metadata: {
      'smugmug-image-key': entry.imageKey,
      'smugmug-album-key': entry.albumKey,
      ...(entry.md5 ? { 'source-md5': entry.md5 } : {}),
      ...(entry.component ? { 'smugmug-component': entry.component.id } : {}),
      source: entry.source,
      'capture-date': entry.metadata.captured ?? '',
      'file-name': encodeURIComponent(entry.fileName).slice(0, 1024),
    },
    StorageClass: target.storageClass,
    // A retention asked for locks each original from its upload (the bucket's default applies otherwise).
    ...(target.retention
      ? {
          ObjectLockMode: target.retention.mode,
          ObjectLockRetainUntilDate: retainUntil(target.retention, new Date()),
        }
      : {}),
    ServerSideEncryption: target.sse?.type,
    SSEKMSKeyId: target.sse?.type === 'aws:kms' ? target.sse.kmsKeyId : undefined,
    Tagging: Object.keys(target.tags).length > 0 ? new URLSearchParams(target.tags).toString() : undefined,
  };
}

/** True when the bucket already holds this file, complete: same size and the same original MD5 (a file without one is copied again). */
export async function isAlreadyCopied(s3: S3Client, bucket: string, entry: PlanEntry): Promise<boolean> {
  if (!entry.md5) return false;
  try {
    const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: entry.key }));
    return head.ContentLength === entry.size && head.Metadata?.['source-md5'] === entry.md5;
  } catch (err) {
    if (
      err instanceof NotFound ||
      (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404
    )
      return false;
    throw err;
  }
}

/**
 * The metadata entry where a file written in one PUT records the CRC32 the worker computed over the
 * bytes whose MD5 equals SmugMug's (a large file's is in its checksum record: state/layout.ts).
 */
export const RECORDED_CRC32 = 'source-crc32';

/** Base64 of a CRC32 value as S3 shows it (big-endian). */
export function crc32ToBase64(value: number): string {
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value >>> 0);
  return bytes.toString('base64');
}

/**
 * A body's CRC32 as S3 wants it (base64 of the big-endian value), computed natively with SIMD
 * (@node-rs/crc32: 12 GiB/s here, zlib's 4.7; it was an eighth of the worker's CPU on videos): given
 * explicitly, it also spares the SDK its JavaScript checksum of every byte.
 */
export function crc32Base64(body: Buffer): string {
  return crc32ToBase64(crc32(body));
}
