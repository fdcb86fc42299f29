import type { AlbumRef } from '../common/records';
import type { AlbumPlanRecord, PlanEntry, PlanReport } from '../state/documents';
import { estimateCosts, estimatePreviews, estimateReplica, type UploadShape } from './cost-estimate';
import type { PriceTable } from './s3-prices';

/** Files named in the plan's "largest" list: the ones that decide the time and the multipart uploads. */
const LARGEST_LISTED = 10;
/** Duplicate groups listed by name; beyond that only counted. */
const DUPLICATE_GROUPS_LISTED = 100;

export interface PlannedAlbum {
  album: AlbumRef;
  record: AlbumPlanRecord;
  entries: PlanEntry[];
}

/**
 * A plan a person decides on, from the stored album plans of a dry run, one album at a time (only
 * sizes and MD5s are kept, so memory stays small however large the account): per album and in
 * total the files, bytes, photos and videos, the items held (nothing to copy, or only a
 * transcode), the duplicate images (the same MD5 under different ImageKeys; a collected copy is one
 * image in two albums and counts once), the largest files, and what it costs per storage class.
 */
export class PlanAccumulator {
  private readonly imagesByMd5 = new Map<string, Map<string, { albumKey: string; fileName: string; size: number }>>();
  private readonly sizes: number[] = [];
  /** Each preview's size, where SmugMug gives it. */
  private readonly previewSizes: Array<number | undefined> = [];
  private largest: PlanReport['largest'] = [];
  private readonly rows: PlanReport['albums'] = [];

  add({ album, record, entries }: PlannedAlbum): void {
    for (const e of entries) {
      this.sizes.push(e.size);
      if (e.preview) this.previewSizes.push(e.preview.size);
      // Components (RAW files) are counted apart, never as duplicate images.
      if (!e.md5 || e.component) continue;
      const images = this.imagesByMd5.get(e.md5) ?? new Map();
      if (!images.has(e.imageKey))
        images.set(e.imageKey, { albumKey: album.albumKey, fileName: e.fileName, size: e.size });
      this.imagesByMd5.set(e.md5, images);
    }
    this.largest = [
      ...this.largest,
      ...entries.map((e) => ({ albumKey: album.albumKey, imageKey: e.imageKey, fileName: e.fileName, bytes: e.size })),
    ]
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, LARGEST_LISTED);
    const components = entries.filter((e) => e.component);
    const raws = components.filter((e) => e.component!.raw);
    const images = entries.filter((e) => !e.component);
    const videos = images.filter((e) => e.isVideo).length;
    this.rows.push({
      albumKey: album.albumKey,
      path: album.path,
      files: entries.length,
      bytes: entries.reduce((s, e) => s + e.size, 0),
      photos: images.length - videos,
      videos,
      rawFiles: raws.length,
      rawBytes: raws.reduce((s, e) => s + e.size, 0),
      otherComponents: components.length - raws.length,
      alreadyPresent: entries.filter((e) => e.present).length,
      // Items an approval leaves on SmugMug unless it names them; an image with an unproven component (no MD5) among them.
      held: new Set([
        ...record.unavailable.map((u) => u.imageKey),
        ...entries.filter((e) => e.source === 'largest-video' || e.component?.unproven).map((e) => e.imageKey),
      ]).size,
    });
  }

  finish(opts: {
    migrationId: string;
    account: string;
    bucket: string;
    prefix: string;
    prices: PriceTable;
    region: string;
    upload: UploadShape;
    /** The migration's replica, with its connection's region and endpoint. */
    replica?: Parameters<typeof estimateReplica>[1];
  }): PlanReport {
    const rows = this.rows;
    const duplicateGroups = [...this.imagesByMd5.entries()].filter(([, images]) => images.size > 1);
    const sum = (
      key:
        | 'files'
        | 'bytes'
        | 'photos'
        | 'videos'
        | 'rawFiles'
        | 'rawBytes'
        | 'otherComponents'
        | 'held'
        | 'alreadyPresent',
    ) => rows.reduce((s, r) => s + r[key], 0);
    return {
      migrationId: opts.migrationId,
      account: opts.account,
      bucket: opts.bucket,
      prefix: opts.prefix,
      generatedAt: new Date().toISOString(),
      totals: {
        albums: rows.length,
        files: sum('files'),
        bytes: sum('bytes'),
        photos: sum('photos'),
        videos: sum('videos'),
        rawFiles: sum('rawFiles'),
        rawBytes: sum('rawBytes'),
        otherComponents: sum('otherComponents'),
        held: sum('held'),
        alreadyPresent: sum('alreadyPresent'),
        uniqueImages: [...this.imagesByMd5.values()].reduce((s, images) => s + images.size, 0),
        duplicateImages: duplicateGroups.reduce((s, [, images]) => s + images.size - 1, 0),
        duplicateBytes: duplicateGroups.reduce(
          (s, [, images]) => s + [...images.values()][0].size * (images.size - 1),
          0,
        ),
      },
      albums: rows,
      duplicates: duplicateGroups
        .slice(0, DUPLICATE_GROUPS_LISTED)
        .map(([md5, images]) => ({ md5, images: [...images.entries()].map(([imageKey, i]) => ({ imageKey, ...i })) })),
      largest: this.largest,
      costs: {
        ...estimateCosts(this.sizes, { prices: opts.prices, region: opts.region, upload: opts.upload }),
        replica: opts.replica && estimateReplica(this.sizes, opts.replica, opts),
        previews: estimatePreviews(this.previewSizes, opts),
      },
    };
  }
}
