import {
  type AlbumRestoreInput,
  type AlbumRestoreOutcome,
  MAX_ALBUM_IMAGES,
  RESTORED_CHECKS,
  RestoreCheck,
  type RestoreTarget,
  type SmugMugRestoreInput,
} from '../common/smugmug-restore';
import { keptAs, metadataDifferences } from '../metadata/smugmug-fields';
import { restoreAlbumReportKey, smugmugRestoreReportKey } from '../state/layout';
import { RestoreAlbumReport, SmugMugRestoreReport } from '../state/documents';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';
import { restoreImagesOf } from './smugmug-restore-structure';
import { imagesByName, imageUriOf, restoredCopyOf, type UploadPartResult } from './smugmug-restore-uploads';
import { smugmugOfThisRun } from './smugmug-of-run';

/**
 * How far a re-encoded video's size may be from the original's and still be the same video:
 * SmugMug's encode of a phone's video is seen from a fifth to about the same size.
 */
const VIDEO_SIZE_RATIO = 10;

/** What no restore brings back as it was: said in every report (and README). */
export const NOT_RESTORABLE = [
  'image keys, and so old links to images and shares made on SmugMug',
  'upload dates (SmugMug sets the restore time; capture dates come from the files)',
  'comments, statistics, sales and favourites',
  'the manual sort order of albums',
  'RAW files kept by SmugMug Source (they stay in the archive; the Uploader takes them only with Source)',
  'videos byte for byte: SmugMug re-encodes every upload (checked by presence and size)',
  'HEIC files byte for byte: SmugMug converts them to JPEG',
];

/**
 * An album's restore checked on SmugMug, by direct listings: each photo SmugMug keeps byte for byte
 * by its ArchivedMD5 against the archive's MD5, videos and HEIC by presence and size class, and every
 * image's title, caption, keywords, GPS and hidden flag against the archive. The image-by-image
 * report goes to the bucket; the outcome is its summary.
 */
export function checkRestoredAlbum(deps: Pick<ActivityDeps, 's3' | 'smugmug'>) {
  return async function checkRestoredAlbum(
    input: AlbumRestoreInput & { targets: RestoreTarget[]; refused: UploadPartResult['refused']; thawed?: number },
  ): Promise<AlbumRestoreOutcome> {
    const client = await smugmugOfThisRun(deps);
    const store = new StateStore(deps.s3, input.bucket);
    const { manifest, images } = await restoreImagesOf(store, input);
    const refusals = new Map(input.refused.map((r) => [r.imageKey, r]));
    const items: RestoreAlbumReport['items'] = [];
    await withHeartbeats(
      () => ({ checked: items.length }),
      async () => {
        for (const target of input.targets) {
          const byName = await imagesByName(client, target.albumUri);
          const claimed = new Set<string>();
          const part = images.slice((target.part - 1) * MAX_ALBUM_IMAGES, target.part * MAX_ALBUM_IMAGES);
          for (const image of part) {
            const found = restoredCopyOf(image, byName, claimed);
            const item = { imageKey: image.imageKey, fileName: image.fileName, part: target.part };
            if (!found) {
              const refusal = refusals.get(image.imageKey);
              items.push(
                refusal
                  ? { ...item, check: 'refused', problem: `the Uploader's code ${refusal.code}: ${refusal.message}` }
                  : { ...item, check: 'missing', problem: 'not in the album after its upload' },
              );
              continue;
            }
            const problems = metadataDifferences(image, found).map((field) => `${field} not as archived`);
            const kept = keptAs(image);
            const size = found.ArchivedSize;
            if (kept === 're-encoded' && size !== undefined && !withinRatio(size, image.size))
              problems.push(`size ${size} bytes, the original ${image.size}`);
            const check: RestoreCheck = problems.length > 0 ? 'differs' : kept === 'as-is' ? 'identical' : kept;
            items.push({ ...item, check, imageUri: imageUriOf(found), problem: problems.join('; ') || undefined });
          }
        }
      },
    );
    const counts = Object.fromEntries(
      RestoreCheck.options.map((c) => [c, items.filter((i) => i.check === c).length]),
    ) as AlbumRestoreOutcome['counts'];
    const reportKey = restoreAlbumReportKey(input.prefix, input.restoreId, input.album.albumKey);
    const outcome: AlbumRestoreOutcome = {
      albumKey: input.album.albumKey,
      name: manifest.album.name,
      path: input.album.path,
      targets: input.targets,
      images: images.length,
      counts,
      ok: items.every((i) => RESTORED_CHECKS.includes(i.check)),
      reportKey,
      thawed: input.thawed,
    };
    await store.put(reportKey, RestoreAlbumReport, {
      ...RestoreAlbumReport.omit({ restoreId: true, checkedAt: true, items: true }).parse(outcome),
      restoreId: input.restoreId,
      checkedAt: new Date().toISOString(),
      items,
    });
    return outcome;
  };
}

const withinRatio = (a: number, b: number) => a * VIDEO_SIZE_RATIO >= b && b * VIDEO_SIZE_RATIO >= a;

/** The restore's report in the bucket: each album's outcome, the albums that failed, and what no restore brings back. */
export function writeSmugMugRestoreReport({ s3 }: Pick<ActivityDeps, 's3'>) {
  return async function writeSmugMugRestoreReport(input: {
    restore: Omit<SmugMugRestoreInput, 'albums'>;
    albums: AlbumRestoreOutcome[];
    failed: SmugMugRestoreReport['failed'];
  }): Promise<string> {
    const { restore } = input;
    const key = smugmugRestoreReportKey(restore.prefix, restore.restoreId);
    await new StateStore(s3, restore.bucket).put(key, SmugMugRestoreReport, {
      restoreId: restore.restoreId,
      account: restore.account,
      bucket: restore.bucket,
      prefix: restore.prefix,
      finishedAt: new Date().toISOString(),
      albums: input.albums,
      failed: input.failed,
      notRestorable: NOT_RESTORABLE,
    });
    return key;
  };
}
