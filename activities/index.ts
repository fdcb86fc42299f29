import { preflightBucket } from './bucket-preflight';
import { checkMigrationTarget } from './check-target';
import type { ActivityDeps } from './deps';
import { deleteOriginals } from './delete-originals';
import { discoverAlbums, findAlbums, readAlbums } from './discover-albums';
import { listFailedAlbums, recordAlbumOutcome } from './failed-albums';
import { writeMigrationReport } from './migration-report';
import { planAlbum } from './plan-album';
import { awaitMigrationEnd, startScheduledMigration } from './scheduled-runs';
import { transferLargeFile } from './transfer-large-file';
import { transferSmallFiles } from './transfer-small-files';
import { cleanUpUploads, verifyAlbum } from './verify-album';

/** Every activity, bound to the worker's clients (the activities-dependency-injection pattern). */
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
    findAlbums: findAlbums(deps),
    recordAlbumOutcome: recordAlbumOutcome(deps),
    listFailedAlbums: listFailedAlbums(deps),
    writeMigrationReport: writeMigrationReport(deps),
    startScheduledMigration: startScheduledMigration(deps),
    awaitMigrationEnd: awaitMigrationEnd(deps),
  };
}
export type Activities = ReturnType<typeof createActivities>;
