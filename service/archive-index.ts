import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { AlbumIndexEntry, AlbumManifest } from '../state/documents';
import { albumIndexPrefix } from '../state/layout';
import { StateStore } from '../state/store';

/** How long the index is trusted before its entries are listed again: a newly verified album shows within this. */
const INDEX_FRESH_MS = 30_000;
/** Manifests read at once while the index loads: S3 serves many small GETs in parallel well. */
const MANIFEST_READS = 16;
/** At most this many images in one page of search results. */
export const SEARCH_PAGE = 200;

/** An archive: a bucket and the prefix a migration copied the library under. */
export interface ArchiveRef {
  bucket: string;
  prefix: string;
}

export type ArchivedImage = AlbumManifest['images'][number];

/** An image as the index holds it: its album, and what search compares, worked out once. */
export interface IndexedImage {
  albumKey: string;
  image: ArchivedImage;
  /** Title, caption and file name, lower case. */
  text: string;
  keywords: Set<string>;
  /** The capture date's calendar day as the camera recorded it (`2024-07-14`), when known. */
  day?: string;
}

export interface IndexedAlbum {
  manifestKey: string;
  manifest: AlbumManifest;
  images: IndexedImage[];
  /** The index entry's ETag: a rewritten manifest rewrites its entry. */
  entryTag: string;
}

export interface ArchiveSearch {
  /** Words that must each be in the title, caption or file name. */
  text?: string;
  /** A keyword the image carries (any case). */
  keyword?: string;
  /** Capture days from and to, inclusive (`YYYY-MM-DD`). */
  from?: string;
  to?: string;
}

/** A folder of the archive as its page shows it: sub folders and albums, with what each holds. */
export interface ArchiveFolder {
  path: string[];
  folders: Array<{ name: string; albums: number; images: number }>;
  albums: IndexedAlbum[];
}

/**
 * The archive's albums and images in memory, read from the manifests the index entries name
 * (`_index/<AlbumKey>.json`, written beside each verification): every page and search reads this,
 * never a listing of the library. Kept fresh by listing the entries again after INDEX_FRESH_MS and
 * reading only the manifests whose entry changed.
 */
export class ArchiveIndex {
  private albums = new Map<string, IndexedAlbum>();
  private refreshedAt = 0;
  private refreshing: Promise<void> | undefined;

  constructor(
    private readonly s3: S3Client,
    readonly archive: ArchiveRef,
  ) {}

  /** The index, read again first when it is older than INDEX_FRESH_MS (one refresh at a time). */
  async current(): Promise<this> {
    if (Date.now() - this.refreshedAt > INDEX_FRESH_MS)
      await (this.refreshing ??= this.refresh().finally(() => (this.refreshing = undefined)));
    return this;
  }

  /** Read again now: after a migration verified albums, or a test wrote some. */
  async refreshNow(): Promise<this> {
    this.refreshedAt = 0;
    return this.current();
  }

  get size(): { albums: number; images: number } {
    let images = 0;
    for (const album of this.albums.values()) images += album.images.length;
    return { albums: this.albums.size, images };
  }

  album(albumKey: string): IndexedAlbum | undefined {
    return this.albums.get(albumKey);
  }

  /** Every album at or below folder `path` (the whole archive for `[]`), by path. */
  albumsUnder(path: string[]): IndexedAlbum[] {
    return [...this.albums.values()]
      .filter(
        (a) => path.every((name, i) => a.manifest.album.path[i] === name) && a.manifest.album.path.length > path.length,
      )
      .sort((a, b) => a.manifest.album.path.join('/').localeCompare(b.manifest.album.path.join('/')));
  }

