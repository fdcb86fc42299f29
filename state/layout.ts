/**
 * Every key of the migration's own files in the bucket, built here and nowhere else. They live
 * beside the copied library, under `<prefix>/_smugmug-s3-migration/<migrationId>/`:
 *
 *   albums.json                          the discovered albums (AlbumRefList)
 *   report.json                          the migration's verification report (MigrationReport)
 *   plan-report.json                     a dry run's plan: files, held items, duplicates, costs (PlanReport)
 *   failed-albums/<AlbumKey>.json        one marker per album whose last run failed (FailedAlbumRecord)
 *   albums/<AlbumKey>/plan.json          an album's plan record (AlbumPlanRecord)
 *   albums/<AlbumKey>/batch-NNNNN.json   its plan, in batches (PlanBatch)
 *   albums/<AlbumKey>/verification.json  its verification report (AlbumVerificationReport)
 *   albums/<AlbumKey>/deletion.json      what an approval deleted (DeletionLog); deletion-dry-run.json for a dry run
 *   albums/<AlbumKey>/multipart/…        checkpoints of large files while they upload (Checkpoint)
 *
 * and, for every migration, `<prefix>/_smugmug-s3-migration/_checksums/<AlbumKey>/…`: large files'
 * recorded whole-file CRC32 (ChecksumRecord); `<prefix>/_smugmug-s3-migration/_previews/<AlbumKey>/…`:
 * each image's preview (SmugMug's Medium rendition, never an original); `…/_index/<AlbumKey>.json`: where
 * each album's manifest is (AlbumIndexEntry), which the archive's pages read instead of listing the library;
 * and `album.json` (AlbumManifest) in every album's folder of the library itself. Shares of the archive
 * are the bucket's own, at `_smugmug-s3-migration/_shares/<hash of the link's secret>.json` (ShareRecord);
 * restores to SmugMug keep their reports under `…/_restores/<restoreId>/`.
 */

export const STATE_FOLDER = '_smugmug-s3-migration';

/** Where a migration keeps its plans, checkpoints and reports, beside the copied library. */
export function statePrefix(targetPrefix: string, migrationId: string): string {
  return `${targetPrefix ? `${targetPrefix}/` : ''}${STATE_FOLDER}/${migrationId}`;
}

export const albumListKey = (targetPrefix: string, migrationId: string) =>
  `${statePrefix(targetPrefix, migrationId)}/albums.json`;
export const migrationReportKey = (targetPrefix: string, migrationId: string) =>
  `${statePrefix(targetPrefix, migrationId)}/report.json`;

export const planReportKey = (targetPrefix: string, migrationId: string) =>
  `${statePrefix(targetPrefix, migrationId)}/plan-report.json`;

/** The complete list of failed albums: one marker each, which no state or payload limit can truncate. */
export const failedAlbumsPrefix = (targetPrefix: string, migrationId: string) =>
  `${statePrefix(targetPrefix, migrationId)}/failed-albums/`;
export const failedAlbumKey = (targetPrefix: string, migrationId: string, albumKey: string) =>
  `${failedAlbumsPrefix(targetPrefix, migrationId)}${albumKey}.json`;
/** The AlbumKey a failed-album marker's key names. */
export const albumKeyOfFailedMarker = (targetPrefix: string, migrationId: string, key: string) =>
  key.slice(failedAlbumsPrefix(targetPrefix, migrationId).length).replace(/\.json$/, '');

/**
 * An album's state folder: its plan and batches, multipart checkpoints, verification and deletion
 * records. (Activities and histories call it `planPrefix`, from when it held the plan alone.)
 */
export const albumStateFolder = (targetPrefix: string, migrationId: string, albumKey: string) =>
  `${statePrefix(targetPrefix, migrationId)}/albums/${albumKey}`;
export const planRecordKey = (albumFolder: string) => `${albumFolder}/plan.json`;
export const batchKey = (albumFolder: string, index: number) =>
  `${albumFolder}/batch-${String(index).padStart(5, '0')}.json`;
export const verificationKey = (albumFolder: string) => `${albumFolder}/verification.json`;
export const deletionLogKey = (albumFolder: string, dryRun: boolean) =>
  `${albumFolder}/${dryRun ? 'deletion-dry-run' : 'deletion'}.json`;

