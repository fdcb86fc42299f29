import { HeadObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { log } from '@temporalio/activity';
import { captureDateOf } from '../common/capture-date';
import type { MigrationTarget } from '../common/migration-input';
import type { AlbumPlan, BatchRef } from '../common/migration-types';
import type { AlbumRef } from '../common/records';
import { albumFolderKey, fileNamesFor, joinKey } from '../s3/keys';
import { otherComponents } from '../smugmug/asset-components';
import type { AlbumImageWithExif, SmugMugClient } from '../smugmug/client';
import { Album, type AlbumImage, mayHaveOtherComponents } from '../smugmug/schemas';
import { AlbumPlanRecord, PlanBatch, type PlanEntry, type UnavailableEntry } from '../state/documents';
import { albumStateFolder, batchKey, planRecordKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';
import { smugmugOfThisRun } from './smugmug-of-run';

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
export function planAlbum(deps: ActivityDeps) {
  const { s3, config, replicas } = deps;
  async function sourceOf(smugmug: SmugMugClient, image: AlbumImage): Promise<Source> {
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

  /**
   * Whether a bucket holds a file already (sync): same size, and SmugMug's MD5 as ETag or recorded.
   * The album's folder is listed once; a HEAD is asked only where the ETag is not an MD5.
   */
  async function presenceIn(client: S3Client, bucket: string, folder: string) {
    const existing = new Map<string, { size: number; etag: string }>();
    for await (const page of paginateListObjectsV2({ client }, { Bucket: bucket, Prefix: `${folder}/` })) {
      for (const o of page.Contents ?? [])
        existing.set(o.Key!, { size: o.Size ?? -1, etag: (o.ETag ?? '').replace(/"/g, '') });
    }
    return async (key: string, file: { size: number; md5?: string }) => {
      const found = existing.get(key);
      if (!found || !file.md5 || found.size !== file.size) return false;
      if (found.etag === file.md5) return true;
      // Multipart or KMS-encrypted objects have other ETags: the MD5 we stored says it.
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      return head.Metadata?.['source-md5'] === file.md5;
    };
  }

  /**
   * Plans the other files of each image's asset (SmugMug Source's RAW), asked only of images whose
   * ComponentFileTypes say there may be some: each beside its image's file, under the same name
   * with its own extension, copied and verified like it. One SmugMug gives no bytes for is
   * unavailable (its image held); one without an MD5 or size is copied but marked unproven (held too).
   */
  async function planComponents(
    smugmug: SmugMugClient,
    images: Map<string, AlbumImageWithExif>,
    entries: PlanEntry[],
    unavailable: UnavailableEntry[],
    presence: (
      key: string,
      file: { size: number; md5?: string },
    ) => Promise<Pick<PlanEntry, 'present' | 'replicaOnly'>>,
  ): Promise<void> {
    const unexpected = new Set<string>();
    const taken = new Set(entries.map((e) => e.key.toLowerCase()));
    for (const own of [...entries]) {
      const image = images.get(own.imageKey)!;
      if (!mayHaveOtherComponents(image)) continue;
      const found = await smugmug.assetComponents(image.ImageKey);
      for (const c of otherComponents(image, found, (what) => unexpected.add(what))) {
        const component = { id: c.id, type: c.type, extension: c.extension, raw: c.raw };
        const fileName = c.fileName || own.fileName.replace(/(\.[^.]*)?$/, `.${c.extension.toLowerCase()}`);
        const size = c.url ? (c.size ?? (await smugmug.sizeOf(c.url))) : undefined;
        if (!c.url || size === undefined) {
          const reason = !c.url
            ? 'SmugMug gives no download URL for it'
            : 'SmugMug gives no size for it, and its download says none';
          unavailable.push({ imageKey: own.imageKey, serial: own.serial, fileName, reason, component });
          continue;
        }
        let key = besideKey(own.key, extensionOfName(c.fileName) ?? c.extension.toLowerCase());
        if (taken.has(key.toLowerCase())) key = besideKey(own.key, `${c.id}.${c.extension.toLowerCase()}`, '_');
        taken.add(key.toLowerCase());
        const unproven = !c.md5
          ? 'SmugMug gives no MD5 for it, so only its size was checked'
          : c.size === undefined
            ? 'SmugMug gives no size for it'
            : undefined;
        entries.push({
          ...own,
          fileName,
          key,
          source: 'component',
          url: c.url,
          size,
          md5: c.md5,
          format: c.extension,
          isVideo: false,
          preview: undefined, // the image's own preview shows its RAW too
          ...(await presence(key, { size, md5: c.md5 })),
          component: { ...component, unproven },
        });
      }
    }
    // What differs from the shape this was built on shows in the worker's log, once per album.
    if (unexpected.size > 0)
      log.warn('SmugMug asset components differ from the known shape', { unexpected: [...unexpected] });
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
    const smugmug = await smugmugOfThisRun(deps);
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
    const inPrimary = await presenceIn(s3, target.bucket, folder);
    // A replica the worker writes must hold each file too; one S3 replication writes is only verified.
    const replica = target.replica?.by === 'copy' ? target.replica : undefined;
    const inReplica = replica
      ? await presenceIn(replicas.get(replica.connection), replica.bucket, folder)
      : async () => true;
    /** Present where it must be; or in the primary bucket only, when only the replica lacks it. */
    const presence = async (key: string, file: { size: number; md5?: string }) => {
      if (!(await inPrimary(key, file))) return { present: false };
      return (await inReplica(key, file)) ? { present: true } : { present: false, replicaOnly: true };
    };

    const entries: PlanEntry[] = [];
    const unavailable: UnavailableEntry[] = [];
    for (const image of images.values()) {
      const source = await sourceOf(smugmug, image);
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
      const present = await presence(key, source);
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
        ...present,
        preview: input.target.previews !== false ? image.medium : undefined,
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
    await planComponents(smugmug, images, entries, unavailable, presence);
    entries.sort((a, b) => a.key.localeCompare(b.key));

    // Transfer batches first (what the workflow runs), then storage-only batches of present files.
    const largeBytes = config.LARGE_FILE_THRESHOLD_MB * 2 ** 20;
    const batchBytes = config.BATCH_MAX_MB * 2 ** 20;
    const stored: Array<{ ref: BatchRef; entries: PlanEntry[] }> = [];
    const close = (kind: BatchRef['kind'], list: PlanEntry[], components: boolean) => {
      if (list.length === 0) return;
      const ref: BatchRef = {
        index: stored.length,
        kind,
        files: list.length,
        bytes: list.reduce((s, e) => s + e.size, 0),
      };
      if (kind === 'large') ref.label = list[0].fileName;
      if (components) ref.components = true;
      stored.push({ ref, entries: list });
    };
    /** Small files together up to the batch limits, each large file alone. */
    const addBatches = (list: PlanEntry[], components: boolean) => {
      let current: PlanEntry[] = [];
      for (const entry of list) {
        if (entry.size > largeBytes) {
          close('large', [entry], components);
          continue;
        }
        if (
          current.length >= config.BATCH_MAX_FILES ||
          current.reduce((s, e) => s + e.size, 0) + entry.size > batchBytes
        ) {
          close('small', current, components);
          current = [];
        }
        current.push(entry);
      }
      close('small', current, components);
    };
    const toCopy = entries.filter((e) => !e.present);
    // The images' own files first; components (RAW) in batches of their own, whose failure holds their images only.
    addBatches(
      toCopy.filter((e) => !e.component),
      false,
    );
    addBatches(
      toCopy.filter((e) => e.component),
      true,
    );
    const transferBatches = stored.map((b) => b.ref);
    const present = entries.filter((e) => e.present);
    for (let i = 0; i < present.length; i += PRESENT_BATCH_SIZE)
      close('small', present.slice(i, i + PRESENT_BATCH_SIZE), false);

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
        urlName: albumInfo?.UrlName,
        privacy: albumInfo?.Privacy,
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

/** The key of a file beside another: the same name with another extension (`IMG_1.JPG` → `IMG_1.rw2`). */
function besideKey(key: string, extension: string, separator = '.'): string {
  const slash = key.lastIndexOf('/');
  const dot = key.lastIndexOf('.');
  const stem = dot > slash + 1 ? key.slice(0, dot) : key;
  return `${stem}${separator}${extension}`;
}

/** A file name's extension as written (`rw2`), or undefined. */
const extensionOfName = (fileName: string | undefined) => /\.([A-Za-z0-9]{1,10})$/.exec(fileName ?? '')?.[1];
