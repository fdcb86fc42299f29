import { checkArchiveProtection } from './archive-protection';
import { auditArchive } from './audit-archive';
import { restoreAlbumFiles } from './archive-restores';
import { deepAuditActivities } from './deep-audit';
import { preflightBucket } from './bucket-preflight';
import { checkMigrationTarget } from './check-target';
import { cleanUpUploads } from './clean-up-uploads';
import type { ActivityDeps } from './deps';
import { deleteOriginals } from './delete-originals';
import { discoverAlbums, findAlbums, readAlbums } from './discover-albums';
import { listFailedAlbums, recordAlbumOutcome } from './failed-albums';
import { notifyAuditWebhook, notifyRestoreWebhook } from './operator-webhook';
import { planAlbum } from './plan-album';
import { checkRestoredAlbum, writeSmugMugRestoreReport } from './smugmug-restore-check';
import { makeRestoreAlbums, prepareAlbumRestore } from './smugmug-restore-structure';
import { uploadRestorePart } from './smugmug-restore-uploads';
import { writeReports } from './reports';
import { awaitMigrationEnd, startScheduledMigration } from './scheduled-runs';
import { transferLargeFile } from './transfer-large-file';
import { transferSmallFiles } from './transfer-small-files';
import { verifyAlbum } from './verify-album';

/**
 * Every activity, bound to the worker's clients (the activities-dependency-injection pattern). The
 * keys are the registered activity types, which histories and running workflows know: they never
 * change, whatever the functions are called.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    checkMigrationTarget: checkMigrationTarget(deps),
    preflightBucket: preflightBucket(deps),
    discoverAlbums: discoverAlbums(deps),
    readAlbums: readAlbums(deps),
    planAlbum: planAlbum(deps),
    transferSmallFiles: transferSmallFiles(deps),
    transferLargeFile: transferLargeFile(deps),
    verifyAlbum: verifyAlbum(deps),
    cleanUpUploads: cleanUpUploads(deps),
    deleteOriginals: deleteOriginals(deps),
    checkArchiveProtection: checkArchiveProtection(deps),
    findAlbums: findAlbums(deps),
    recordAlbumOutcome: recordAlbumOutcome(deps),
    listFailedAlbums: listFailedAlbums(deps),
    writeMigrationReport: writeReports(deps),
    startScheduledMigration: startScheduledMigration(deps),
    awaitMigrationEnd: awaitMigrationEnd(deps),
    auditArchive: auditArchive(deps),
    notifyAuditWebhook: notifyAuditWebhook(deps),
    ...deepAuditActivities(deps),
    restoreAlbumFiles: restoreAlbumFiles(deps),
    notifyRestoreWebhook: notifyRestoreWebhook(deps),
    prepareAlbumRestore: prepareAlbumRestore(deps),
    makeRestoreAlbums: makeRestoreAlbums(deps),
    uploadRestorePart: uploadRestorePart(deps),
    checkRestoredAlbum: checkRestoredAlbum(deps),
    writeSmugMugRestoreReport: writeSmugMugRestoreReport(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
