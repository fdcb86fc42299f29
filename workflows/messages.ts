import { defineQuery } from '@temporalio/workflow';
import type { AlbumProgress, MigrationProgress } from '../common/migration-types';

/** Signals, queries and updates of the workflows, defined once for the workflows and every client. */
export const migrationProgress = defineQuery<MigrationProgress>('migrationProgress');
export const albumProgress = defineQuery<AlbumProgress>('albumProgress');