  /** The sub folders and albums directly under `path` (folder names, from the library's top). */
  folder(path: string[]): ArchiveFolder {
    const folders = new Map<string, { name: string; albums: number; images: number }>();
    const albums: IndexedAlbum[] = [];
    for (const album of this.albums.values()) {
      const folderPath = album.manifest.album.path.slice(0, -1);
      if (!path.every((name, i) => folderPath[i] === name) || folderPath.length < path.length) continue;
      if (folderPath.length === path.length) {
        albums.push(album);
        continue;
      }
      const name = folderPath[path.length];
      const folder = folders.get(name) ?? { name, albums: 0, images: 0 };
      folder.albums += 1;
      folder.images += album.images.length;
      folders.set(name, folder);
    }
    const byName = (a: string, b: string) => a.localeCompare(b, undefined, { numeric: true });
    return {
      path,
      folders: [...folders.values()].sort((a, b) => byName(a.name, b.name)),
      albums: albums.sort((a, b) => byName(a.manifest.album.name, b.manifest.album.name)),
    };
  }

  /** Images matching every part of the search, oldest capture first, at most `limit` of them, and how many match. */
  search(query: ArchiveSearch, limit = SEARCH_PAGE): { total: number; images: IndexedImage[] } {
    const words = (query.text ?? '').toLowerCase().split(/\s+/).filter(Boolean);
    const keyword = query.keyword?.trim().toLowerCase();
    const matches: IndexedImage[] = [];
    for (const album of this.albums.values())
      for (const image of album.images) {
        if (keyword && !image.keywords.has(keyword)) continue;
        if (!words.every((w) => image.text.includes(w))) continue;
        if ((query.from || query.to) && !image.day) continue;
        if (query.from && image.day! < query.from) continue;
        if (query.to && image.day! > query.to) continue;
        matches.push(image);
      }
    matches.sort((a, b) => (a.day ?? '9999').localeCompare(b.day ?? '9999'));
    return { total: matches.length, images: matches.slice(0, limit) };
  }

  private async refresh(): Promise<void> {
    const { bucket, prefix } = this.archive;
    const store = new StateStore(this.s3, bucket);
    const seen = new Set<string>();
    const limit = pLimit(MANIFEST_READS);
    const reads: Array<Promise<void>> = [];
    for await (const page of paginateListObjectsV2(
      { client: this.s3 },
      { Bucket: bucket, Prefix: albumIndexPrefix(prefix) },
    )) {
      for (const { Key, ETag } of page.Contents ?? []) {
        const albumKey = Key!.slice(albumIndexPrefix(prefix).length).replace(/\.json$/, '');
        seen.add(albumKey);
        if (this.albums.get(albumKey)?.entryTag === ETag) continue;
        reads.push(
          limit(async () => {
            const entry = await store.get(Key!, AlbumIndexEntry);
            const manifest = entry && (await store.get(entry.manifestKey, AlbumManifest));
            if (manifest)
              this.albums.set(albumKey, {
                manifestKey: entry.manifestKey,
                manifest,
                images: manifest.images.map((image) => indexed(albumKey, image)),
                entryTag: ETag ?? '',
              });
          }),
        );
      }
    }
    await Promise.all(reads);
    for (const albumKey of this.albums.keys()) if (!seen.has(albumKey)) this.albums.delete(albumKey);
    this.refreshedAt = Date.now();
  }
}

function indexed(albumKey: string, image: ArchivedImage): IndexedImage {
  return {
    albumKey,
    image,
    text: `${image.title}\n${image.caption}\n${image.fileName}`.toLowerCase(),
    keywords: new Set(image.keywords.map((k) => k.toLowerCase())),
    day: image.captured?.slice(0, 10),
  };
}

/** One index per archive, kept for the life of the process. */
export class ArchiveIndexes {
  private readonly indexes = new Map<string, ArchiveIndex>();

  constructor(private readonly s3: S3Client) {}

  of(archive: ArchiveRef): Promise<ArchiveIndex> {
    const id = `${archive.bucket}/${archive.prefix}`;
    let index = this.indexes.get(id);
    if (!index) this.indexes.set(id, (index = new ArchiveIndex(this.s3, archive)));
    return index.current();
  }
}
