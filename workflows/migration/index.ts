export { migrationWorkflow } from './workflow';
export type { CarriedState, MigrationResult } from './state';
