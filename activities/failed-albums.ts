import { DeleteObjectCommand, paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { failedAlbumsPrefix } from '../common/ids';
import type { MigrationTarget } from '../common/migration-input';
import type { FailedAlbumRecord } from '../common/plan-entry';
import type { ActivityDeps } from './deps';
import { StateStore } from './s3-client';

export interface AlbumOutcomeInput {
  migrationId: string;
  target: MigrationTarget;
  /** Set when the album failed: its marker is written; absent when it succeeded: its marker goes. */
  failure?: Omit<FailedAlbumRecord, 'failedAt'>;
  albumKey: string;
}

const markerKey = (target: MigrationTarget, migrationId: string, albumKey: string) => `${failedAlbumsPrefix(target.prefix, migrationId)}${albumKey}.json`;

/** Keeps the bucket's list of failed albums current: a marker per album whose last run failed. */
export function recordAlbumOutcome({ s3 }: ActivityDeps) {
  return async function recordAlbumOutcome(input: AlbumOutcomeInput): Promise<void> {
    const key = markerKey(input.target, input.migrationId, input.albumKey);
    if (input.failure) await new StateStore(s3, input.target.bucket).put(key, { ...input.failure, failedAt: new Date().toISOString() } satisfies FailedAlbumRecord);
    else await s3.send(new DeleteObjectCommand({ Bucket: input.target.bucket, Key: key }));
  };
}

/** The AlbumKeys of every album whose last run failed, from their markers, page after page. */
export async function* failedAlbumKeys(s3: S3Client, bucket: string, targetPrefix: string, migrationId: string): AsyncGenerator<string> {
  const prefix = failedAlbumsPrefix(targetPrefix, migrationId);
  for await (const page of paginateListObjectsV2({ client: s3 }, { Bucket: bucket, Prefix: prefix })) {
    for (const object of page.Contents ?? []) yield object.Key!.slice(prefix.length).replace(/\.json$/, '');
  }
}

/** Every failed album of a migration, for the account workflow's retry of all of them. */
export function listFailedAlbums({ s3 }: ActivityDeps) {
  return async function listFailedAlbums(input: { migrationId: string; target: MigrationTarget }): Promise<string[]> {
    const keys: string[] = [];
    for await (const key of failedAlbumKeys(s3, input.target.bucket, input.target.prefix, input.migrationId)) keys.push(key);
    return keys;
  };
}
