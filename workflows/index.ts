export { accountMigration } from './account-migration';
export { albumMigration } from './album-migration';