/** Checkpoints of large files' multipart uploads while they run. */
export const checkpointPrefix = (albumFolder: string) => `${albumFolder}/multipart/`;
export const checkpointKey = (albumFolder: string, file: FileOfImage) =>
  `${checkpointPrefix(albumFolder)}${fileName(file)}.json`;

/** A planned file as the state's keys name it: its image, and for a component (its RAW), which one. */
type FileOfImage = { imageKey: string; serial: number; component?: { id: string } };
const fileName = (file: FileOfImage) =>
  `${file.imageKey}-${file.serial}${file.component ? `-${file.component.id}` : ''}`;

/**
 * A large file's recorded CRC32 (small files carry theirs in their object's metadata), kept apart
 * from any one migration: a later sync verifies the same object against it. (`_checksums` cannot
 * be a migration id, which begins with a letter or digit.)
 */
export const checksumRecordKey = (targetPrefix: string, file: FileOfImage & { albumKey: string }) =>
  `${targetPrefix ? `${targetPrefix}/` : ''}${STATE_FOLDER}/_checksums/${file.albumKey}/${fileName(file)}.json`;

/** Where an album's previews are, apart from any one migration and from the library's own folders. */
export const previewsPrefix = (targetPrefix: string, albumKey: string) =>
  `${targetPrefix ? `${targetPrefix}/` : ''}${STATE_FOLDER}/_previews/${albumKey}/`;
/** An image's preview: SmugMug's Medium rendition of it (of a video, its poster frame). */
export const previewKey = (targetPrefix: string, file: FileOfImage & { albumKey: string }) =>
  `${previewsPrefix(targetPrefix, file.albumKey)}${fileName(file)}.jpg`;

/** The archive's index: one entry per album naming its manifest, rewritten with it (`_index` cannot be a migration id). */
export const albumIndexPrefix = (targetPrefix: string) =>
  `${targetPrefix ? `${targetPrefix}/` : ''}${STATE_FOLDER}/_index/`;
export const albumIndexKey = (targetPrefix: string, albumKey: string) =>
  `${albumIndexPrefix(targetPrefix)}${albumKey}.json`;

/** A share link's record, by the SHA-256 of the link's secret (the secret itself is kept nowhere). */
export const shareRecordPrefix = () => `${STATE_FOLDER}/_shares/`;
export const shareRecordKey = (secretHash: string) => `${shareRecordPrefix()}${secretHash}.json`;

/**
 * A restore to SmugMug's files (`_restores/<restoreId>/`): each album's report (RestoreAlbumReport)
 * and journal of the albums it made (RestoreJournal), and the restore's report (SmugMugRestoreReport).
 */
export const smugmugRestoreFolder = (targetPrefix: string, restoreId: string) =>
  `${targetPrefix ? `${targetPrefix}/` : ''}${STATE_FOLDER}/_restores/${restoreId}`;
export const restoreAlbumReportKey = (targetPrefix: string, restoreId: string, albumKey: string) =>
  `${smugmugRestoreFolder(targetPrefix, restoreId)}/albums/${albumKey}.json`;
export const restoreJournalKey = (targetPrefix: string, restoreId: string, albumKey: string) =>
  `${smugmugRestoreFolder(targetPrefix, restoreId)}/albums/${albumKey}.journal.json`;
export const smugmugRestoreReportKey = (targetPrefix: string, restoreId: string) =>
  `${smugmugRestoreFolder(targetPrefix, restoreId)}/report.json`;

/** An audit's report (AuditReport), beside the migrations' state (`_audits` cannot be a migration id). */
export const auditReportKey = (targetPrefix: string, auditId: string) =>
  `${targetPrefix ? `${targetPrefix}/` : ''}${STATE_FOLDER}/_audits/${auditId}.json`;

/** The deep audit's files beside its report: the Batch Operations manifest, and each object's expected MD5 (JSON lines). */
export const auditBatchManifestKey = (targetPrefix: string, auditId: string) =>
  auditReportKey(targetPrefix, auditId).replace(/\.json$/, '/batch-manifest.csv');
export const auditExpectedChecksumsKey = (targetPrefix: string, auditId: string) =>
  auditReportKey(targetPrefix, auditId).replace(/\.json$/, '/expected-md5.jsonl');
