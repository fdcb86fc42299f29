import type { MigrationTarget } from '../common/migration-input';
import { FailedAlbumRecord } from '../state/documents';
import { albumKeyOfFailedMarker, failedAlbumKey, failedAlbumsPrefix } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';

export interface AlbumOutcomeInput {
  migrationId: string;
  target: MigrationTarget;
  /** Set when the album failed: its marker is written; absent when it succeeded: its marker goes. */
  failure?: Omit<FailedAlbumRecord, 'failedAt'>;
  albumKey: string;
}

/** Keeps the bucket's list of failed albums current: a marker per album whose last run failed. */
export function recordAlbumOutcome({ s3 }: ActivityDeps) {
  return async function recordAlbumOutcome(input: AlbumOutcomeInput): Promise<void> {
    const store = new StateStore(s3, input.target.bucket);
    const key = failedAlbumKey(input.target.prefix, input.migrationId, input.albumKey);
    if (input.failure)
      await store.put(key, FailedAlbumRecord, { ...input.failure, failedAt: new Date().toISOString() });
    else await store.delete(key);
  };
}

/** Every failed album of a migration, for the migration's retry of all of them. */
export function listFailedAlbums({ s3 }: ActivityDeps) {
  return async function listFailedAlbums(input: { migrationId: string; target: MigrationTarget }): Promise<string[]> {
    const { prefix } = input.target;
    const keys: string[] = [];
    for await (const key of new StateStore(s3, input.target.bucket).keys(
      failedAlbumsPrefix(prefix, input.migrationId),
    )) {
      keys.push(albumKeyOfFailedMarker(prefix, input.migrationId, key));
    }
    return keys;
  };
}
