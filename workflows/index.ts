export { accountMigration } from './account-migration';
export { albumMigration } from './album-migration';
export { accountMigrations } from './account-migrations';
export { scheduledSync } from './scheduled-sync';
