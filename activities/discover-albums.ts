import { ApplicationFailure } from '@temporalio/common';
import { albumFilter } from '../common/album-filter';
import { errorType } from '../common/error-types';
import type { MigrationInput } from '../common/migration-input';
import type { DiscoveryResult } from '../common/migration-types';
import type { AlbumRef } from '../common/records';
import { AlbumRefList } from '../state/documents';
import { albumListKey } from '../state/layout';
import { StateStore } from '../state/store';
import type { ActivityDeps } from './deps';
import { withHeartbeats } from './keep-alive';

/** Walks the folder tree (paged) and writes the albums to migrate to the bucket; returns a reference and totals. */
export function discoverAlbums({ smugmug, s3 }: ActivityDeps) {
  return async function discoverAlbums(
    input: Pick<MigrationInput, 'migrationId' | 'account' | 'target' | 'albums'>,
  ): Promise<DiscoveryResult> {
    const client = await smugmug.clientFor(input.account);
    const user = await client.accountUser(input.account);
    const keep = albumFilter(input.albums);
    const albums: AlbumRef[] = [];
    let excluded = 0;
    await withHeartbeats(
      () => ({ albums: albums.length }),
      async () => {
        for await (const album of client.albums(user)) {
          if (keep(album)) albums.push(album);
          else excluded += 1;
        }
      },
    );
    if (albums.length === 0 && input.albums.include.length > 0) {
      throw ApplicationFailure.nonRetryable(
        `No album matches the include patterns ${input.albums.include.map((p) => `"${p}"`).join(', ')}` +
          `${excluded > 0 ? ` (${excluded} albums did not match)` : ''}: nothing to migrate. Patterns match "Folder/Sub folder/Album" or an AlbumKey; * matches anything.`,
        errorType('NoAlbumMatches'),
      );
    }
    const albumsKey = albumListKey(input.target.prefix, input.migrationId);
    await new StateStore(s3, input.target.bucket).put(albumsKey, AlbumRefList, albums);
    return { albumsKey, albums: albums.length, excluded };
  };
}

/** A page of the discovered albums, so the migration holds only what it is about to start. */
export function readAlbums({ s3 }: ActivityDeps) {
  return async function readAlbums(input: {
    bucket: string;
    albumsKey: string;
    start: number;
    count: number;
  }): Promise<AlbumRef[]> {
    return (await new StateStore(s3, input.bucket).albumList(input.albumsKey)).slice(
      input.start,
      input.start + input.count,
    );
  };
}

/** The AlbumRefs of some albums, to start them again. */
export function findAlbums({ s3 }: ActivityDeps) {
  return async function findAlbums(input: {
    bucket: string;
    albumsKey: string;
    albumKeys: string[];
  }): Promise<AlbumRef[]> {
    const wanted = new Set(input.albumKeys);
    return (await new StateStore(s3, input.bucket).albumList(input.albumsKey)).filter((a) => wanted.has(a.albumKey));
  };
}
