import {
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  NoSuchKey,
  NotFound,
  type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import pLimit from 'p-limit';
import { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import { isArchiveClass, type RestoreState, restoreStateOf } from '../s3/archive';
import { type ArchivedFile, filesOf, originalOf } from '../state/documents';
import { STATE_FOLDER } from '../state/layout';
import {
  type ArchivedImage,
  type ArchiveIndex,
  ArchiveIndexes,
  type ArchiveRef,
  type IndexedAlbum,
} from './archive-index';
import { conflict, invalidInput, notFound } from './refusals';
import { askS3 } from './s3-refusals';
import { type AlbumSelection, ArchiveRef as ArchiveRefInput } from '../common/archive';

/** HEADs at once when the page asks which archived originals are readable now. */
const HEADS_AT_ONCE = 16;
/** How long a download link minted for one click stays valid: long enough to start a large video. */
export const DOWNLOAD_URL_SECONDS = 300;
/** At most this many albums in one zip download. */
export const ZIP_MAX_ALBUMS = 50;

/** Whether an original can be read now, and where its restore stands when it is in an archive class. */
export interface Readability {
  readable: boolean;
  storageClass: string;
  restore?: RestoreState;
}

/**
 * The archive as a place to look at: its folders, albums and images from the index
 * (./archive-index.ts), previews and originals read from the bucket, downloads through presigned
 * URLs minted per request, and whole albums as one zip streamed from S3. The bucket stays private.
 */
export class ArchiveService {
  private readonly indexes: ArchiveIndexes;

  constructor(private readonly s3: S3Client) {
    this.indexes = new ArchiveIndexes(s3);
  }

  /** The archive's index, fresh within a few seconds; refused for a malformed bucket or prefix. */
  async index(archive: unknown): Promise<ArchiveIndex> {
    const parsed = ArchiveRefInput.safeParse(archive);
    if (!parsed.success) throw invalidInput(parsed.error);
    return askS3(parsed.data.bucket, () => this.indexes.of(parsed.data));
  }

  /** The archive's index read again now (after a migration, when a person asks). */
  async reindex(archive: ArchiveRef): Promise<ArchiveIndex> {
    return (await this.index(archive)).refreshNow();
  }

  /**
   * The prefixes of a bucket that hold an indexed archive: the bucket's top and each folder at its
   * top (a deeper prefix is typed in). One listing each, not of the library.
   */
  async prefixesOf(bucket: string): Promise<string[]> {
    return askS3(bucket, () => this.prefixesIn(bucket));
  }

  private async prefixesIn(bucket: string): Promise<string[]> {
    const top = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', MaxKeys: 1000 }));
    const candidates = [
      '',
      ...(top.CommonPrefixes ?? []).map((p) => p.Prefix!.replace(/\/$/, '')).filter((p) => p !== STATE_FOLDER),
    ];
    const found = await Promise.all(
      candidates.map(async (prefix) => {
        const listed = await this.s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: `${prefix ? `${prefix}/` : ''}${STATE_FOLDER}/_index/`,
            MaxKeys: 1,
          }),
        );
        return (listed.KeyCount ?? 0) > 0 ? prefix : undefined;
      }),
    );
    return found.filter((p) => p !== undefined);
  }

  /** An album of the archive, or not found. */
  async album(archive: ArchiveRef, albumKey: string): Promise<IndexedAlbum> {
    const album = (await this.index(archive)).album(albumKey);
    if (!album) throw notFound(`Album ${albumKey} in the archive`);
    return album;
  }

  /** Albums of the archive, each whole or only the images picked in it; not found for an album it lacks. */
  async selection(archive: ArchiveRef, albums: AlbumSelection[]) {
    return Promise.all(
      albums.map(async (selection) => {
        const album = await this.album(archive, selection.albumKey);
        const picked = selection.imageKeys && new Set(selection.imageKeys);
        const images = album.manifest.images.filter((i) => !picked || picked.has(i.imageKey));
        return { selection, album, images };
      }),
    );
  }

  /** An image of an album, or not found. */
  async image(archive: ArchiveRef, albumKey: string, imageKey: string): Promise<ArchivedImage> {
    const image = (await this.album(archive, albumKey)).manifest.images.find((i) => i.imageKey === imageKey);
    if (!image) throw notFound(`Image ${imageKey} in album ${albumKey}`);
    return image;
  }

  /** An image's preview from the bucket, streamed; not found when it has none (previews off). */
  async preview(archive: ArchiveRef, albumKey: string, imageKey: string) {
    const { previewKey } = await this.image(archive, albumKey, imageKey);
    if (!previewKey) throw notFound(`A preview of image ${imageKey}`);
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: archive.bucket, Key: previewKey }));
      return { body: object.Body as Readable, length: object.ContentLength, contentType: 'image/jpeg' };
    } catch (err) {
      if (err instanceof NoSuchKey) throw notFound(`A preview of image ${imageKey}`);
      throw err;
    }
  }

  /** Whether each original (by image key) can be read now: only those in an archive class are asked about. */
  async readability(archive: ArchiveRef, images: ArchivedImage[]): Promise<Map<string, Readability>> {
    const limit = pLimit(HEADS_AT_ONCE);
    const result = new Map<string, Readability>();
    await Promise.all(
      images.map((image) =>
        limit(async () => result.set(image.imageKey, await this.readabilityOf(archive, originalOf(image)))),
      ),
    );
    return result;
  }

  async readabilityOf(archive: ArchiveRef, file: ArchivedFile): Promise<Readability> {
    const storageClass = file.storageClass ?? 'STANDARD';
    if (!isArchiveClass(storageClass)) return { readable: true, storageClass };
    try {
      const head = await this.s3.send(
        new HeadObjectCommand({ Bucket: archive.bucket, Key: file.key, VersionId: file.versionId }),
      );
      const restore = restoreStateOf(head);
      return { readable: restore.state === 'restored', storageClass: head.StorageClass ?? storageClass, restore };
    } catch (err) {
      if (err instanceof NotFound) return { readable: false, storageClass };
      throw err;
    }
  }

  /**
   * A download link of an image's original, valid DOWNLOAD_URL_SECONDS (or less, `notAfter`); refused
   * while the original is archived and not restored.
   */
  async originalUrl(archive: ArchiveRef, albumKey: string, imageKey: string, notAfter?: Date): Promise<string> {
    const image = await this.image(archive, albumKey, imageKey);
    const file = originalOf(image);
    const readable = await this.readabilityOf(archive, file);
    if (!readable.readable)
      throw conflict(
        `${image.fileName} is in ${storageClassWords(readable.storageClass)}: restore it first (${restoreWords(readable.restore)})`,
      );
    const seconds = Math.min(
      DOWNLOAD_URL_SECONDS,
      notAfter ? Math.floor((notAfter.getTime() - Date.now()) / 1000) : DOWNLOAD_URL_SECONDS,
    );
    if (seconds <= 0) throw new Error('A download link cannot be minted past its share');
    return getSignedUrl(
      this.s3,
      new GetObjectCommand({
        Bucket: archive.bucket,
        Key: file.key,
        VersionId: file.versionId,
        ResponseContentDisposition: attachment(image.fileName),
      }),
      { expiresIn: seconds },
    );
  }

  /**
   * Albums as one zip, streamed from S3 file after file (each object opened only when the zip reaches
   * it, so memory holds a chunk or two whatever the albums weigh): every readable original and its
   * RAW files, the XMP sidecars and each `album.json`, under the folders they have in the bucket.
   * Originals not readable now (archived, not restored) are named in NOT-INCLUDED.txt instead.
   */
  async zip(archive: ArchiveRef, albumKeys: string[]): Promise<{ stream: Readable; fileName: string }> {
    if (albumKeys.length === 0 || albumKeys.length > ZIP_MAX_ALBUMS)
      throw conflict(`Choose between 1 and ${ZIP_MAX_ALBUMS} albums to download as a zip`);
    const albums = await Promise.all(albumKeys.map((key) => this.album(archive, key)));
    const images = albums.flatMap((a) => a.manifest.images);
    const readable = await this.readability(archive, images);
    const zip = new ZipFile();
    const inZip = (key: string) => (archive.prefix ? key.slice(archive.prefix.length + 1) : key);
    const add = (file: ArchivedFile) =>
      zip.addReadStreamLazy(inZip(file.key), { compress: false, size: file.size }, (done) => {
        this.s3.send(new GetObjectCommand({ Bucket: archive.bucket, Key: file.key, VersionId: file.versionId })).then(
          (object) => done(null, object.Body as Readable),
          (err: Error) => done(err, undefined as never),
        );
      });
    const left: string[] = [];
    for (const album of albums) {
      add({ key: album.manifestKey });
      for (const image of album.manifest.images) {
        if (image.sidecarKey) add({ key: image.sidecarKey });
        if (!readable.get(image.imageKey)?.readable) {
          left.push(`${inZip(image.s3Key)}: in ${storageClassWords(image.storageClass ?? '')}, not restored`);
          continue;
        }
        for (const file of filesOf(image)) add(file);
      }
    }
    if (left.length > 0)
      zip.addBuffer(
        Buffer.from(
          `Not in this zip: restore these originals first (Archive, Restore), then download again.\n\n${left.join('\n')}\n`,
        ),
        'NOT-INCLUDED.txt',
      );
    zip.end();
    const name = albums.length === 1 ? albums[0].manifest.album.name : `${albums.length} albums`;
    return { stream: zip.outputStream as Readable, fileName: `${name}.zip` };
  }
}

/** A storage class as a photographer reads it. */
export function storageClassWords(storageClass: string): string {
  return (
    {
      GLACIER: 'Glacier Flexible Retrieval',
      DEEP_ARCHIVE: 'Glacier Deep Archive',
      GLACIER_IR: 'Glacier Instant Retrieval',
      STANDARD_IA: 'Standard-IA',
      ONEZONE_IA: 'One Zone-IA',
      INTELLIGENT_TIERING: 'Intelligent-Tiering',
      STANDARD: 'Standard',
      '': 'Standard',
    }[storageClass] ?? storageClass
  );
}

/** Where a restore stands, in words. */
export function restoreWords(restore: RestoreState | undefined): string {
  if (!restore || restore.state === 'none') return 'no restore requested';
  if (restore.state === 'ongoing') return 'a restore is under way';
  return `restored${restore.expiry ? ` until ${new Date(restore.expiry).toISOString().slice(0, 16).replace('T', ' ')} UTC` : ''}`;
}

/** A download's file name for the browser, in ASCII and in UTF-8 (RFC 6266). */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
