/**
 * The workflows the worker registers, each exported under its registered type name
 * (common/workflow-types.ts): histories and running workflows know them by these names, so they
 * never change, whatever the code calls them.
 */
export { migrationWorkflow as accountMigration } from './migration';
export { accountDeskWorkflow as accountMigrations } from './account-desk';
export { albumWorkflow as albumMigration } from './album';
export { scheduledSyncWorkflow as scheduledSync } from './scheduled-sync';
export { archiveAuditWorkflow as archiveAudit } from './audit';
export { archiveRestoreWorkflow as archiveRestore } from './archive-restore';
export { smugmugRestoreWorkflow as smugmugRestore } from './smugmug-restore/workflow';
export { albumRestoreWorkflow as smugmugAlbumRestore } from './smugmug-restore/album';
