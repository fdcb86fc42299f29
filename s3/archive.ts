import { type HeadObjectCommandOutput, S3ServiceException } from '@aws-sdk/client-s3';

/** The classes whose objects S3 will not read (GetObject answers 403 InvalidObjectState) until restored. */
export const ARCHIVE_CLASSES = ['GLACIER', 'DEEP_ARCHIVE'] as const;

/** Whether objects of this class are stored in an archive class (absent: STANDARD). */
export const isArchiveClass = (storageClass: string | undefined): boolean =>
  (ARCHIVE_CLASSES as readonly string[]).includes(storageClass ?? 'STANDARD');

/**
 * Whether S3 would refuse to read this object now: stored in an archive class and not restored, or
 * in one of Intelligent-Tiering's archive tiers (`x-amz-archive-status`). Such an object is never
 * read back; it is proven by its stored checksum.
 */
export function isArchived(head: Pick<HeadObjectCommandOutput, 'StorageClass' | 'ArchiveStatus' | 'Restore'>): boolean {
  if (head.ArchiveStatus) return true;
  if (!isArchiveClass(head.StorageClass)) return false;
  // A finished restore (`ongoing-request="false", expiry-date=…`) serves a readable copy for a while.
  return !/ongoing-request="false"/.test(head.Restore ?? '');
}

/** S3's refusal to read an archived object: it says "archived", never "corrupt". */
export function isArchivedRefusal(err: unknown): boolean {
  return err instanceof S3ServiceException && err.name === 'InvalidObjectState';
}

/** The checksum S3 stored with an object, whichever algorithm it was written with (HeadObject with ChecksumMode). */
export function storedChecksumOf(
  head: Pick<
    HeadObjectCommandOutput,
    'ChecksumCRC32' | 'ChecksumCRC32C' | 'ChecksumCRC64NVME' | 'ChecksumSHA256' | 'ChecksumSHA1'
  >,
): string | undefined {
  return (
    head.ChecksumCRC32 ?? head.ChecksumCRC32C ?? head.ChecksumCRC64NVME ?? head.ChecksumSHA256 ?? head.ChecksumSHA1
  );
}

/** Where an archived object's restore stands, from HeadObject's `x-amz-restore`. */
export type RestoreState =
  | { state: 'none' }
  | { state: 'ongoing' }
  /** A readable copy until `expiry` (an HTTP date, as S3 gives it). */
  | { state: 'restored'; expiry?: string };

export function restoreStateOf(head: Pick<HeadObjectCommandOutput, 'Restore'>): RestoreState {
  const header = head.Restore ?? '';
  if (/ongoing-request="true"/.test(header)) return { state: 'ongoing' };
  if (/ongoing-request="false"/.test(header))
    return { state: 'restored', expiry: /expiry-date="([^"]+)"/.exec(header)?.[1] };
  return { state: 'none' };
}
