import type { S3Client } from '@aws-sdk/client-s3';
import { createHash, randomBytes } from 'node:crypto';
import { CreateShareRequest } from '../common/archive';
import { BucketName } from '../common/records';
import { ShareRecord } from '../state/documents';
import { shareRecordKey, shareRecordPrefix } from '../state/layout';
import { StateStore } from '../state/store';
import type { ArchivedImage, IndexedAlbum } from './archive-index';
import { type ArchiveService, storageClassWords } from './archive';
import type { ShareDetails, ShareMade } from './records';
import { conflict, invalidInput, notFound, Refusal } from './refusals';
import { askS3 } from './s3-refusals';

/** Bytes of randomness in a link's secret: 192 bits, never guessed. */
const SECRET_BYTES = 24;
/** Characters of the secret's hash that name a share in the app (a listing, a revocation). */
const SHARE_ID_CHARS = 12;

const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

/** A share opened by its link: the record, and the albums and images it lets anyone see. */
export interface OpenShare {
  record: ShareRecord;
  albums: Array<{ album: IndexedAlbum; images: ArchivedImage[] }>;
}

/**
 * Share links of the archive: anyone with one sees the previews of an album or a selection and
 * downloads the originals, through URLs minted per request (./archive.ts), until it expires (at
 * most 7 days) or is revoked. The record is read from the bucket at every request, so a revocation
 * ends access at once, from every API process. The link's secret is kept nowhere: the record is
 * filed under its hash.
 */
export class ShareService {
  constructor(
    private readonly s3: S3Client,
    private readonly archive: ArchiveService,
  ) {}

  /** A new share; its link (the web app's path, with the secret) is in the answer only. Refused while any original shared is archived and not restored. */
  async create(request: unknown, now = new Date()): Promise<ShareMade> {
    const parsed = CreateShareRequest.safeParse(request);
    if (!parsed.success) throw invalidInput(parsed.error);
    const { bucket, prefix, albums, title, expiresInSeconds } = parsed.data;
    const archive = { bucket, prefix };
    const shared = await this.archive.selection(archive, albums);
    const images = shared.flatMap((s) => s.images);
    if (images.length === 0) throw conflict('Nothing to share: the selection names no image of these albums');
    const readability = await this.archive.readability(archive, images);
    const archived = images.filter((i) => !readability.get(i.imageKey)?.readable);
    if (archived.length > 0)
      throw conflict(
        `${archived.length} of the ${images.length} originals are in ${storageClassWords(archived[0].storageClass ?? '')} and not restored: restore them first, then share`,
      );
    const secret = randomBytes(SECRET_BYTES).toString('base64url');
    const hash = hashOf(secret);
    const record: ShareRecord = {
      id: hash.slice(0, SHARE_ID_CHARS),
      title: title || shared.map((s) => s.album.manifest.album.name).join(', '),
      archive,
      albums,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + expiresInSeconds * 1000).toISOString(),
    };
    await askS3(bucket, () => new StateStore(this.s3, bucket).put(shareRecordKey(hash), ShareRecord, record));
    return { path: `/app/shared/${bucket}/${secret}`, share: { ...record, state: 'active' } };
  }

  /** The shares of a bucket, newest first, each with whether it still works. */
  async list(bucket: string, now = new Date()): Promise<ShareDetails[]> {
    const store = new StateStore(this.s3, this.bucketChecked(bucket));
    const records: ShareRecord[] = [];
    await askS3(bucket, async () => {
      for await (const key of store.keys(shareRecordPrefix())) {
        const record = await store.get(key, ShareRecord);
        if (record) records.push(record);
      }
    });
    return records
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .map((r) => ({ ...r, state: r.revokedAt ? 'revoked' : new Date(r.expiresAt) <= now ? 'expired' : 'active' }));
  }

  /** Ends a share at once: its link answers "gone" from the next request on. */
  async revoke(bucket: string, id: string, now = new Date()): Promise<ShareRecord> {
    const store = new StateStore(this.s3, this.bucketChecked(bucket));
    return askS3(bucket, async () => {
      // The record's key is the whole hash; the share's id is its first characters.
      for await (const key of store.keys(`${shareRecordPrefix()}${id}`)) {
        const record = await store.get(key, ShareRecord);
        if (!record || record.id !== id) continue;
        const revoked = { ...record, revokedAt: record.revokedAt ?? now.toISOString() };
        await store.put(key, ShareRecord, revoked);
        return revoked;
      }
      throw notFound(`Share ${id}`);
    });
  }

  /** A share by its link: not found for an unknown secret, gone once revoked or expired. */
  async open(bucket: string, secret: string, now = new Date()): Promise<OpenShare> {
    if (!/^[A-Za-z0-9_-]{20,64}$/.test(secret) || !BucketName.safeParse(bucket).success) throw notFound('This share');
    const record = await askS3(bucket, () =>
      new StateStore(this.s3, bucket).get(shareRecordKey(hashOf(secret)), ShareRecord),
    ).catch((err: unknown) => {
      // Whoever holds a link learns nothing of the buckets: any bucket that does not answer is "no such share".
      if (err instanceof Refusal) return undefined;
      throw err;
    });
    if (!record) throw notFound('This share');
    if (record.revokedAt) throw new Refusal('gone', 'This share was withdrawn by its owner');
    if (new Date(record.expiresAt) <= now) throw new Refusal('gone', 'This share has expired');
    return { record, albums: await this.archive.selection(record.archive, record.albums) };
  }

  /** A download link of an original the share holds, never valid past the share's own expiry. */
  async originalUrl(bucket: string, secret: string, albumKey: string, imageKey: string): Promise<string> {
    const record = await this.openFor(bucket, secret, albumKey, imageKey);
    return this.archive.originalUrl(record.archive, albumKey, imageKey, new Date(record.expiresAt));
  }

  /** A preview of an image the share holds. */
  async preview(bucket: string, secret: string, albumKey: string, imageKey: string) {
    const record = await this.openFor(bucket, secret, albumKey, imageKey);
    return this.archive.preview(record.archive, albumKey, imageKey);
  }

  /** A share by its link, when it holds this image (not found otherwise). */
  private async openFor(bucket: string, secret: string, albumKey: string, imageKey: string): Promise<ShareRecord> {
    const { record, albums } = await this.open(bucket, secret);
    const shared = albums.find((a) => a.album.manifest.album.albumKey === albumKey);
    if (!shared?.images.some((i) => i.imageKey === imageKey)) throw notFound(`Image ${imageKey} in this share`);
    return record;
  }

  private bucketChecked(bucket: string): string {
    const parsed = BucketName.safeParse(bucket);
    if (!parsed.success) throw invalidInput(parsed.error);
    return parsed.data;
  }
}
