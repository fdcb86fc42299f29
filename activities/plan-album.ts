import { HeadObjectCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { captureDateOf } from '../common/capture-date';
import type { MigrationTarget } from '../common/migration-input';
import type { AlbumPlan, BatchRef } from '../common/migration-types';
import type { AlbumRef } from '../common/records';
import { albumFolderKey, fileNamesFor, joinKey } from '../s3/keys';
import type { AlbumImageWithExif } from '../smugmug/client';
import { Album, type AlbumImage } from '../smugmug/schemas';
import { AlbumPlanRecord, PlanBatch, type PlanEntry, type UnavailableEntry } from '../state/documents';
import { albumStateFolder, batchKey, planRecordKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';

export interface PlanAlbumInput {
  migrationId: string;
  target: MigrationTarget;
  album: AlbumRef;
}

/** Entries kept in one stored batch of already-present files (those are only verified, not copied). */
const PRESENT_BATCH_SIZE = 1000;

type Source = { source: PlanEntry['source']; url: string; size: number; md5: string } | { unavailable: string };

/**
 * Lists an album (every page), decides for each image what to copy and where, checks what the
 * bucket already holds (sync), and stores the plan in batches under the migration's state prefix.
 * Returns only totals and batch references, however large the album.
 */
export function planAlbum({ smugmug, s3, config }: ActivityDeps) {
  async function sourceOf(image: AlbumImage): Promise<Source> {
    if (image.Processing) return { unavailable: 'still processing on SmugMug: no original to download yet' };
    if (image.SubStatus === 'CanNotProcess')
      return { unavailable: 'SmugMug could not process this video; it cannot be downloaded' };
    if (image.ArchivedUri && image.ArchivedSize !== undefined) {
      if (!image.ArchivedMD5)
        return { unavailable: 'SmugMug gives no ArchivedMD5, so a copy could not be proven identical' };
      return {
        source: 'original',
        url: image.ArchivedUri,
        size: image.ArchivedSize,
        md5: image.ArchivedMD5.toLowerCase(),
      };
    }
    if (image.IsVideo && image.Uris.LargestVideo) {
      const video = await smugmug.largestVideo(image.Uris.LargestVideo.Uri);
      if (video?.MD5)
        return { source: 'largest-video', url: video.Url, size: video.Size, md5: video.MD5.toLowerCase() };
    }
    return { unavailable: 'SmugMug offers no downloadable original for this item' };
  }

  /** What the album's folder already holds: key → size and ETag. */
  async function existingObjects(bucket: string, folder: string) {
    const objects = new Map<string, { size: number; etag: string }>();
    for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: `${folder}/` })) {
      for (const o of page.Contents ?? [])
        objects.set(o.Key!, { size: o.Size ?? -1, etag: (o.ETag ?? '').replace(/"/g, '') });
    }
    return objects;
  }

  return async function planAlbum(input: PlanAlbumInput): Promise<AlbumPlan> {
    let listed = 0;
    return withHeartbeats(
      () => ({ listed }),
      () => plan(input, (n) => (listed = n)),
    );
  };

  async function plan(input: PlanAlbumInput, onListed: (n: number) => void): Promise<AlbumPlan> {
    const { target, album } = input;
    const planPrefix = albumStateFolder(target.prefix, input.migrationId, album.albumKey);
    const folder = albumFolderKey(target.prefix, album.path, album.albumKey);
    const albumInfo = await smugmug.getObject(`/api/v2/album/${album.albumKey}`, Album);

    const images = new Map<string, AlbumImageWithExif>();
    for await (const page of smugmug.albumImages(album.albumKey)) {
      // Paging can repeat an item when the album changes meanwhile: ImageKey decides.
      for (const image of page) images.set(image.ImageKey, image);
      onListed(images.size);
    }
    const names = fileNamesFor(
      [...images.values()].map((i) => ({
        imageKey: i.ImageKey,
        fileName: i.FileName || `${i.ImageKey}.${i.Format.toLowerCase() || 'bin'}`,
        uploaded: i.DateTimeUploaded,
      })),
    );
    const existing = await existingObjects(target.bucket, folder);

    const entries: PlanEntry[] = [];
    const unavailable: UnavailableEntry[] = [];
    for (const image of images.values()) {
      const source = await sourceOf(image);
      if ('unavailable' in source) {
        unavailable.push({
          imageKey: image.ImageKey,
          serial: image.Serial,
          fileName: image.FileName,
          reason: source.unavailable,
        });
        continue;
      }
      const key = joinKey(folder, names.get(image.ImageKey)!);
      const found = existing.get(key);
      let present = false;
      if (found && found.size === source.size) {
        if (found.etag === source.md5) present = true;
        else {
          // Multipart or KMS-encrypted objects have other ETags: the MD5 we stored says it.
          const head = await s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: key }));
          present = head.Metadata?.['source-md5'] === source.md5;
        }
      }
      const keywords =
        image.KeywordArray ??
        image.Keywords.split(';')
          .map((k) => k.trim())
          .filter(Boolean);
      entries.push({
        imageKey: image.ImageKey,
        serial: image.Serial,
        albumKey: album.albumKey,
        fileName: image.FileName,
        key,
        source: source.source,
        url: source.url,
        size: source.size,
        md5: source.md5,
        format: image.Format,
        isVideo: image.IsVideo,
        present,
        metadata: {
          title: image.Title,
          caption: image.Caption,
          keywords,
          uploaded: image.DateTimeUploaded,
          ...captureDateOf(image.DateTimeOriginal, image.exif),
          lastUpdated: image.LastUpdated,
          latitude: image.Latitude,
          longitude: image.Longitude,
          altitude: image.Altitude,
          origin: image.Origin,
          hidden: image.Hidden,
          webUri: image.WebUri,
        },
      });
    }
    entries.sort((a, b) => a.key.localeCompare(b.key));

    // Transfer batches first (what the workflow runs), then storage-only batches of present files.
    const largeBytes = config.LARGE_FILE_THRESHOLD_MB * 2 ** 20;
    const batchBytes = config.BATCH_MAX_MB * 2 ** 20;
    const stored: Array<{ ref: BatchRef; entries: PlanEntry[] }> = [];
    let current: PlanEntry[] = [];
    const close = (kind: BatchRef['kind'], list: PlanEntry[]) => {
      if (list.length === 0) return;
      const ref: BatchRef = {
        index: stored.length,
        kind,
        files: list.length,
        bytes: list.reduce((s, e) => s + e.size, 0),
      };
      if (kind === 'large') ref.label = list[0].fileName;
      stored.push({ ref, entries: list });
    };
    for (const entry of entries.filter((e) => !e.present)) {
      if (entry.size > largeBytes) {
        close('large', [entry]);
        continue;
      }
      if (
        current.length >= config.BATCH_MAX_FILES ||
        current.reduce((s, e) => s + e.size, 0) + entry.size > batchBytes
      ) {
        close('small', current);
        current = [];
      }
      current.push(entry);
    }
    close('small', current);
    const transferBatches = stored.map((b) => b.ref);
    const present = entries.filter((e) => e.present);
    for (let i = 0; i < present.length; i += PRESENT_BATCH_SIZE)
      close('small', present.slice(i, i + PRESENT_BATCH_SIZE));

    const store = new StateStore(s3, target.bucket);
    for (const batch of stored)
      await store.put(batchKey(planPrefix, batch.ref.index), PlanBatch, {
        index: batch.ref.index,
        entries: batch.entries,
      });
    const record: AlbumPlanRecord = {
      album: {
        albumKey: album.albumKey,
        name: album.name,
        path: album.path,
        nodeId: album.nodeId,
        description: albumInfo?.Description,
        keywords:
          typeof albumInfo?.Keywords === 'string'
            ? albumInfo.Keywords.split(';')
                .map((k) => k.trim())
                .filter(Boolean)
            : albumInfo?.Keywords,
        webUri: albumInfo?.WebUri,
        lastUpdated: albumInfo?.LastUpdated,
      },
      albumFolderKey: folder,
      batches: stored.length,
      unavailable,
    };
    await store.put(planRecordKey(planPrefix), AlbumPlanRecord, record);

    return {
      planPrefix,
      albumFolderKey: folder,
      files: entries.length,
      bytes: entries.reduce((s, e) => s + e.size, 0),
      alreadyPresent: present.length,
      alreadyPresentBytes: present.reduce((s, e) => s + e.size, 0),
      unavailable: unavailable.length,
      batches: transferBatches,
    };
  }
}
